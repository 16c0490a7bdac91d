// Supervision records' use cases (互联网+监管, issue 13 item 4; docs/product.md C8).
// Who writes: a supervisor (an official with the role supervisor and a department) for their own
// department, and a supervision system with its department's API key (services/api_keys.h).
// Who reads: supervisors of any department (purpose "supervision"); the enterprise's own agents
// (purpose "own_records"); a reviewer deciding an enterprise's application reads its summary
// through the case (purpose "case_decision"). Everyone else: kPermissionDenied. Every read is
// recorded in the access log inside the read's own transaction, the subject being the credit code.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/supervision.h"
#include "ports/access_log_repository.h"
#include "ports/supervision_repository.h"
#include "services/context.h"

namespace tongban::services {

// The access log's dataset name of these reads.
inline constexpr char kSupervisionDataset[] = "supervision_records";

// Who records: an official, or a supervision system's key (exactly one is set).
struct Recorder {
  std::optional<Actor> official;
  std::optional<ports::ApiKey> key;
};

// What a recorder sends (the API's body, the office form); texts as typed.
struct SupervisionInput {
  std::string kind;
  std::string date;  // YYYY-MM-DD
  std::string summary;
  std::string result;           // inspection
  std::string rule;             // violation
  std::string amount;           // penalty, yuan: "5000" or "5000.50"
  std::string decision_number;  // penalty
  std::string level;            // credit
  std::string corrects;         // the id of the record this corrects, or ""
};

// Records one supervision record about `credit_code` for the recorder's department, stored as
// given. kPermissionDenied (error.supervision.not_supervisor) for an official without the role
// supervisor and a department; kInvalidArgument with field errors (error.supervision.*,
// error.credit_code.*); for a correction, kNotFound (error.supervision.not_found) for an unknown
// record or one of another enterprise, kInvalidArgument (error.supervision.correct_kind) when the
// kinds differ, kPermissionDenied (error.supervision.correct_other_department) for a record of
// another department.
Result<domain::SupervisionRecord> RecordSupervision(const Context& ctx, const Recorder& by,
                                                    const std::string& credit_code, const SupervisionInput& input);

struct SupervisionPage {
  std::vector<domain::SupervisionRecord> records;
  std::string next_page_token;  // "" on the last page
};

// A page of the enterprise's records, newest first, for a supervisor or the enterprise's own
// agent; the read is logged. kPermissionDenied (error.supervision.no_read_rights) for anyone else;
// kInvalidArgument for a bad credit code (error.credit_code.*) or page token
// (error.supervision.page_token).
Result<SupervisionPage> ListSupervision(const Context& ctx, const Actor& actor, const std::string& credit_code,
                                        const std::string& page_token, int limit);

// The supervision summary of the enterprise that applied in case `application_id`, for a reviewer
// of the case's department (logged with purpose "case_decision" and the case). nullopt for a
// person's case. kNotFound (error.application.not_found) when the actor does not review the case.
Result<std::optional<domain::SupervisionSummary>> CaseSupervisionSummary(const Context& ctx, const Actor& actor,
                                                                         const std::string& application_id);

// Who read the enterprise's data: the access log's entries whose subject is its credit code (the
// reads of its supervision records), for its own agents; those still queued first, then the
// sequenced ones newest first (`page_token`: the leaf index to continue before). kPermissionDenied
// (error.supervision.no_read_rights) for anyone else; kInvalidArgument (error.log.page_token).
struct EnterpriseAccessLog {
  std::vector<ports::AccessLogRow> pending;
  std::vector<ports::AccessLogRow> entries;
  std::string next_page_token;  // "" on the last page
};
Result<EnterpriseAccessLog> ListEnterpriseAccessLog(const Context& ctx, const Actor& actor,
                                                    const std::string& credit_code, const std::string& page_token,
                                                    int limit);

}  // namespace tongban::services
