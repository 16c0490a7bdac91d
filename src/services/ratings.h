// Good/bad ratings (好差评, issue 13 item 1, docs/product.md C11): the applicant of a case rates it
// once, on five levels (GB/T 39735), after it ended and within ctx.rating_period_days of the event
// that ended it, from the web or mobile page, the kiosk, a tablet at the window (the clerk turns it
// to the person: the rating is the person's, the clerk is recorded as assisted_by) or a signed
// link in the message sent when the case ended (no sign-in; the link names one case, expires with
// the rating period and rates it once). A bundle's sub-cases are applications: each is rated.
//
// Who "the applicant" is: for a person's case the person themselves (a citizen whose person is the
// case's); for an enterprise's case an agent acting for the enterprise (its administrator or an
// agent with rights). Family proxies do not rate: a rating is the person's own opinion of the
// service, so the person rates (at the window, by the link or signed in); clerks and officials
// never rate.
//
// The rating, its counters (rating_counters, per department, item and month) and, for a rating of
// 2 or 1, its rectification case (services/rectifications.h) are written in one transaction.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/rating.h"
#include "ports/key_repository.h"
#include "ports/rating_repository.h"
#include "services/context.h"
#include "services/effects.h"

namespace tongban::services {

// The key that signs the "rate this service" links, and their JWS typ.
inline const ports::KeyOwner kRatingLinkKeyOwner{ports::KeyOwnerKind::kPurpose, "rating"};
inline constexpr std::string_view kRatingLinkTyp = "rating-link";

struct RatingRequest {
  int level = 0;
  std::string comment;
  std::vector<std::string> tags;
};

// A case's rating and its rectification, as its applicant sees them.
struct RatingView {
  std::optional<domain::Rating> rating;
  std::optional<domain::Rectification> rectification;
  // Whether the actor may rate it now (the applicant, ended, not rated, within the period), and
  // the last day they may.
  bool may_rate = false;
  std::optional<Date> rate_until;
};

// The actor rates application `id` (channel: the actor's: web, mobile or kiosk). Answers the
// rating. Errors, nothing written on any: kInvalidArgument error.rating.level (not 1..5),
// error.rating.comment (longer than domain::kMaxRatingCommentBytes), error.rating.tag (not of the
// list, or twice); kNotFound error.application.not_found (not visible to them);
// kPermissionDenied error.rating.not_applicant (they see it but are not its applicant: an
// official, a clerk, a proxy); kConflict error.rating.not_ended (the case has not ended),
// error.rating.already_rated, error.rating.period_over.
Result<domain::Rating> RateApplication(const Context& ctx, const Actor& actor, const std::string& id,
                                       const RatingRequest& req);

// The person at the clerk's window rates their application `id` on the window tablet (visit
// `visit_id`, the clerk's and open): channel window, assisted_by the clerk. Errors as
// RateApplication, and kPermissionDenied error.window.visit_closed, kNotFound
// error.window.visit_not_found (not the clerk's visit), error.application.not_found (not the
// visit's person's application; for an enterprise's visit, the enterprise's: its agent who
// presented the code rates it).
Result<domain::Rating> RateAtWindow(const Context& ctx, const Actor& clerk, const std::string& visit_id,
                                    const std::string& id, const RatingRequest& req);

// The signed-in person's own cases that they may rate now (ended, not rated, within the period;
// the kiosk's "rate a finished service", issue 13 item 1), newest first, at most `limit`
// (1..kMaxRatablePage). `page_token` continues where the previous page stopped; the scan behind a
// page reads at most kRatableScanPages pages of the person's cases, so a page can come back short
// (even empty) with a next_page_token. kPermissionDenied error.rating.person_only for an account
// without a person.
inline constexpr int kMaxRatablePage = 20;
inline constexpr int kRatableScanPages = 10;
struct RatablePage {
  struct Entry {
    domain::Application application;
    Date rate_until{};  // the last day it may be rated
  };
  std::vector<Entry> entries;
  std::string next_page_token;  // "" on the last page
};
Result<RatablePage> ListRatable(const Context& ctx, const Actor& actor, const std::string& page_token, int limit);

// The signed link's case: its application id, after checking the token's signature, purpose and
// expiry. kPermissionDenied error.rating.link_invalid (not a rating link of this platform) or
// error.rating.link_expired; kUnavailable when the platform has no key store.
Result<std::string> RatingLinkApplication(const Context& ctx, std::string_view token);
// Rates the link's case as its applicant (channel message). The errors of RatingLinkApplication
// and RateApplication (a used link: error.rating.already_rated).
Result<domain::Rating> RateByLink(const Context& ctx, std::string_view token, const RatingRequest& req);
// What the link's page shows: the case's reference and item, and whether it may still be rated.
struct RatingLinkView {
  std::string application_id;
  std::string reference;
  std::string item;
  bool rated = false;
};
Result<RatingLinkView> ViewRatingLink(const Context& ctx, std::string_view token);

// The rating of application `id` and its rectification, for its applicant (or anyone who sees the
// case: officials of its department). kNotFound error.application.not_found when not visible.
Result<RatingView> GetRating(const Context& ctx, const Actor& actor, const std::string& id);

// The counters of a slice added up (no sign-in: public statistics). kInvalidArgument
// error.rating.month for a month that is not YYYY-MM.
Result<domain::RatingCounts> RatingSummary(const Context& ctx, const ports::RatingSlice& slice);

// Registers the message that invites the applicant to rate a case when it ends (completed,
// refused, not accepted): message "rating_invitation" whose link (reference kind "rating_link")
// carries a signed token. Needs ctx.keys and the key kRatingLinkKeyOwner (EnsureKey at start-up);
// without a key store no invitation is written.
void RegisterRatingEffects(Effects& effects);

}  // namespace tongban::services
