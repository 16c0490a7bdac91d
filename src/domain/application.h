// An application (docs/product.md C4) and the events of its history.
// Thread-safety: plain value types.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/time.h"
#include "domain/catalogue.h"
#include "domain/workflow.h"

namespace tongban::domain {

// A material as attached to an application. kFetched: a shared_data or licence material the
// platform fetched at submission (services/data_access.h), with its provenance.
enum class MaterialStatus { kProvided, kToBeFetched, kMissing, kFetched };
// "provided", "to_be_fetched", "missing", "fetched"
const char* MaterialStatusName(MaterialStatus status);
std::optional<MaterialStatus> ParseMaterialStatus(std::string_view name);

struct AttachedMaterial {
  std::string code;         // Material code of the item
  MaterialStatus status = MaterialStatus::kMissing;
  std::string blob_sha256;  // kProvided uploads: content address in the blob store
  std::string content_type;
  std::string file_name;
  int64_t size = 0;
  // Fetched at submission (kFetched), or why it could not be (kMissing: "no_record",
  // "no_licence", "suspended", "revoked", "expired").
  std::string reason;
  std::string dataset;    // shared_data: the dataset, record and the owner's as-of time
  std::string record_id;
  std::optional<Timestamp> as_of;  // shared_data: the record's; licence: when its status was read
  std::string licence_id;  // licence: the holder's licence of the type, its issuer and status then
  std::string licence_issuer;
  std::string licence_status;
};

struct Application {
  std::string id;
  std::string item;       // ServiceItem code
  std::string department; // owning department (copied from the item at creation)
  std::string applicant_user_id;  // who filed it (the citizen, the agent or the clerk)
  std::string person_id;          // the person it is for, when a person applies
  std::string enterprise;         // credit code, when an enterprise applies
  Channel channel = Channel::kWeb;        // the channel it was created from
  std::string centre;                     // the service centre, for window and kiosk applications
  ApplicationState state = ApplicationState::kDraft;
  std::map<std::string, std::string> fields;  // canonical text values
  std::vector<AttachedMaterial> materials;
  Timestamp created_at{};
  Timestamp updated_at{};
  std::optional<Timestamp> submitted_at;
  std::optional<Date> deadline;  // promised deadline in working days from submission
  int64_t version = 0;           // optimistic concurrency: bumped by every write
  int64_t catalogue_version = 0;  // the published catalogue it was made under (its item, legal basis)
  std::string reference;         // the human reference number (common/reference.h), set at creation
  std::string applicant_name;    // the person's or enterprise's name when it was created
  std::string assignee_user_id;  // the official the case is assigned to; empty: nobody
  // The pilot (先行先试, domain::Pilot) whose item variant the application was created under, fixed
  // at creation so that a promotion or a pilot's end never changes a running case; "" none.
  std::string pilot;
};

struct Event {
  std::string id;
  std::string application_id;
  int64_t seq = 0;  // 1, 2, ... per application
  std::string action;  // ActionName, or "create", "update"
  ApplicationState from = ApplicationState::kDraft;
  ApplicationState to = ApplicationState::kDraft;
  std::string actor_user_id;
  std::string actor_role;  // "applicant", "clerk", "reviewer"
  Channel channel = Channel::kWeb;
  Timestamp at{};
  std::string reason;
  // A clerk at a window acting for the person or enterprise (issue 11 item 3): the clerk's user
  // id, name and ServiceCentre code; "" when the applicant acted themselves.
  std::string assisted_by;
  std::string assisted_name;
  std::string assisted_centre;
};

// True when the application is past its deadline and still waiting on the department.
bool IsOverdue(const Application& app, Date today);

}  // namespace tongban::domain
