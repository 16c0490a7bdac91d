#include "services/window.h"

#include <chrono>

#include "domain/access_log.h"
#include "domain/catalogue.h"
#include "domain/licence.h"
#include "domain/workflow.h"
#include "services/access_log.h"
#include "services/application_steps.h"
#include "services/applications.h"
#include "services/identity_code.h"

namespace tongban::services {
namespace {

Error Denied(const char* key) { return MakeError(ErrorCode::kPermissionDenied, key); }

Status RequireCentreClerk(const Actor& clerk) {
  if (!clerk.user.HasRole(domain::Role::kClerk) || clerk.user.centre.empty()) return Denied("error.window.not_clerk");
  return Ok();
}

// What a signed identity code says, checked offline: signature, issuer, kind "person" or
// "enterprise", a lifetime no longer than the platform gives. `expired` tells whether it is past
// its time.
struct ScannedCode {
  ports::IdentityClaims claims;
  bool expired = false;
};

Result<ScannedCode> ReadCode(const Context& ctx, std::string_view token) {
  if (ctx.keys == nullptr || ctx.tokens == nullptr) {
    return MakeError(ErrorCode::kUnavailable, "error.identity_code.unavailable");
  }
  auto verified = ctx.keys->Verify(token);
  if (!verified.ok()) return Denied("error.window.code_invalid");
  if (verified->owner != kIdentityCodeKeyOwner || verified->typ != kIdentityCodeTyp) {
    return Denied("error.window.code_invalid");
  }
  auto claims = ctx.tokens->ParseIdentityCode(verified->payload);
  if (!claims.ok() || (claims->kind != "person" && claims->kind != "enterprise") || claims->jti.empty()) {
    return Denied("error.window.code_invalid");
  }
  if (claims->kind == "enterprise" && claims->masked_id.empty()) return Denied("error.window.code_invalid");
  const Timestamp now = ctx.clock->Now();
  if (claims->expires_at > now + std::chrono::seconds(kIdentityCodeSeconds + kIdentityCodeClockSkewSeconds)) {
    return Denied("error.window.code_invalid");
  }
  ScannedCode code;
  code.claims = std::move(claims).value();
  code.expired = now >= code.claims.expires_at;
  return code;
}

// An existing visit may be used by its own clerk while it is open.
Status RequireUsable(const Context& ctx, const Actor& clerk, const ports::WindowVisit& visit) {
  if (visit.clerk_user_id != clerk.user.id) return Denied("error.window.visit_of_another_clerk");
  if (!visit.OpenAt(ctx.clock->Now())) return Denied("error.window.visit_closed");
  return Ok();
}

// The entry opening a visit writes: the person's identity number and name were read to serve them
// (an enterprise's visit: the name of the agent who presented the code, shown to the clerk).
domain::AccessLogEntry VisitReadEntry(const Actor& clerk, const ports::WindowVisit& visit) {
  domain::AccessLogEntry entry;
  entry.accessor_user_id = clerk.user.id;
  entry.accessor_role = domain::RoleName(domain::Role::kClerk);
  entry.accessor_department = clerk.user.department;
  entry.subject_id = visit.person_id;
  entry.dataset = "population";
  entry.fields = visit.enterprise.empty() ? std::vector<std::string>{"id_number", "name"}
                                          : std::vector<std::string>{"name"};
  entry.purpose = "window_visit:" + visit.id;
  entry.legal_basis = "identity_code:" + visit.code_jti;  // the person showed this code
  return entry;
}

// The visit `token` opened, or a new one when the code is valid and unused.
Result<ports::WindowVisit> VisitOfCode(const Context& ctx, ports::Transaction& tx, const Actor& clerk,
                                       std::string_view token) {
  TB_RETURN_IF_ERROR(RequireCentreClerk(clerk));
  TB_ASSIGN_OR_RETURN(const ScannedCode code, ReadCode(ctx, token));
  auto existing = tx.window_visits().GetVisitByCode(code.claims.jti);
  if (existing.ok()) {
    TB_RETURN_IF_ERROR(RequireUsable(ctx, clerk, *existing));
    return existing;
  }
  if (existing.error().code != ErrorCode::kNotFound) return existing.take_error();
  if (code.expired) return Denied("error.window.code_expired");
  const bool enterprise = code.claims.kind == "enterprise";
  if (enterprise) {
    // Enterprise items are done at district centres (PRODUCT.md C3): a community centre says so.
    const auto catalogue = ctx.Catalogue();
    const domain::ServiceCentre* centre = catalogue->FindCentre(clerk.user.centre);
    if (centre == nullptr || !centre->Takes(domain::ApplicantKind::kEnterprise)) {
      return Denied("error.window.enterprise_at_community_centre");
    }
  }
  auto user = tx.accounts().GetUser(code.claims.sub);
  if (!user.ok()) {
    if (user.error().code == ErrorCode::kNotFound) return Denied("error.window.code_invalid");
    return user.take_error();
  }
  if (user->person_id.empty()) return Denied("error.window.code_invalid");
  if (enterprise) {
    // The code names the agent who shows it; they must still be able to apply for the enterprise.
    TB_ASSIGN_OR_RETURN(const auto grant, ActingGrant(tx, *user, code.claims.masked_id));
    if (!grant) return Denied("error.window.not_agent");
  }
  const Timestamp now = ctx.clock->Now();
  ports::WindowVisit visit;
  visit.id = ctx.ids->NewId();
  visit.clerk_user_id = clerk.user.id;
  visit.centre = clerk.user.centre;
  visit.person_id = user->person_id;
  visit.person_user_id = user->id;
  if (enterprise) visit.enterprise = code.claims.masked_id;
  visit.code_jti = code.claims.jti;
  visit.started_at = now;
  visit.ends_at = now + std::chrono::minutes(kWindowVisitMinutes);
  TB_RETURN_IF_ERROR(tx.window_visits().InsertVisit(visit));
  TB_RETURN_IF_ERROR(RecordAccess(ctx, tx, VisitReadEntry(clerk, visit)));
  return visit;
}

Result<VisitView> ViewOf(const Context& ctx, ports::Transaction& tx, ports::WindowVisit visit) {
  VisitView view;
  auto person = tx.accounts().GetPerson(visit.person_id);
  if (person.ok()) {
    view.person_name = person->name;
  } else if (person.error().code != ErrorCode::kNotFound) {
    return person.take_error();
  } else {
    TB_ASSIGN_OR_RETURN(const domain::User user, tx.accounts().GetUser(visit.person_user_id));
    view.person_name = user.display_name;
  }
  view.masked_id = domain::MaskHolderId(visit.person_id);
  if (!visit.enterprise.empty()) {
    auto e = tx.accounts().GetEnterprise(visit.enterprise);
    if (e.ok()) {
      view.enterprise_name = e->name;
    } else if (e.error().code != ErrorCode::kNotFound) {
      return e.take_error();
    }
  }
  view.open = visit.OpenAt(ctx.clock->Now());
  view.visit = std::move(visit);
  return view;
}

}  // namespace

bool VisitServes(const ports::WindowVisit& visit, const domain::Application& app) {
  if (!visit.enterprise.empty()) return app.enterprise == visit.enterprise;
  return app.enterprise.empty() && !app.person_id.empty() && app.person_id == visit.person_id;
}

Result<VisitView> OpenVisit(const Context& ctx, const Actor& clerk, std::string_view token) {
  VisitView view;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(ports::WindowVisit visit, VisitOfCode(ctx, tx, clerk, token));
    TB_ASSIGN_OR_RETURN(view, ViewOf(ctx, tx, std::move(visit)));
    return Ok();
  }));
  return view;
}

Result<VisitView> GetVisit(const Context& ctx, const Actor& clerk, const std::string& id) {
  TB_RETURN_IF_ERROR(RequireCentreClerk(clerk));
  VisitView view;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(ports::WindowVisit visit, tx.window_visits().GetVisit(id));
    if (visit.clerk_user_id != clerk.user.id) return MakeError(ErrorCode::kNotFound, "error.window.visit_not_found");
    TB_ASSIGN_OR_RETURN(view, ViewOf(ctx, tx, std::move(visit)));
    return Ok();
  }));
  return view;
}

Result<std::vector<ports::WindowVisit>> ListOpenVisits(const Context& ctx, const Actor& clerk) {
  TB_RETURN_IF_ERROR(RequireCentreClerk(clerk));
  std::vector<ports::WindowVisit> visits;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(visits, tx.window_visits().ListOpenVisits(clerk.user.id, ctx.clock->Now(),
                                                                  ports::kMaxOpenVisits));
    return Ok();
  }));
  return visits;
}

Status CloseVisit(const Context& ctx, const Actor& clerk, const std::string& id) {
  TB_RETURN_IF_ERROR(RequireCentreClerk(clerk));
  return ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const ports::WindowVisit visit, tx.window_visits().GetVisit(id));
    if (visit.clerk_user_id != clerk.user.id) return MakeError(ErrorCode::kNotFound, "error.window.visit_not_found");
    const Timestamp now = ctx.clock->Now();
    if (!visit.OpenAt(now)) return Ok();
    return tx.window_visits().CloseVisit(id, now);
  });
}

namespace {

// The visit that proves who stands at `clerk`'s window: the open visit `visit_id` of this clerk,
// else the one the scanned `identity_code` opens; refused without either.
Result<ports::WindowVisit> PresentVisit(const Context& ctx, ports::Transaction& tx, const Actor& clerk,
                                        std::string_view identity_code, const std::string& visit_id) {
  TB_RETURN_IF_ERROR(RequireCentreClerk(clerk));
  if (!visit_id.empty()) return UsableVisit(ctx, tx, clerk, visit_id);
  if (!identity_code.empty()) return VisitOfCode(ctx, tx, clerk, identity_code);
  return Denied("error.window.identity_code_required");
}

}  // namespace

Result<ports::WindowVisit> RequirePresence(const Context& ctx, ports::Transaction& tx, const Actor& clerk,
                                           const std::string& person_id, std::string_view identity_code,
                                           const std::string& visit_id) {
  TB_ASSIGN_OR_RETURN(ports::WindowVisit visit, PresentVisit(ctx, tx, clerk, identity_code, visit_id));
  if (!visit.enterprise.empty() || visit.person_id != person_id) return Denied("error.window.visit_other_person");
  return visit;
}

Result<ports::WindowVisit> RequireEnterprisePresence(const Context& ctx, ports::Transaction& tx, const Actor& clerk,
                                                     const std::string& enterprise, std::string_view identity_code,
                                                     const std::string& visit_id) {
  TB_ASSIGN_OR_RETURN(ports::WindowVisit visit, PresentVisit(ctx, tx, clerk, identity_code, visit_id));
  if (visit.enterprise.empty() || visit.enterprise != enterprise) return Denied("error.window.visit_other_enterprise");
  return visit;
}

Result<ports::WindowVisit> UsableVisit(const Context& ctx, ports::Transaction& tx, const Actor& clerk,
                                       const std::string& visit_id) {
  TB_RETURN_IF_ERROR(RequireCentreClerk(clerk));
  auto found = tx.window_visits().GetVisit(visit_id);
  if (!found.ok()) {
    if (found.error().code == ErrorCode::kNotFound) return Denied("error.window.visit_not_found");
    return found.take_error();
  }
  TB_RETURN_IF_ERROR(RequireUsable(ctx, clerk, *found));
  return found;
}

Status RecordVisitConsent(const Context& ctx, ports::Transaction& tx, const ports::WindowVisit& visit) {
  // An enterprise's data is read under the items' legal bases; its agent's showing the code is
  // recorded as the visit's basis (VisitReadEntry). A consent is a person's.
  if (!visit.enterprise.empty()) return Ok();
  const std::string purpose = "window_visit:" + visit.id;
  auto consent = tx.consents().ActiveConsent(visit.person_id, purpose);
  if (consent.ok()) return Ok();
  if (consent.error().code != ErrorCode::kNotFound) return consent.take_error();
  ports::Consent given;
  given.id = ctx.ids->NewId();
  given.subject_id = visit.person_id;
  given.user_id = visit.person_user_id;
  given.purpose = purpose;
  given.given_at = ctx.clock->Now();
  return tx.consents().InsertConsent(given);
}

Result<bool> InVisitWith(const Context& ctx, ports::Transaction& tx, const Actor& clerk, const std::string& person_id) {
  if (!clerk.user.HasRole(domain::Role::kClerk) || clerk.user.centre.empty()) return false;
  TB_ASSIGN_OR_RETURN(const auto visits, tx.window_visits().ListOpenVisits(clerk.user.id, ctx.clock->Now(),
                                                                           ports::kMaxOpenVisits));
  for (const auto& v : visits) {
    if (v.enterprise.empty() && v.person_id == person_id) return true;
  }
  return false;
}

Result<bool> InEnterpriseVisitWith(const Context& ctx, ports::Transaction& tx, const Actor& clerk,
                                   const std::string& enterprise) {
  if (!clerk.user.HasRole(domain::Role::kClerk) || clerk.user.centre.empty() || enterprise.empty()) return false;
  TB_ASSIGN_OR_RETURN(const auto visits, tx.window_visits().ListOpenVisits(clerk.user.id, ctx.clock->Now(),
                                                                           ports::kMaxOpenVisits));
  for (const auto& v : visits) {
    if (v.enterprise == enterprise) return true;
  }
  return false;
}

Status RequireCentreTakes(const Context& ctx, const Actor& clerk, const domain::ServiceItem& item) {
  TB_RETURN_IF_ERROR(RequireCentreClerk(clerk));
  const auto catalogue = ctx.Catalogue();
  const domain::ServiceCentre* centre = catalogue->FindCentre(clerk.user.centre);
  if (centre == nullptr || !centre->Takes(item.applicant)) return Denied("error.window.centre_refuses_item");
  return Ok();
}

Result<std::vector<domain::Application>> VisitApplications(const Context& ctx, const Actor& clerk,
                                                           const std::string& visit_id) {
  std::vector<domain::Application> out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const ports::WindowVisit visit, tx.window_visits().GetVisit(visit_id));
    TB_RETURN_IF_ERROR(RequireUsable(ctx, clerk, visit));
    ports::ApplicationQuery q;
    if (visit.enterprise.empty()) {
      q.person_id = visit.person_id;
    } else {
      q.enterprise = visit.enterprise;
    }
    q.limit = ports::kDefaultPageSize;
    TB_ASSIGN_OR_RETURN(ports::ApplicationPage page, tx.applications().ListApplications(q));
    out = std::move(page.applications);
    return Ok();
  }));
  return out;
}

Result<domain::Application> StartForVisit(const Context& ctx, const Actor& clerk, const std::string& visit_id,
                                          const std::string& item_code) {
  const auto catalogue = ctx.Catalogue();
  const domain::ServiceItem* item = catalogue->FindItem(item_code);
  if (item == nullptr) return MakeError(ErrorCode::kNotFound, "error.item.not_found");
  TB_RETURN_IF_ERROR(RequireCentreTakes(ctx, clerk, *item));
  CreateApplicationRequest create;
  create.item = item->code;
  create.visit = visit_id;
  create.submit = false;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const ports::WindowVisit visit, UsableVisit(ctx, tx, clerk, visit_id));
    const domain::ApplicantKind served =
        visit.enterprise.empty() ? domain::ApplicantKind::kPerson : domain::ApplicantKind::kEnterprise;
    if (item->applicant != served) return Denied("error.window.centre_refuses_item");
    if (!visit.enterprise.empty()) {
      create.enterprise = visit.enterprise;
      return Ok();
    }
    create.on_behalf_of = visit.person_id;
    // The person's consent for this visit, given in person at the window.
    TB_RETURN_IF_ERROR(RecordVisitConsent(ctx, tx, visit));
    // The item's sourced fields and materials are filled by the platform at submission
    // (FetchMaterials), read with the clerk as accessor and logged; nothing is read before.
    return Ok();
  }));
  return CreateApplication(ctx, clerk, create);
}

std::vector<std::string> WindowItems(const Context& ctx, const Actor& clerk, domain::ApplicantKind kind) {
  std::vector<std::string> out;
  const auto catalogue = ctx.Catalogue();
  if (!catalogue) return out;
  const domain::ServiceCentre* centre = catalogue->FindCentre(clerk.user.centre);
  if (centre == nullptr) return out;
  for (const auto& item : catalogue->items()) {
    if (item.applicant == kind && centre->Takes(item.applicant) &&
        item.HasChannel(domain::Channel::kWindow)) {
      out.push_back(item.code);
    }
  }
  return out;
}

Result<domain::Application> CompleteOnTheSpot(const Context& ctx, const Actor& clerk, const std::string& id) {
  TB_RETURN_IF_ERROR(RequireCentreClerk(clerk));
  const auto catalogue = ctx.Catalogue();
  domain::Application out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(auto loaded, LoadVisible(ctx, tx, clerk, id));
    auto& [app, standing] = loaded;
    const domain::ServiceItem* item = catalogue->ItemUnder(app.item, app.pilot);
    if (item == nullptr || !item->on_the_spot) return Denied("error.window.not_on_the_spot");
    if (app.centre != clerk.user.centre) return Denied("error.window.not_this_centre");
    if (app.state != domain::ApplicationState::kSubmitted) {
      return MakeError(ErrorCode::kConflict, "error.action.state");
    }
    for (const domain::Action action :
         {domain::Action::kAccept, domain::Action::kApprove, domain::Action::kDeliver, domain::Action::kComplete}) {
      const domain::ActorRole as =
          action == domain::Action::kApprove ? domain::ActorRole::kReviewer : domain::ActorRole::kClerk;
      const domain::TransitionDecision decision = domain::CheckTransition(app.state, action, as);
      if (decision.check != domain::TransitionCheck::kAllowed) {
        return MakeError(ErrorCode::kConflict, "error.action.state");
      }
      const domain::ApplicationState from = app.state;
      app.state = decision.to;
      app.version += 1;
      app.updated_at = ctx.clock->Now();
      TB_RETURN_IF_ERROR(tx.applications().UpdateApplication(app));
      TB_RETURN_IF_ERROR(RecordEvent(ctx, tx, clerk, app, domain::ActionName(action), from, domain::ActorRole::kClerk,
                                     "on_the_spot"));
    }
    out = app;
    return Ok();
  }));
  return out;
}

}  // namespace tongban::services
