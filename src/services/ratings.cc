#include "services/ratings.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "services/application_steps.h"
#include "services/messages.h"
#include "services/rectifications.h"
#include "services/window.h"

namespace tongban::services {
namespace {

using domain::ApplicationState;

Status CheckRequest(const RatingRequest& req) {
  if (req.level < domain::kMinRatingLevel || req.level > domain::kMaxRatingLevel) {
    return MakeError(ErrorCode::kInvalidArgument, "error.rating.level");
  }
  if (req.comment.size() > domain::kMaxRatingCommentBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "error.rating.comment");
  }
  std::set<std::string> seen;
  for (const std::string& tag : req.tags) {
    if (!domain::IsRatingTag(tag) || !seen.insert(tag).second) {
      return MakeError(ErrorCode::kInvalidArgument, "error.rating.tag");
    }
  }
  return Ok();
}

domain::RatingChannel ChannelOf(domain::Channel channel) {
  switch (channel) {
    case domain::Channel::kMobile: return domain::RatingChannel::kMobile;
    case domain::Channel::kKiosk: return domain::RatingChannel::kKiosk;
    case domain::Channel::kWindow: return domain::RatingChannel::kWindow;
    case domain::Channel::kWeb: break;
  }
  return domain::RatingChannel::kWeb;
}

bool IsPersonAccount(const domain::User& u) {
  return std::none_of(u.roles.begin(), u.roles.end(), [](domain::Role r) { return domain::IsOfficialRole(r); });
}

// Whether `u` is the applicant of `app` for rating it: the person themselves, or an agent acting
// for the enterprise (ActingGrant). Proxies, clerks and officials are not.
Result<bool> IsRatingApplicant(ports::Transaction& tx, const domain::User& u, const domain::Application& app) {
  if (!IsPersonAccount(u)) return false;
  if (app.enterprise.empty()) return !u.person_id.empty() && u.person_id == app.person_id;
  TB_ASSIGN_OR_RETURN(const auto grant, ActingGrant(tx, u, app.enterprise));
  return grant.has_value();
}

// The event that moved the case to its terminal state: the last event that changed the state.
Result<std::optional<domain::Event>> EndingEvent(ports::Transaction& tx, const domain::Application& app) {
  TB_ASSIGN_OR_RETURN(const std::vector<domain::Event> events, tx.applications().ListEvents(app.id));
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    if (it->to == app.state && it->from != it->to) return std::optional<domain::Event>(*it);
  }
  return std::optional<domain::Event>();
}

// When the rating period of a case that ended at `ended_at` is over.
Timestamp PeriodEnd(const Context& ctx, Timestamp ended_at) {
  return ended_at + std::chrono::days(std::max(ctx.rating_period_days, 1));
}

// The eligibility rules a signed-in applicant, the window tablet and the link share, in this
// order: ended, not yet rated, within the period. Answers the ending event.
Result<domain::Event> CheckRatable(const Context& ctx, ports::Transaction& tx, const domain::Application& app) {
  if (!domain::IsTerminal(app.state)) return MakeError(ErrorCode::kConflict, "error.rating.not_ended");
  TB_ASSIGN_OR_RETURN(const auto existing, tx.ratings().RatingOf(app.id));
  if (existing) return MakeError(ErrorCode::kConflict, "error.rating.already_rated");
  TB_ASSIGN_OR_RETURN(const auto ended, EndingEvent(tx, app));
  if (!ended) return MakeError(ErrorCode::kConflict, "error.rating.not_ended");
  if (ctx.clock->Now() >= PeriodEnd(ctx, ended->at)) {
    return MakeError(ErrorCode::kConflict, "error.rating.period_over");
  }
  return *ended;
}

// Writes the rating, its counters and (a bad one) its rectification in the caller's transaction.
Result<domain::Rating> WriteRating(const Context& ctx, ports::Transaction& tx, const domain::Application& app,
                                   const std::string& rater_user_id, domain::RatingChannel channel,
                                   const std::string& assisted_by, const RatingRequest& req) {
  TB_ASSIGN_OR_RETURN(const domain::Event ended, CheckRatable(ctx, tx, app));
  domain::Rating r;
  r.id = ctx.ids->NewId();
  r.application_id = app.id;
  r.ended_event_id = ended.id;
  r.item = app.item;
  r.department = app.department;
  r.rater_user_id = rater_user_id;
  r.person_id = app.enterprise.empty() ? app.person_id : "";
  r.enterprise = app.enterprise;
  r.level = req.level;
  r.comment = req.comment;
  r.tags = req.tags;
  r.channel = channel;
  r.assisted_by = assisted_by;
  r.created_at = ctx.clock->Now();
  r.month = domain::MonthOf(LocalDate(r.created_at));
  TB_RETURN_IF_ERROR(tx.ratings().InsertRating(r));
  domain::RatingCounts delta;
  delta.levels[static_cast<size_t>(r.level - 1)] = 1;
  TB_RETURN_IF_ERROR(CountRating(ctx, tx, r.application_id, r.department, r.item, r.month, delta));
  if (r.level <= domain::kBadRatingLevel) {
    TB_ASSIGN_OR_RETURN(const domain::Rectification opened, OpenRectification(ctx, tx, r));
    (void)opened;
  }
  return r;
}

std::string LinkPayload(const std::string& application_id, Timestamp expires_at) {
  return application_id + "\n" + std::to_string(expires_at.time_since_epoch().count());
}

// Whether the invitation goes out for a case that ended in `state` (a withdrawal is the
// applicant's own act and a closed sub-case was never handled: the page still lets them rate).
bool InvitesRating(ApplicationState state) {
  return state == ApplicationState::kCompleted || state == ApplicationState::kRefused ||
         state == ApplicationState::kNotAccepted;
}

}  // namespace

Result<domain::Rating> RateApplication(const Context& ctx, const Actor& actor, const std::string& id,
                                       const RatingRequest& req) {
  TB_RETURN_IF_ERROR(CheckRequest(req));
  domain::Rating out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const auto loaded, LoadVisible(ctx, tx, actor, id));
    TB_ASSIGN_OR_RETURN(const bool applicant, IsRatingApplicant(tx, actor.user, loaded.first));
    if (!applicant) return MakeError(ErrorCode::kPermissionDenied, "error.rating.not_applicant");
    TB_ASSIGN_OR_RETURN(out, WriteRating(ctx, tx, loaded.first, actor.user.id, ChannelOf(actor.channel), "", req));
    return Ok();
  }));
  return out;
}

Result<domain::Rating> RateAtWindow(const Context& ctx, const Actor& clerk, const std::string& visit_id,
                                    const std::string& id, const RatingRequest& req) {
  TB_RETURN_IF_ERROR(CheckRequest(req));
  domain::Rating out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    if (!clerk.user.HasRole(domain::Role::kClerk)) {
      return MakeError(ErrorCode::kPermissionDenied, "error.window.not_clerk");
    }
    TB_ASSIGN_OR_RETURN(const ports::WindowVisit visit, tx.window_visits().GetVisit(visit_id));
    if (visit.clerk_user_id != clerk.user.id) return MakeError(ErrorCode::kNotFound, "error.window.visit_not_found");
    if (!visit.OpenAt(ctx.clock->Now())) return MakeError(ErrorCode::kPermissionDenied, "error.window.visit_closed");
    auto app = FindApplication(tx, id);
    if (!app.ok() || !VisitServes(visit, *app)) {
      if (!app.ok() && app.error().code != ErrorCode::kNotFound) return app.take_error();
      return MakeError(ErrorCode::kNotFound, "error.application.not_found");
    }
    TB_ASSIGN_OR_RETURN(out, WriteRating(ctx, tx, *app, visit.person_user_id, domain::RatingChannel::kWindow,
                                         clerk.user.id, req));
    return Ok();
  }));
  return out;
}

Result<std::string> RatingLinkApplication(const Context& ctx, std::string_view token) {
  if (ctx.keys == nullptr) return MakeError(ErrorCode::kUnavailable, "error.rating.link_unavailable");
  auto verified = ctx.keys->Verify(token);
  if (!verified.ok()) {
    if (verified.error().code == ErrorCode::kInvalidArgument) {
      return MakeError(ErrorCode::kPermissionDenied, "error.rating.link_invalid");
    }
    return verified.take_error();
  }
  if (verified->owner != kRatingLinkKeyOwner || verified->typ != kRatingLinkTyp) {
    return MakeError(ErrorCode::kPermissionDenied, "error.rating.link_invalid");
  }
  const std::string& payload = verified->payload;
  const size_t newline = payload.find('\n');
  if (newline == std::string::npos || newline == 0) {
    return MakeError(ErrorCode::kPermissionDenied, "error.rating.link_invalid");
  }
  int64_t expires = 0;
  const char* first = payload.data() + newline + 1;
  const char* last = payload.data() + payload.size();
  const auto parsed = std::from_chars(first, last, expires);
  if (parsed.ec != std::errc() || parsed.ptr != last) {
    return MakeError(ErrorCode::kPermissionDenied, "error.rating.link_invalid");
  }
  if (ctx.clock->Now() >= Timestamp{std::chrono::seconds{expires}}) {
    return MakeError(ErrorCode::kPermissionDenied, "error.rating.link_expired");
  }
  return payload.substr(0, newline);
}

Result<domain::Rating> RateByLink(const Context& ctx, std::string_view token, const RatingRequest& req) {
  TB_ASSIGN_OR_RETURN(const std::string id, RatingLinkApplication(ctx, token));
  TB_RETURN_IF_ERROR(CheckRequest(req));
  domain::Rating out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const domain::Application app, tx.applications().GetApplication(id));
    // No one is signed in: the link itself, sent to the applicant's inbox, is the proof.
    TB_ASSIGN_OR_RETURN(out, WriteRating(ctx, tx, app, "", domain::RatingChannel::kMessage, "", req));
    return Ok();
  }));
  return out;
}

Result<RatingLinkView> ViewRatingLink(const Context& ctx, std::string_view token) {
  TB_ASSIGN_OR_RETURN(const std::string id, RatingLinkApplication(ctx, token));
  RatingLinkView view;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const domain::Application app, tx.applications().GetApplication(id));
    view.application_id = app.id;
    view.reference = app.reference;
    view.item = app.item;
    TB_ASSIGN_OR_RETURN(const auto rating, tx.ratings().RatingOf(app.id));
    view.rated = rating.has_value();
    return Ok();
  }));
  return view;
}

Result<RatingView> GetRating(const Context& ctx, const Actor& actor, const std::string& id) {
  RatingView view;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const auto loaded, LoadVisible(ctx, tx, actor, id));
    const domain::Application& app = loaded.first;
    TB_ASSIGN_OR_RETURN(view.rating, tx.ratings().RatingOf(app.id));
    TB_ASSIGN_OR_RETURN(view.rectification, tx.ratings().RectificationOfApplication(app.id));
    if (view.rating || !domain::IsTerminal(app.state)) return Ok();
    TB_ASSIGN_OR_RETURN(const bool applicant, IsRatingApplicant(tx, actor.user, app));
    TB_ASSIGN_OR_RETURN(const auto ended, EndingEvent(tx, app));
    if (!applicant || !ended) return Ok();
    const Timestamp end = PeriodEnd(ctx, ended->at);
    view.may_rate = ctx.clock->Now() < end;
    view.rate_until = LocalDate(end - std::chrono::seconds(1));
    return Ok();
  }));
  return view;
}

Result<RatablePage> ListRatable(const Context& ctx, const Actor& actor, const std::string& page_token, int limit) {
  if (actor.user.person_id.empty() || !IsPersonAccount(actor.user)) {
    return MakeError(ErrorCode::kPermissionDenied, "error.rating.person_only");
  }
  const int want = std::clamp(limit, 1, kMaxRatablePage);
  RatablePage out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    out = RatablePage{};
    const Timestamp now = ctx.clock->Now();
    std::string token = page_token;
    for (int scanned = 0; scanned < kRatableScanPages && static_cast<int>(out.entries.size()) < want; ++scanned) {
      ports::ApplicationQuery q;
      q.person_id = actor.user.person_id;
      q.exclude_drafts = true;
      q.page_token = token;
      // Never more than the page still needs: the cursor then stops exactly after the last one shown.
      q.limit = want - static_cast<int>(out.entries.size());
      TB_ASSIGN_OR_RETURN(ports::ApplicationPage page, tx.applications().ListApplications(q));
      for (domain::Application& app : page.applications) {
        if (!app.enterprise.empty() || app.person_id != actor.user.person_id || !domain::IsTerminal(app.state)) continue;
        TB_ASSIGN_OR_RETURN(const auto rated, tx.ratings().RatingOf(app.id));
        if (rated) continue;
        TB_ASSIGN_OR_RETURN(const auto ended, EndingEvent(tx, app));
        if (!ended) continue;
        const Timestamp end = PeriodEnd(ctx, ended->at);
        if (now >= end) continue;
        out.entries.push_back({std::move(app), LocalDate(end - std::chrono::seconds(1))});
      }
      token = page.next_page_token;
      if (token.empty()) break;
    }
    out.next_page_token = token;
    return Ok();
  }));
  return out;
}

Result<domain::RatingCounts> RatingSummary(const Context& ctx, const ports::RatingSlice& slice) {
  if (!slice.month.empty()) {
    const auto day = ParseIsoDate(slice.month + "-01");
    if (slice.month.size() != 7 || !day) return MakeError(ErrorCode::kInvalidArgument, "error.rating.month");
  }
  domain::RatingCounts counts;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(counts, tx.ratings().SumRatingCounts(slice));
    return Ok();
  }));
  return counts;
}

void RegisterRatingEffects(Effects& effects) {
  effects.On<domain::ApplicationChanged>(
      "ratings.invite_on_end", [](EffectScope& scope, const domain::ApplicationChanged& e) -> Status {
        const Context& ctx = scope.context();
        if (!e.Transitioned() || !InvitesRating(e.application.state) || ctx.keys == nullptr) return Ok();
        const domain::Application& app = e.application;
        const std::string payload = LinkPayload(app.id, PeriodEnd(ctx, e.at));
        auto token = ctx.keys->Sign(scope.tx(), kRatingLinkKeyOwner, payload, kRatingLinkTyp);
        // Without the key (never created) the case still ends; the page offers the rating.
        if (!token.ok()) return token.error().code == ErrorCode::kNotFound ? Ok() : Status(token.take_error());
        const bool enterprise = !app.enterprise.empty();
        return PostMessage(ctx, scope.tx(),
                           enterprise ? domain::ApplicantKind::kEnterprise : domain::ApplicantKind::kPerson,
                           enterprise ? app.enterprise : app.person_id, "rating_invitation",
                           {{"item", app.item}, {"reference", app.reference}}, {"rating_link", *token});
      });
}

}  // namespace tongban::services
