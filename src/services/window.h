// The comprehensive window (综合窗口, issue 11 item 3, PRODUCT.md C3): a clerk at a service centre
// acts for a person (or an enterprise, below) only while the person (its agent) is there. Scanning the person's identity code (a JWS
// that lives 60 s) opens a window visit of 30 minutes for that clerk, centre and person; later
// submissions in the visit name it (or present the same code again, even once it expired) and are
// accepted while it is open, by that clerk only; the clerk closes it when the person leaves.
// A centre takes only the items its level allows (domain::ServiceCentre::Takes): district centres
// enterprise and personal items, community centres personal items only.
// An enterprise at the window: its agent shows the enterprise's identity code (kind "enterprise",
// `sub` the agent's account); a district centre's clerk scans it and the visit is the enterprise's,
// naming the agent who presented it (WindowVisit::person_id / person_user_id), valid only while
// that agent may apply for the enterprise. In it the clerk sees the enterprise's drafts and cases
// and the enterprise items the centre takes, the pre-fill of one, and accepts it on the
// enterprise's behalf (CreateApplicationRequest::enterprise with the code or visit), assisted_by
// recorded; the enterprise's agents see the clerk and centre in the case's timeline. A community
// centre refuses the code (error.window.enterprise_at_community_centre).
// Every event a clerk of a centre records at a window, or on an application the clerk filed for
// someone, names the clerk as assisted_by (services/application_steps.cc, RecordEvent).
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/application.h"
#include "domain/catalogue.h"
#include "ports/window_visit_repository.h"
#include "services/context.h"

namespace tongban::services {

// How long a visit stays open after the code was scanned.
inline constexpr int kWindowVisitMinutes = 30;

struct VisitView {
  ports::WindowVisit visit;
  // A person's visit: the person; an enterprise's: the agent who presented its code.
  std::string person_name;
  std::string masked_id;  // domain::MaskHolderId of the person's identity number
  std::string enterprise_name;  // an enterprise's visit: the registry's name; "" otherwise
  bool open = false;
};

// Whether `app` is served in `visit`: the visit's person's own application (not an enterprise's),
// or for an enterprise's visit the enterprise's.
bool VisitServes(const ports::WindowVisit& visit, const domain::Application& app);

// Opens the visit of the person (or enterprise) whose identity code `token` the clerk scanned (or
// answers the visit that code opened already, when it is this clerk's and still open).
// kPermissionDenied with error.window.not_clerk (no clerk of a centre), error.window.code_invalid
// (tampered, foreign, malformed), error.window.code_expired (expired and no open visit of it),
// error.window.enterprise_at_community_centre (an enterprise's code at a centre that takes personal
// items only), error.window.not_agent (the code's agent may no longer apply for the enterprise),
// error.window.visit_of_another_clerk, error.window.visit_closed. Records the read of the person's
// identity (of an enterprise's agent: their name) in the access log.
Result<VisitView> OpenVisit(const Context& ctx, const Actor& clerk, std::string_view token);
// The clerk's own visit (open or not); kNotFound (error.window.visit_not_found) otherwise.
Result<VisitView> GetVisit(const Context& ctx, const Actor& clerk, const std::string& id);
// The clerk's open visits, newest first.
Result<std::vector<ports::WindowVisit>> ListOpenVisits(const Context& ctx, const Actor& clerk);
// Ends the clerk's visit now; closing a closed visit changes nothing.
Status CloseVisit(const Context& ctx, const Actor& clerk, const std::string& id);

// Inside the transaction that acts for `person_id`: the proof that the person is at this clerk's
// window, from `identity_code` (opening its visit when new) or `visit`. kPermissionDenied with
// error.window.identity_code_required when neither is given, error.window.visit_other_person when
// the code or visit is someone else's (or an enterprise's), and the errors of OpenVisit.
Result<ports::WindowVisit> RequirePresence(const Context& ctx, ports::Transaction& tx, const Actor& clerk,
                                           const std::string& person_id, std::string_view identity_code,
                                           const std::string& visit);
// Inside a transaction: the clerk's own visit `visit_id`, open now. kPermissionDenied with
// error.window.not_clerk, error.window.visit_not_found, error.window.visit_of_another_clerk,
// error.window.visit_closed.
Result<ports::WindowVisit> UsableVisit(const Context& ctx, ports::Transaction& tx, const Actor& clerk,
                                       const std::string& visit_id);
// Inside a transaction: records the person's consent for `visit` (purpose "window_visit:<id>",
// given in person at the window) unless it is recorded already. The store's errors.
Status RecordVisitConsent(const Context& ctx, ports::Transaction& tx, const ports::WindowVisit& visit);

// The same for the transaction that acts for `enterprise` (a credit code): its code shown by its
// agent, or the clerk's open visit of that enterprise. error.window.visit_other_enterprise when the
// code or visit is another's (or a person's); the other errors of RequirePresence.
Result<ports::WindowVisit> RequireEnterprisePresence(const Context& ctx, ports::Transaction& tx, const Actor& clerk,
                                                     const std::string& enterprise, std::string_view identity_code,
                                                     const std::string& visit);

// Whether the clerk has an open visit with the person now (their standing as the person's
// applicant, services/application_steps.h StandingOn). Enterprise visits do not count: the agent
// who presented the code is not served for themselves.
Result<bool> InVisitWith(const Context& ctx, ports::Transaction& tx, const Actor& clerk, const std::string& person_id);
// Whether the clerk has an open visit of the enterprise now (their standing as its applicant).
Result<bool> InEnterpriseVisitWith(const Context& ctx, ports::Transaction& tx, const Actor& clerk,
                                   const std::string& enterprise);
// Whether the clerk's centre takes `item` (by its applicant kind). kPermissionDenied with
// error.window.centre_refuses_item otherwise, error.window.not_clerk for a clerk without a centre.
Status RequireCentreTakes(const Context& ctx, const Actor& clerk, const domain::ServiceItem& item);

// The applications the clerk serves in the visit (the person's, or the enterprise's: drafts and
// open cases first seen on any channel), newest first, at most kDefaultPageSize. The errors of
// RequirePresence for a visit.
Result<std::vector<domain::Application>> VisitApplications(const Context& ctx, const Actor& clerk,
                                                           const std::string& visit_id);

// Accepts `item_code` for the visit's person or enterprise (综合受理): for a person records their
// consent for this visit (a consent of purpose "window_visit:<id>", once per visit) and starts a
// draft on their behalf, which the clerk completes and submits (or the person, the enterprise's
// agent, continues on the web); its sourced fields and materials are fetched at submission, logged
// with the clerk as accessor. error.window.centre_refuses_item for an item of the other kind of
// applicant than the visit's; the errors of RequirePresence, RequireCentreTakes and
// CreateApplication.
Result<domain::Application> StartForVisit(const Context& ctx, const Actor& clerk, const std::string& visit_id,
                                           const std::string& item_code);

// An instant item (即办件, ServiceItem::on_the_spot) done on the spot: a clerk of the centre where a
// person's application was filed takes it, once submitted, through accept, approve (the clerk
// decides an instant item as its reviewer would), deliver (the result handed over) and complete,
// in one transaction, each step an event with the clerk as actor and assisted_by, reason
// "on_the_spot". kPermissionDenied error.window.not_on_the_spot for an item that is not instant,
// error.window.not_this_centre for an application filed elsewhere; kConflict error.action.state
// when it is not submitted; kNotFound when the clerk cannot see it.
Result<domain::Application> CompleteOnTheSpot(const Context& ctx, const Actor& clerk, const std::string& id);

// The codes of the items of applicant kind `kind` (a person's visit: personal items; an
// enterprise's: enterprise items) a clerk's centre takes at its window (the window channel), in
// catalogue order.
std::vector<std::string> WindowItems(const Context& ctx, const Actor& clerk,
                                     domain::ApplicantKind kind = domain::ApplicantKind::kPerson);

}  // namespace tongban::services
