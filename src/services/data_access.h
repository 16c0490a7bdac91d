// Purpose-bound reads of the city's datasets (issue 9 items 3 and 4, issue 10 item 7): the ONE
// path by which anything reads dataset records or a holder's licence for an item. An item reads
// only the dataset fields its form fields and materials declare, under the legal basis it names
// for the dataset (ServiceItem::data_bases); `sensitive` fields only with the person's consent for
// the item; a licence material is satisfied only by the holder's valid, delivered e-licence of its
// type. Every read is recorded in the access log inside the caller's transaction: one entry per
// dataset with the fields read (purpose: the item code; legal basis: the item's basis or
// "consent:<id>"); a read outside the declaration is refused and recorded as refused.
// Consents (give, list, revoke) live here too.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "domain/application.h"
#include "domain/catalogue.h"
#include "ports/consent_repository.h"
#include "services/context.h"
#include "services/external_sources.h"

namespace tongban::services {

// Whose data an item reads: the person (resident id) and, when an enterprise applies, its credit
// code. A person dataset is read for `person_id`, an enterprise dataset for `enterprise`.
struct DataSubject {
  std::string person_id;
  std::string enterprise;
};

// Where a value came from.
struct Provenance {
  std::string dataset;
  std::string record_id;
  Timestamp as_of{};
};

struct FieldRead {
  std::string value;
  Provenance source;
};

// What a `shared_data` or `licence` material came to.
struct MaterialRead {
  std::string code;
  domain::MaterialSource source = domain::MaterialSource::kSharedData;
  bool fetched = false;
  // Not fetched: "no_record", "no_licence" (none of the type delivered to the holder), or the
  // licence's status when it does not satisfy ("suspended", "revoked", "expired").
  std::string reason;
  Provenance record;             // kSharedData, fetched
  std::string licence_id;        // kLicence: the holder's licence of the type, when they hold one
  std::string licence_issuer;
  std::string licence_status;    // "valid", "suspended", "revoked", "expired"
  Timestamp licence_as_of{};
};

// A dataset field named on its own: "dataset.field".
struct DatasetFieldRef {
  std::string dataset;
  std::string field;
};

struct ReadRequest {
  bool fields = true;                   // fill the item's sourced fields
  bool materials = true;                // fetch the item's shared_data and licence materials
  std::vector<std::string> only_materials;  // with `materials`: only these codes (empty: all)
  // Explicit reads of dataset fields (GET /api/v1/prefill?read=dataset.field): each must be one the
  // item declares, or the whole read is refused (and recorded as refused).
  std::vector<DatasetFieldRef> explicit_reads;
  std::string application_id;  // the case the read serves (recorded in the access log); "" for none
  // The answers of the departments' own systems for the item's external datasets, fetched before
  // the transaction (FetchExternal). An external dataset without an answer here is unavailable.
  const ExternalReads* external = nullptr;
};

struct ItemRead {
  std::map<std::string, FieldRead> fields;  // by the item's field name
  std::map<std::string, FieldRead> explicit_values;  // explicit reads, by "dataset.field"
  // The item's field names (and explicit "dataset.field" reads) left out because the field is
  // sensitive and the person has not consented to the item reading it.
  std::vector<std::string> needs_consent;
  std::vector<MaterialRead> materials;
  std::optional<std::string> consent_id;  // the consent in force for the item, if any
  // The external datasets the read needed whose source was unavailable: dataset -> reason
  // (ExternalRecord::reason). Their fields are left empty; their materials have reason
  // "source_unavailable" and may be uploaded instead.
  std::map<std::string, std::string> unavailable;
  // The external datasets read: dataset codes (their provenance says the department's system).
  std::set<std::string> external;
};

// The legal basis recorded for a licence material read: the holder's own e-licence, which the
// item declares as a material of its type.
inline constexpr std::string_view kLicenceMaterialBasis = "licence-material";

// Reads for `item` in `tx` (the caller's transaction: the access log entries are queued in it)
// what the request asks, for `subject`. kPermissionDenied (error.data.undeclared_read) for an
// explicit read the item does not declare, after recording the refusal in the access log: the
// caller must still commit `tx` for the refusal to be kept (Prefill does); the store's errors.
Result<ItemRead> ReadForItem(const Context& ctx, ports::Transaction& tx, const Actor& actor,
                             const domain::ServiceItem& item, const DataSubject& subject,
                             const ReadRequest& request = {});

// The pre-fill of `item_code` for the signed-in person, or for `enterprise` when an agent acting
// for it asks (subject: the credit code). One write transaction (its reads are logged).
// kNotFound (error.item.not_found) for an unknown item; kPermissionDenied
// (error.application.person_only, error.application.no_agent_rights) when the actor may not apply
// for it; error.data.undeclared_read for an explicit read the item does not declare (recorded).
// With `external`: the answers of FetchExternal for PrefillExternalCalls' calls.
Result<ItemRead> Prefill(const Context& ctx, const Actor& actor, const std::string& item_code,
                         const std::string& enterprise, const std::vector<DatasetFieldRef>& explicit_reads = {},
                         const ExternalReads* external = nullptr);

// The calls to departments' own systems a Prefill of the same arguments needs (empty when the
// item reads no external dataset): run them with FetchExternal before Prefill, which holds no
// thread while they are out. The errors Prefill would answer for the item and the actor.
Result<std::vector<ExternalCall>> PrefillExternalCalls(const Context& ctx, const Actor& actor,
                                                       const std::string& item_code, const std::string& enterprise,
                                                       const std::vector<DatasetFieldRef>& explicit_reads = {});

// The calls submitting `app` (of `item`) needs for its external shared_data materials not yet
// fetched or uploaded (FetchMaterials then takes the answers). Reads consents in a read
// transaction of its own.
Result<std::vector<ExternalCall>> MaterialExternalCalls(const Context& ctx, const domain::ServiceItem& item,
                                                        const domain::Application& app);
// The same for an application about to be created and submitted: for the item `item_code`, the
// person `person_id` (the actor's own, or the one a clerk applies for) or `enterprise`. Empty for
// an unknown item (creation then answers its own error).
Result<std::vector<ExternalCall>> MaterialExternalCalls(const Context& ctx, const std::string& item_code,
                                                        const std::string& person_id, const std::string& enterprise);

// Consents. The subject is the actor's person id, or `enterprise` when an agent acts for it.
// Gives consent for `purpose` (an item code that reads a sensitive field, or a peer's dataset and a
// declared purpose, "zj:population:social_assistance": services/data_requests.h): the consent in
// force is answered again when there is one. kInvalidArgument (error.consent.purpose) for a purpose
// that is not such an item, error.consent.peer_purpose when the peer is not one of this platform's;
// kPermissionDenied (error.consent.person_only) without a person id.
Result<ports::Consent> GiveConsent(const Context& ctx, const Actor& actor, const std::string& purpose);
// The actor's consents, newest first; page_token from the previous page ("" for the first).
struct ConsentPage {
  std::vector<ports::Consent> consents;
  std::string next_page_token;
};
Result<ConsentPage> ListMyConsents(const Context& ctx, const Actor& actor, const std::string& page_token, int limit);
// Revokes one of the actor's consents (kept, with the time). kNotFound (error.consent.not_found)
// when it is not theirs; kConflict (error.consent.revoked) when revoked already.
Result<ports::Consent> RevokeConsent(const Context& ctx, const Actor& actor, const std::string& id);

// Fetch at submission (issue 9 item 4, issue 10 item 7): every shared_data and licence material of
// `app` not yet fetched (nor uploaded) is read through ReadForItem in `tx` (logged) and stored on
// the application's material: kFetched with its provenance, or kMissing with the reason (then the
// applicant may upload it instead). Changes `app` only; the caller writes it. The store's errors.
// The calls acting `action` on application `id` needs: MaterialExternalCalls' for a submit or
// resubmit of an application the actor may see; none for other actions, or when the application
// is not found (Act then answers its own error).
Result<std::vector<ExternalCall>> ActExternalCalls(const Context& ctx, const Actor& actor, const std::string& id,
                                                   domain::Action action);

// `external`: the answers for MaterialExternalCalls' calls (none: the external materials are
// missing with reason "source_unavailable", and may be uploaded).
Status FetchMaterials(const Context& ctx, ports::Transaction& tx, const Actor& actor, const domain::ServiceItem& item,
                      domain::Application& app, const ExternalReads* external = nullptr);

// Whether `item` reads any sensitive field (so it asks for consent).
bool ReadsSensitive(const domain::Catalogue& catalogue, const domain::ServiceItem& item);

}  // namespace tongban::services
