#include "services/application_steps.h"

#include <algorithm>

#include "common/reference.h"
#include "domain/events.h"
#include "domain/fields.h"
#include "services/data_access.h"
#include "services/effects.h"
#include "services/eligibility.h"
#include "services/window.h"
#include "services/proxies.h"
#include "services/pilots.h"

namespace tongban::services {

using domain::ActorRole;
using domain::Application;
using domain::ApplicationState;
using domain::MaterialSource;
using domain::MaterialStatus;

// The grant through which `u` acts for `enterprise`, when it lets them act at all (they are an
// agent and may apply); nullopt otherwise. The one rule for reading, acting on and listing an
// enterprise's applications; which items it covers is GrantCovers.
Result<std::optional<domain::AgentGrant>> ActingGrant(ports::Transaction& tx, const domain::User& u,
                                                      const std::string& enterprise) {
  if (!u.HasRole(domain::Role::kEnterpriseAgent)) return std::optional<domain::AgentGrant>();
  auto grant = tx.accounts().GetAgentGrant(enterprise, u.id);
  if (!grant.ok()) {
    if (grant.error().code != ErrorCode::kNotFound) return grant.take_error();
    return std::optional<domain::AgentGrant>();
  }
  if (!grant->may_apply) return std::optional<domain::AgentGrant>();
  return std::optional<domain::AgentGrant>(std::move(grant).value());
}

// An empty item list is a grant for every item (the administrator's own, or an all-items grant).
bool GrantCovers(const domain::AgentGrant& grant, const std::string& item) {
  return grant.items.empty() || std::find(grant.items.begin(), grant.items.end(), item) != grant.items.end();
}

Result<Standing> StandingOn(const Context& ctx, ports::Transaction& tx, const Actor& actor, const Application& app) {
  const auto& u = actor.user;
  Standing s;
  if (app.enterprise.empty()) {
    // The person, and the filer who is not a clerk; a clerk of a centre (who may have filed it)
    // only while the person is at their window, in an open visit.
    bool applicant = !u.person_id.empty() && app.person_id == u.person_id;
    if (!applicant && app.applicant_user_id == u.id && !u.HasRole(domain::Role::kClerk)) applicant = true;
    if (!applicant && u.HasRole(domain::Role::kClerk) && !u.centre.empty() && !app.person_id.empty()) {
      TB_ASSIGN_OR_RETURN(applicant, InVisitWith(ctx, tx, actor, app.person_id));
    }
    if (applicant) {
      s.roles.push_back(ActorRole::kApplicant);
      s.may_withdraw = true;
    } else {
      TB_ASSIGN_OR_RETURN(const auto proxy, LiveProxyGrant(tx, ctx.clock->Now(), u, app.person_id, app.item));
      if (proxy) {
        // The proxy acts as the applicant would; proxy first, so the events they write name them.
        s.roles.push_back(ActorRole::kProxy);
        s.roles.push_back(ActorRole::kApplicant);
        s.may_withdraw = true;
      }
    }
  } else {
    TB_ASSIGN_OR_RETURN(auto grant, ActingGrant(tx, u, app.enterprise));
    if (grant && GrantCovers(*grant, app.item)) {
      s.roles.push_back(ActorRole::kApplicant);
      s.may_withdraw = grant->may_withdraw;
    } else if (u.HasRole(domain::Role::kClerk) && !u.centre.empty()) {
      // A clerk of a centre acts for the enterprise while its agent is at their window, in an
      // open visit of the enterprise (services/window.h).
      TB_ASSIGN_OR_RETURN(const bool in_visit, InEnterpriseVisitWith(ctx, tx, actor, app.enterprise));
      if (in_visit) {
        s.roles.push_back(ActorRole::kApplicant);
        s.may_withdraw = true;
      }
    }
  }
  // A draft (and an offer: services/proactive.h) belongs to its applicant until it is submitted: officials have no standing on it, so
  // to them it does not exist (lists, reads, events, uploads, actions).
  if (app.state == ApplicationState::kDraft || app.state == ApplicationState::kOffered) return s;
  if (u.HasRole(domain::Role::kClerk) && ((!u.department.empty() && u.department == app.department) ||
                                           (!u.centre.empty() && u.centre == app.centre))) {
    s.roles.push_back(ActorRole::kClerk);
  }
  if (u.HasRole(domain::Role::kReviewer) && !u.department.empty() && u.department == app.department) {
    s.roles.push_back(ActorRole::kReviewer);
  }
  return s;
}

ActorRole AsApplicant(const Standing& standing) {
  const bool proxy = std::find(standing.roles.begin(), standing.roles.end(), ActorRole::kProxy) != standing.roles.end();
  return proxy ? ActorRole::kProxy : ActorRole::kApplicant;
}

// Loads the application and the actor's standing; kNotFound when the actor has none, so that
// nobody learns which ids exist.
// The application named by `id_or_reference`: an internal id, or a reference number in any case,
// with or without hyphens (kNotFound with error.application.reference_check when its check
// character does not match, so the caller can tell a person to read the number again).
Result<Application> FindApplication(ports::Transaction& tx, const std::string& id_or_reference) {
  if (const auto parsed = ParseReference(id_or_reference)) {
    if (!parsed->check_ok) return MakeError(ErrorCode::kNotFound, "error.application.reference_check");
    TB_ASSIGN_OR_RETURN(const Application found, tx.applications().GetApplicationByReference(parsed->canonical));
    return tx.applications().GetApplication(found.id);  // read again as a write reads: locked
  }
  return tx.applications().GetApplication(id_or_reference);
}

// The access-log entry of an official opening a case: the case's own data (its form's fields and
// materials) read to handle the person's application.
domain::AccessLogEntry CaseReadEntry(const Actor& actor, ActorRole role, const Application& app) {
  domain::AccessLogEntry entry;
  entry.accessor_user_id = actor.user.id;
  entry.accessor_role = domain::ActorRoleName(role);
  entry.accessor_department = actor.user.department;
  entry.subject_id = app.person_id;
  entry.dataset = "application";
  for (const auto& [name, value] : app.fields) entry.fields.push_back(name);
  for (const auto& m : app.materials) {
    if (m.status == MaterialStatus::kProvided) entry.fields.push_back("material:" + m.code);
  }
  entry.purpose = "case_handling:" + app.item;
  entry.legal_basis = "application:" + (app.reference.empty() ? app.id : app.reference);
  entry.application_id = app.id;
  return entry;
}

Result<std::pair<Application, Standing>> LoadVisible(const Context& ctx, ports::Transaction& tx, const Actor& actor,
                                                     const std::string& id) {
  auto app = FindApplication(tx, id);
  if (!app.ok()) {
    if (app.error().code == ErrorCode::kNotFound) {
      return app.error().message == "error.application.reference_check"
                 ? app.take_error()
                 : MakeError(ErrorCode::kNotFound, "error.application.not_found");
    }
    return app.take_error();
  }
  TB_ASSIGN_OR_RETURN(Standing standing, StandingOn(ctx, tx, actor, *app));
  if (standing.roles.empty()) {
    // A family proxy whose grant does not (or no longer) cover it is told why.
    if (app->enterprise.empty()) {
      TB_ASSIGN_OR_RETURN(const auto refusal, FormerProxyRefusal(tx, actor.user, app->person_id));
      if (refusal) return *refusal;
    }
    return MakeError(ErrorCode::kNotFound, "error.application.not_found");
  }
  return std::make_pair(std::move(app).value(), std::move(standing));
}

// The name the application is listed and searched under: the enterprise's, or the person's (the
// filer's own display name when their person record is missing).
Result<std::string> ApplicantName(ports::Transaction& tx, const Actor& actor, const Application& app) {
  if (!app.enterprise.empty()) {
    auto enterprise = tx.accounts().GetEnterprise(app.enterprise);
    if (enterprise.ok()) return enterprise->name;
    if (enterprise.error().code != ErrorCode::kNotFound) return enterprise.take_error();
    return std::string();
  }
  auto person = tx.accounts().GetPerson(app.person_id);
  if (person.ok()) return person->name;
  if (person.error().code != ErrorCode::kNotFound) return person.take_error();
  return app.applicant_user_id == actor.user.id ? actor.user.display_name : std::string();
}

Error FieldErrors(std::vector<FieldError> errors) {
  Error e = MakeError(ErrorCode::kInvalidArgument, "error.application.fields");
  e.fields = std::move(errors);
  return e;
}

std::vector<FieldError> MissingUploads(const domain::ServiceItem& item, const Application& app) {
  std::vector<FieldError> missing;
  for (const auto& m : item.materials) {
    if (m.source != MaterialSource::kUpload || !m.required) continue;
    auto it = std::find_if(app.materials.begin(), app.materials.end(), [&](const auto& a) { return a.code == m.code; });
    if (it == app.materials.end() || it->status != MaterialStatus::kProvided) {
      missing.push_back({"materials." + m.code, "error.material.required", ""});
    }
  }
  return missing;
}

// Validates and applies a complete form for submission; FieldErrors for fields and missing uploads.
Status CheckComplete(const Context& ctx, const domain::ServiceItem& item, Application& app) {
  auto errors = domain::ValidateFields(item, app.fields, /*complete=*/true, LocalDate(ctx.clock->Now()));
  auto missing = MissingUploads(item, app);
  errors.insert(errors.end(), missing.begin(), missing.end());
  if (!errors.empty()) return FieldErrors(std::move(errors));
  return Ok();
}

namespace {

// Stores the event of a write of `app` by `actor_user_id` in `actor_role` and publishes it to the
// effects registered for it, in the same transaction.
Status StoreAndPublish(const Context& ctx, ports::Transaction& tx, const Application& app, std::string action,
                       ApplicationState from, std::string actor_user_id, std::string actor_role,
                       domain::Channel channel, std::string reason, const domain::User* assisting = nullptr) {
  domain::Event e;
  if (assisting != nullptr) {
    e.assisted_by = assisting->id;
    e.assisted_name = assisting->display_name;
    e.assisted_centre = assisting->centre;
  }
  e.id = ctx.ids->NewId();
  e.application_id = app.id;
  e.seq = app.version;
  e.action = std::move(action);
  e.from = from;
  e.to = app.state;
  e.actor_user_id = std::move(actor_user_id);
  e.actor_role = std::move(actor_role);
  e.channel = channel;
  e.at = app.updated_at;
  e.reason = std::move(reason);
  TB_RETURN_IF_ERROR(tx.applications().InsertEvent(e));
  return PublishEvent(ctx, tx,
                      domain::ApplicationChanged{app, e.from, e.action, e.actor_user_id, e.actor_role, e.channel,
                                                 e.at, e.reason});
}

// The clerk who acts for the applicant (assisted_by): a clerk of a service centre acting at a
// window, or on an application they filed for someone; nullptr otherwise.
const domain::User* AssistedBy(const Actor& actor, const Application& app) {
  const domain::User& u = actor.user;
  if (!u.HasRole(domain::Role::kClerk) || u.centre.empty()) return nullptr;
  if (!u.person_id.empty() && u.person_id == app.person_id) return nullptr;  // their own
  if (actor.channel == domain::Channel::kWindow || app.applicant_user_id == u.id) return &u;
  return nullptr;
}

}  // namespace

// Stores the event of a write of `app` (its version numbers the history: one event per write) and
// publishes it to the effects registered for it, in the same transaction.
Status RecordEvent(const Context& ctx, ports::Transaction& tx, const Actor& actor, const Application& app,
                   std::string action, ApplicationState from, ActorRole role, std::string reason) {
  return StoreAndPublish(ctx, tx, app, std::move(action), from, actor.user.id, ActorRoleName(role), actor.channel,
                         std::move(reason), AssistedBy(actor, app));
}

Status RecordPlatformEvent(const Context& ctx, ports::Transaction& tx, const std::string& cause_user_id,
                           domain::Channel channel, const Application& app, std::string action, ApplicationState from,
                           std::string reason) {
  return StoreAndPublish(ctx, tx, app, std::move(action), from, cause_user_id, "platform", channel,
                         std::move(reason));
}

Result<Application> NewApplication(const Context& ctx, const Actor& actor, const domain::ServiceItem& item_ref,
                                   const CreateApplicationRequest& req) {
  const auto catalogue = ctx.Catalogue();
  const domain::ServiceItem* item = &item_ref;
  const auto& u = actor.user;
  const bool clerk = u.HasRole(domain::Role::kClerk);
  if (actor.channel == domain::Channel::kWindow && !clerk) {
    return MakeError(ErrorCode::kPermissionDenied, "error.application.window_needs_clerk");
  }
  // A clerk's window takes only the items its centre's level allows (PRODUCT.md C3).
  if (clerk && (actor.channel == domain::Channel::kWindow || !req.on_behalf_of.empty() || !req.enterprise.empty())) {
    TB_RETURN_IF_ERROR(RequireCentreTakes(ctx, actor, *item));
  }

  const Timestamp now = ctx.clock->Now();
  Application app;
  app.id = ctx.ids->NewId();
  app.item = item->code;
  app.department = item->department;
  app.applicant_user_id = u.id;
  app.channel = actor.channel;
  app.centre = u.centre;
  app.fields = req.fields;
  app.created_at = now;
  app.updated_at = now;
  app.version = 1;
  app.catalogue_version = catalogue->published_version();
  for (const auto& m : item->materials) {
    domain::AttachedMaterial a;
    a.code = m.code;
    // Shared data and licences are fetched by the platform, never asked from the applicant.
    a.status = m.source == MaterialSource::kUpload ? MaterialStatus::kMissing : MaterialStatus::kToBeFetched;
    app.materials.push_back(std::move(a));
  }

  if (item->applicant == domain::ApplicantKind::kEnterprise) {
    if (req.enterprise.empty()) return MakeError(ErrorCode::kInvalidArgument, "error.application.enterprise_required");
    app.enterprise = req.enterprise;
  } else if (!req.on_behalf_of.empty() && !clerk) {
    // A family proxy (services/proxies.h): the application is the person's; InsertNewApplication
    // checks the grant.
    app.person_id = req.on_behalf_of;
  } else if (!req.on_behalf_of.empty()) {
    app.person_id = req.on_behalf_of;  // a clerk at a window: InsertNewApplication checks presence
  } else {
    if (u.person_id.empty()) return MakeError(ErrorCode::kPermissionDenied, "error.application.person_only");
    app.person_id = u.person_id;
  }

  const Date today = LocalDate(now);
  if (req.submit) {
    app.state = ApplicationState::kSubmitted;
    app.submitted_at = now;
    app.deadline = ctx.WorkingDays()->AddWorkingDays(today, item->promised_limit_days);
  }

  return app;
}

Status InsertNewApplication(const Context& ctx, ports::Transaction& tx, const Actor& actor,
                            const domain::ServiceItem& item_ref, const CreateApplicationRequest& req, Application& app) {
  const domain::ServiceItem* item = &item_ref;
  const Date today = LocalDate(app.created_at);
  // The variant of the item a pilot (先行先试) gives the applicant's district, fixed now for the
  // whole case (Application::pilot): its materials and promised limit replace the item's.
  const auto catalogue = ctx.Catalogue();
  TB_ASSIGN_OR_RETURN(const std::string district, ApplicationDistrict(ctx, tx, actor, app));
  if (const domain::Pilot* pilot = catalogue->VariantPilot(item_ref.code, district)) {
    item = catalogue->ItemUnder(item_ref.code, pilot->code);
    app.pilot = pilot->code;
    std::erase_if(app.materials, [&](const domain::AttachedMaterial& m) { return item->FindMaterial(m.code) == nullptr; });
    if (req.submit) app.deadline = ctx.WorkingDays()->AddWorkingDays(today, item->promised_limit_days);
  }
  // Rights first, so that someone without them learns nothing about the form.
  const bool clerk_for_enterprise = !app.enterprise.empty() && actor.user.HasRole(domain::Role::kClerk) &&
                                    !actor.user.centre.empty();
  if (clerk_for_enterprise) {
    // Proof of presence: the enterprise's code shown by its agent at this clerk's window, or its visit.
    TB_RETURN_IF_ERROR(RequireEnterprisePresence(ctx, tx, actor, app.enterprise, req.identity_code, req.visit));
  } else if (!app.enterprise.empty()) {
    TB_ASSIGN_OR_RETURN(Standing s, StandingOn(ctx, tx, actor, app));
    if (std::find(s.roles.begin(), s.roles.end(), ActorRole::kApplicant) == s.roles.end()) {
      return MakeError(ErrorCode::kPermissionDenied, "error.application.no_agent_rights");
    }
  } else if (!req.on_behalf_of.empty() && !actor.user.HasRole(domain::Role::kClerk)) {
    TB_ASSIGN_OR_RETURN(const auto proxy, LiveProxyGrant(tx, app.created_at, actor.user, app.person_id, app.item));
    if (!proxy) return MakeError(ErrorCode::kPermissionDenied, "error.proxy.no_rights");
    app.applicant_user_id = proxy->grantor_user_id;  // the person's application, filed by their proxy
  } else if (!req.on_behalf_of.empty()) {
    // Proof of presence: the person's identity code scanned at this clerk's window, or its visit.
    TB_RETURN_IF_ERROR(RequirePresence(ctx, tx, actor, req.on_behalf_of, req.identity_code, req.visit));
    auto person = tx.accounts().GetPerson(req.on_behalf_of);
    if (!person.ok()) {
      return person.error().code == ErrorCode::kNotFound
                 ? MakeError(ErrorCode::kInvalidArgument, "error.application.person_unknown")
                 : person.take_error();
    }
  }
  auto errors = domain::ValidateFields(*item, app.fields, req.submit, today);
  if (req.submit) {
    auto missing = MissingUploads(*item, app);
    errors.insert(errors.end(), missing.begin(), missing.end());
  }
  if (!errors.empty()) return FieldErrors(std::move(errors));
  if (req.submit) TB_RETURN_IF_ERROR(RequireEligible(ctx, tx, actor, app, *item));
  if (req.submit) TB_RETURN_IF_ERROR(FetchMaterials(ctx, tx, actor, *item, app, req.external));
  TB_ASSIGN_OR_RETURN(app.applicant_name, ApplicantName(tx, actor, app));
  // Last before the insert: on PostgreSQL the day's counter row stays locked until commit.
  TB_ASSIGN_OR_RETURN(const int64_t sequence, tx.applications().NextReferenceSequence(today));
  app.reference = FormatReference(ctx.reference_prefix, today, sequence);
  TB_RETURN_IF_ERROR(tx.applications().InsertApplication(app));
  const auto role = clerk_for_enterprise                           ? ActorRole::kClerk
                    : req.on_behalf_of.empty()                   ? ActorRole::kApplicant
                    : actor.user.HasRole(domain::Role::kClerk) ? ActorRole::kClerk
                                                               : ActorRole::kProxy;
  return RecordEvent(ctx, tx, actor, app, req.submit ? "submit" : "create", ApplicationState::kDraft, role, "");
}

}  // namespace tongban::services
