// Rectification (整改, issue 13 item 2): a rating of 2 or 1 opens a rectification case for the
// item's department, due domain::kRectificationWorkingDays working days later (the calendar).
// The department's reviewers list theirs and reply to the person with what it changed; the person
// is told (message "rating_answered": inbox, email, SMS) and says whether the reply satisfied them.
// A daily job escalates open cases past their deadline to the reform office (state escalated;
// reform_office users list them). Every state change moves the counters of the rating's
// (department, item, month) in its own transaction.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/rating.h"
#include "ports/rating_repository.h"
#include "services/context.h"

namespace tongban::services {

// Opens the rectification of a bad rating inside the rating's transaction. Answers it.
Result<domain::Rectification> OpenRectification(const Context& ctx, ports::Transaction& tx,
                                                const domain::Rating& rating);

// Adds `delta` to the rating counters of (department, item, month) and publishes
// domain::RatingCounted inside `tx`, so the dashboards (services/metrics.h) count it in the case's
// slice in the same transaction. Every change of the rating counters goes through here.
Status CountRating(const Context& ctx, ports::Transaction& tx, const std::string& application_id,
                   const std::string& department, const std::string& item, const std::string& month,
                   const domain::RatingCounts& delta);

struct RectificationPage {
  std::vector<domain::Rectification> rectifications;
  std::string next_page_token;  // empty on the last page
};
// The rectifications the actor answers for: a reviewer's department's (all, or in `state`); a
// reform_office user's of every department in `state` (default escalated). Newest first.
// kPermissionDenied error.rectification.no_rights for anyone else; kInvalidArgument
// error.rectification.state (unknown state), error.page_token.
Result<RectificationPage> ListRectifications(const Context& ctx, const Actor& actor, const std::string& state,
                                             const std::string& page_token, int limit);

// One rectification, for its department's reviewers, the reform office (escalated ones) and the
// case's applicant. kNotFound error.rectification.not_found otherwise.
Result<domain::Rectification> GetRectification(const Context& ctx, const Actor& actor, const std::string& id);

struct RectificationReply {
  std::string text;     // the reply to the person
  std::string changes;  // what the department changed
};
// A reviewer of the department replies; the person gets the message "rating_answered". Answers the
// rectification. kInvalidArgument error.rectification.text / error.rectification.changes (empty or
// longer than domain::kMaxRectificationTextBytes); kNotFound error.rectification.not_found (not
// their department's); kConflict error.rectification.already_replied. Nothing written on error.
Result<domain::Rectification> ReplyToRectification(const Context& ctx, const Actor& actor, const std::string& id,
                                                   const RectificationReply& reply);

// The case's applicant says whether the reply satisfied them, once. kNotFound
// error.rectification.not_found (not theirs); kConflict error.rectification.not_replied,
// error.rectification.feedback_given.
Result<domain::Rectification> GiveRectificationFeedback(const Context& ctx, const Actor& actor,
                                                        const std::string& id, bool satisfied);

// Escalates every open rectification whose deadline is before today (the clock's, city time),
// `page` per transaction; answers how many this call escalated. Running it again escalates none
// twice.
Result<int> EscalateOverdueRectifications(const Context& ctx, int page = 200);

}  // namespace tongban::services
