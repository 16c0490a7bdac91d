#include "services/rectifications.h"

#include <algorithm>
#include <cctype>

#include "services/application_steps.h"
#include "services/effects.h"
#include "services/messages.h"

namespace tongban::services {
namespace {

using domain::RectificationState;

// "<created_at seconds>.<id>" of the last rectification of a page.
std::string PageToken(const domain::Rectification& r) {
  return std::to_string(r.created_at.time_since_epoch().count()) + "." + r.id;
}

bool ParsePageToken(const std::string& token, ports::RectificationQuery& q) {
  const size_t dot = token.find('.');
  if (dot == std::string::npos || dot == 0 || dot > 18 || dot + 1 >= token.size()) return false;
  int64_t seconds = 0;
  for (size_t i = 0; i < dot; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(token[i]))) return false;
    seconds = seconds * 10 + (token[i] - '0');
  }
  q.after_created_at = Timestamp{std::chrono::seconds{seconds}};
  q.after_id = token.substr(dot + 1);
  return true;
}

bool AnswersFor(const domain::User& u, const domain::Rectification& r) {
  return u.HasRole(domain::Role::kReviewer) && !u.department.empty() && u.department == r.department;
}

// Whether `u` is the applicant of the rated case (the person, or an agent of the enterprise).
Result<bool> IsRater(ports::Transaction& tx, const domain::User& u, const domain::Rectification& r) {
  if (std::any_of(u.roles.begin(), u.roles.end(), [](domain::Role role) { return domain::IsOfficialRole(role); })) {
    return false;
  }
  if (r.enterprise.empty()) return !u.person_id.empty() && u.person_id == r.person_id;
  TB_ASSIGN_OR_RETURN(const auto grant, ActingGrant(tx, u, r.enterprise));
  return grant.has_value();
}

Status CheckText(const std::string& text, const char* key) {
  if (text.empty() || text.size() > domain::kMaxRectificationTextBytes) {
    return MakeError(ErrorCode::kInvalidArgument, key);
  }
  return Ok();
}

}  // namespace

Status CountRating(const Context& ctx, ports::Transaction& tx, const std::string& application_id,
                   const std::string& department, const std::string& item, const std::string& month,
                   const domain::RatingCounts& delta) {
  TB_RETURN_IF_ERROR(tx.ratings().AddRatingCounts(department, item, month, delta));
  return PublishEvent(ctx, tx, domain::RatingCounted{application_id, department, item, month, delta});
}

Result<domain::Rectification> OpenRectification(const Context& ctx, ports::Transaction& tx,
                                                const domain::Rating& rating) {
  domain::Rectification r;
  r.id = ctx.ids->NewId();
  r.rating_id = rating.id;
  r.application_id = rating.application_id;
  r.item = rating.item;
  r.department = rating.department;
  r.person_id = rating.person_id;
  r.enterprise = rating.enterprise;
  r.level = rating.level;
  r.month = rating.month;
  r.state = RectificationState::kOpen;
  r.created_at = ctx.clock->Now();
  r.deadline = ctx.WorkingDays()->AddWorkingDays(LocalDate(r.created_at), domain::kRectificationWorkingDays);
  TB_RETURN_IF_ERROR(tx.ratings().InsertRectification(r));
  return r;
}

Result<RectificationPage> ListRectifications(const Context& ctx, const Actor& actor, const std::string& state,
                                             const std::string& page_token, int limit) {
  ports::RectificationQuery q;
  if (!state.empty()) {
    q.state = domain::ParseRectificationState(state);
    if (!q.state) return MakeError(ErrorCode::kInvalidArgument, "error.rectification.state");
  }
  if (!page_token.empty() && !ParsePageToken(page_token, q)) {
    return MakeError(ErrorCode::kInvalidArgument, "error.page_token.invalid");
  }
  const domain::User& u = actor.user;
  if (u.HasRole(domain::Role::kReviewer) && !u.department.empty()) {
    q.department = u.department;
  } else if (u.HasRole(domain::Role::kReformOffice)) {
    if (!q.state) q.state = RectificationState::kEscalated;
  } else {
    return MakeError(ErrorCode::kPermissionDenied, "error.rectification.no_rights");
  }
  const int n = std::clamp(limit, 1, ports::kMaxRectificationPage);
  q.limit = n + 1;  // one more than asked tells whether another page follows
  RectificationPage page;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(page.rectifications, tx.ratings().ListRectifications(q));
    return Ok();
  }));
  if (page.rectifications.size() > static_cast<size_t>(n)) {
    page.rectifications.resize(n);
    page.next_page_token = PageToken(page.rectifications.back());
  }
  return page;
}

Result<domain::Rectification> GetRectification(const Context& ctx, const Actor& actor, const std::string& id) {
  domain::Rectification out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(out, tx.ratings().GetRectification(id));
    const bool reform = actor.user.HasRole(domain::Role::kReformOffice) && out.state == RectificationState::kEscalated;
    if (AnswersFor(actor.user, out) || reform) return Ok();
    TB_ASSIGN_OR_RETURN(const bool rater, IsRater(tx, actor.user, out));
    if (!rater) return MakeError(ErrorCode::kNotFound, "error.rectification.not_found");
    return Ok();
  }));
  return out;
}

Result<domain::Rectification> ReplyToRectification(const Context& ctx, const Actor& actor, const std::string& id,
                                                   const RectificationReply& reply) {
  TB_RETURN_IF_ERROR(CheckText(reply.text, "error.rectification.text"));
  TB_RETURN_IF_ERROR(CheckText(reply.changes, "error.rectification.changes"));
  domain::Rectification out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(out, tx.ratings().GetRectification(id));
    if (!AnswersFor(actor.user, out)) return MakeError(ErrorCode::kNotFound, "error.rectification.not_found");
    if (out.state == RectificationState::kReplied) {
      return MakeError(ErrorCode::kConflict, "error.rectification.already_replied");
    }
    const Timestamp now = ctx.clock->Now();
    out.state = RectificationState::kReplied;
    out.reply_text = reply.text;
    out.changes = reply.changes;
    out.replied_by = actor.user.id;
    out.replied_at = now;
    TB_RETURN_IF_ERROR(tx.ratings().UpdateRectification(out));
    // On time: replied on or before the deadline day (city time).
    domain::RatingCounts delta;
    (LocalDate(now) <= out.deadline ? delta.rectified_on_time : delta.rectified_late) = 1;
    TB_RETURN_IF_ERROR(CountRating(ctx, tx, out.application_id, out.department, out.item, out.month, delta));
    TB_ASSIGN_OR_RETURN(const domain::Application app, tx.applications().GetApplication(out.application_id));
    const bool enterprise = !out.enterprise.empty();
    return PostMessage(ctx, tx, enterprise ? domain::ApplicantKind::kEnterprise : domain::ApplicantKind::kPerson,
                       enterprise ? out.enterprise : out.person_id, "rating_answered",
                       {{"item", out.item}, {"reference", app.reference}}, {"application", out.application_id});
  }));
  return out;
}

Result<domain::Rectification> GiveRectificationFeedback(const Context& ctx, const Actor& actor,
                                                        const std::string& id, bool satisfied) {
  domain::Rectification out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(out, tx.ratings().GetRectification(id));
    TB_ASSIGN_OR_RETURN(const bool rater, IsRater(tx, actor.user, out));
    if (!rater) return MakeError(ErrorCode::kNotFound, "error.rectification.not_found");
    if (out.state != RectificationState::kReplied) {
      return MakeError(ErrorCode::kConflict, "error.rectification.not_replied");
    }
    if (out.satisfied) return MakeError(ErrorCode::kConflict, "error.rectification.feedback_given");
    out.satisfied = satisfied;
    out.feedback_at = ctx.clock->Now();
    return tx.ratings().UpdateRectification(out);
  }));
  return out;
}

Result<int> EscalateOverdueRectifications(const Context& ctx, int page) {
  const Timestamp now = ctx.clock->Now();
  const Date today = LocalDate(now);
  int escalated = 0;
  while (true) {
    int this_page = 0;
    TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
      this_page = 0;
      TB_ASSIGN_OR_RETURN(const auto overdue, tx.ratings().ListOverdueRectifications(today, page));
      for (const domain::Rectification& listed : overdue) {
        // Read again (locked): another server may have escalated or a reviewer replied meanwhile.
        TB_ASSIGN_OR_RETURN(domain::Rectification r, tx.ratings().GetRectification(listed.id));
        if (r.state != RectificationState::kOpen) continue;
        r.state = RectificationState::kEscalated;
        r.escalated_at = now;
        TB_RETURN_IF_ERROR(tx.ratings().UpdateRectification(r));
        domain::RatingCounts delta;
        delta.escalated = 1;
        TB_RETURN_IF_ERROR(CountRating(ctx, tx, r.application_id, r.department, r.item, r.month, delta));
        ++this_page;
      }
      return Ok();
    }));
    escalated += this_page;
    if (this_page < page) break;
  }
  return escalated;
}

}  // namespace tongban::services
