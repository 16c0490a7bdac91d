#include "services/bundles.h"

#include <algorithm>
#include <set>

#include "domain/events.h"
#include "domain/fields.h"
#include "services/application_steps.h"
#include "services/data_access.h"
#include "services/eligibility.h"
#include "services/messages.h"
#include "services/pilots.h"

namespace tongban::services {
namespace {

using domain::Application;
using domain::ApplicationState;
using domain::BundleCase;
using domain::BundlePart;

const domain::ServiceItem& ItemOf(const domain::Catalogue& catalogue, const std::string& code) {
  static const domain::ServiceItem kNone;
  const domain::ServiceItem* item = catalogue.FindItem(code);
  return item != nullptr ? *item : kNone;
}

// The item as `app` was created with it: its pilot's variant, if any (Application::pilot).
const domain::ServiceItem& ItemOf(const domain::Catalogue& catalogue, const Application& app) {
  static const domain::ServiceItem kNone;
  const domain::ServiceItem* item = catalogue.ItemUnder(app.item, app.pilot);
  return item != nullptr ? *item : kNone;
}

// The answers of the merged form that `item` asks for. A field one item asks may be one another
// fills itself (the business licence asks the enterprise's name, the permits read it from the
// register): each sub-case takes only what its own item asks.
std::map<std::string, std::string> FieldsFor(const domain::ServiceItem& item,
                                             const std::map<std::string, std::string>& fields) {
  std::map<std::string, std::string> out;
  for (const domain::Field& f : item.fields) {
    if (f.source) continue;
    if (const auto it = fields.find(f.name); it != fields.end()) out.emplace(f.name, it->second);
  }
  return out;
}

// A sub-case's field errors, named as the merged form names them (a field once), its uploads
// under its item ("<item>/materials.<code>").
void AddErrors(const std::string& item, const Error& error, std::vector<FieldError>& out) {
  for (FieldError e : error.fields) {
    if (e.field.rfind("materials.", 0) == 0) e.field = item + "/" + e.field;
    const bool seen = std::any_of(out.begin(), out.end(), [&](const FieldError& o) { return o.field == e.field; });
    if (!seen) out.push_back(std::move(e));
  }
}

Result<std::vector<BundlePart>> LoadParts(ports::Transaction& tx, const std::string& bundle_case_id) {
  TB_ASSIGN_OR_RETURN(auto subs, tx.bundles().ListSubCases(bundle_case_id));
  std::vector<BundlePart> parts;
  parts.reserve(subs.size());
  for (auto& sub : subs) {
    TB_ASSIGN_OR_RETURN(Application app, tx.applications().GetApplication(sub.application_id));
    parts.push_back({std::move(sub), std::move(app)});
  }
  return parts;
}

// The applicant of `app` as the actor whose reads fetch its materials when the platform starts it.
Result<Actor> ApplicantActor(ports::Transaction& tx, const Application& app) {
  Actor actor;
  TB_ASSIGN_OR_RETURN(actor.user, tx.accounts().GetUser(app.applicant_user_id));
  actor.channel = app.channel;
  return actor;
}

// Submits every sub-case of a draft bundle case: checked as an item's submission is; the ones that
// wait for nothing start, the others wait. One FieldErrors for all the sub-cases' problems.
Status SubmitParts(const Context& ctx, ports::Transaction& tx, const Actor& actor, BundleCase& bundle_case,
                   std::vector<BundlePart>& parts) {
  const auto catalogue = ctx.Catalogue();
  const Timestamp now = ctx.clock->Now();
  std::vector<FieldError> errors;
  for (BundlePart& part : parts) {
    Status complete = CheckComplete(ctx, ItemOf(*catalogue, part.application), part.application);
    if (!complete.ok()) {
      if (complete.error().code != ErrorCode::kInvalidArgument) return complete;
      AddErrors(part.sub_case.item, complete.error(), errors);
    }
  }
  if (!errors.empty()) return FieldErrors(std::move(errors));
  // The bundle is submitted first, so that its sub-cases' submissions are its own (the guard of
  // RegisterBundleEffects refuses a draft sub-case submitted alone).
  bundle_case.submitted_at = now;
  bundle_case.version += 1;
  TB_RETURN_IF_ERROR(tx.bundles().UpdateBundleCase(bundle_case));
  for (BundlePart& part : parts) {
    const domain::ServiceItem& item = ItemOf(*catalogue, part.application);
    Application& app = part.application;
    TB_RETURN_IF_ERROR(RequireEligible(ctx, tx, actor, app, item));
    const ApplicationState from = app.state;
    if (part.sub_case.waits_for.empty()) {
      TB_RETURN_IF_ERROR(FetchMaterials(ctx, tx, actor, item, app));
      app.state = ApplicationState::kSubmitted;
      app.submitted_at = now;
      app.deadline = ctx.WorkingDays()->AddWorkingDays(LocalDate(now), item.promised_limit_days);
    } else {
      app.state = ApplicationState::kWaiting;
    }
    app.version += 1;
    app.updated_at = now;
    TB_RETURN_IF_ERROR(tx.applications().UpdateApplication(app));
    // A clerk submitting for a person at a window acts as a clerk, as CreateApplication records it.
    const bool for_someone = app.enterprise.empty() && app.person_id != actor.user.person_id;
    const auto role = !for_someone ? domain::ActorRole::kApplicant
                      : actor.user.HasRole(domain::Role::kClerk) ? domain::ActorRole::kClerk
                                                                  : domain::ActorRole::kProxy;
    TB_RETURN_IF_ERROR(RecordEvent(ctx, tx, actor, app, domain::ActionName(domain::Action::kSubmit), from, role, ""));
  }
  return Ok();
}

Result<BundleView> MakeView(const Context& ctx, ports::Transaction& tx, BundleCase bundle_case,
                            std::vector<BundlePart> parts) {
  const auto catalogue = ctx.Catalogue();
  const auto calendar = ctx.WorkingDays();
  BundleView view;
  view.progress = domain::DeriveBundleProgress(
      bundle_case, parts, LocalDate(ctx.clock->Now()),
      [&](const std::string& item) { return ItemOf(*catalogue, item).promised_limit_days; },
      [&](Date from, int days) { return calendar->AddWorkingDays(from, days); });
  if (view.progress.state == "approved" || view.progress.state == "completed") {
    std::set<std::string> seen;
    for (const BundlePart& part : parts) {
      TB_ASSIGN_OR_RETURN(auto licences, tx.licences().LicencesOfApplication(part.application.id));
      for (auto& licence : licences) {
        // The industry licence its parts stand for (it has no application of its own).
        TB_ASSIGN_OR_RETURN(auto wholes, tx.licences().IndustryLicencesWithPart(licence.id));
        if (seen.insert(licence.id).second) view.results.push_back(std::move(licence));
        for (auto& whole : wholes) {
          if (seen.insert(whole.id).second) view.results.push_back(std::move(whole));
        }
      }
    }
  }
  view.bundle_case = std::move(bundle_case);
  view.parts = std::move(parts);
  return view;
}

// The sub-cases that wait for `item`, directly or through others, still waiting, in bundle order.
std::vector<BundlePart*> WaitingOn(std::vector<BundlePart>& parts, const std::string& item) {
  std::set<std::string> ended{item};
  bool grew = true;
  while (grew) {
    grew = false;
    for (const BundlePart& p : parts) {
      if (ended.contains(p.sub_case.item)) continue;
      const bool waits = std::any_of(p.sub_case.waits_for.begin(), p.sub_case.waits_for.end(),
                                     [&](const std::string& w) { return ended.contains(w); });
      if (waits) grew = ended.insert(p.sub_case.item).second || grew;
    }
  }
  std::vector<BundlePart*> out;
  for (BundlePart& p : parts) {
    if (p.sub_case.item != item && ended.contains(p.sub_case.item) && p.application.state == ApplicationState::kWaiting) {
      out.push_back(&p);
    }
  }
  return out;
}

// Locks the bundle case (its version bumped), so that two approvals in parallel transactions
// decide what starts one after the other.
Status LockBundleCase(ports::Transaction& tx, const std::string& id) {
  TB_ASSIGN_OR_RETURN(BundleCase bundle_case, tx.bundles().GetBundleCase(id));
  bundle_case.version += 1;
  return tx.bundles().UpdateBundleCase(bundle_case);
}

Status StartWaiting(EffectScope& scope, const domain::ApplicationChanged& e, const domain::BundleSubCase& sub) {
  const Context& ctx = scope.context();
  ports::Transaction& tx = scope.tx();
  TB_RETURN_IF_ERROR(LockBundleCase(tx, sub.bundle_case_id));
  TB_ASSIGN_OR_RETURN(std::vector<BundlePart> parts, LoadParts(tx, sub.bundle_case_id));
  const auto approved = [&](const std::string& item) {
    return std::any_of(parts.begin(), parts.end(), [&](const BundlePart& p) {
      return p.sub_case.item == item && domain::ApprovedForBundle(p.application.state);
    });
  };
  const auto catalogue = ctx.Catalogue();
  const Timestamp now = ctx.clock->Now();
  for (BundlePart& part : parts) {
    Application& app = part.application;
    if (app.state != ApplicationState::kWaiting) continue;
    const auto& waits = part.sub_case.waits_for;
    if (std::find(waits.begin(), waits.end(), sub.item) == waits.end()) continue;
    if (!std::all_of(waits.begin(), waits.end(), approved)) continue;
    const auto decision = domain::CheckPlatformTransition(app.state, domain::Action::kSubmit);
    if (decision.check != domain::TransitionCheck::kAllowed) continue;
    const domain::ServiceItem& item = ItemOf(*catalogue, app);
    TB_ASSIGN_OR_RETURN(const Actor applicant, ApplicantActor(tx, app));
    TB_RETURN_IF_ERROR(FetchMaterials(ctx, tx, applicant, item, app));
    const ApplicationState from = app.state;
    app.state = decision.to;
    app.submitted_at = now;
    app.deadline = ctx.WorkingDays()->AddWorkingDays(LocalDate(now), item.promised_limit_days);
    app.version += 1;
    app.updated_at = now;
    TB_RETURN_IF_ERROR(tx.applications().UpdateApplication(app));
    TB_RETURN_IF_ERROR(RecordPlatformEvent(ctx, tx, e.actor_user_id, e.channel, app,
                                           domain::ActionName(domain::Action::kSubmit), from, ""));
  }
  return Ok();
}

Status CloseWaiting(EffectScope& scope, const domain::ApplicationChanged& e, const domain::BundleSubCase& sub) {
  const Context& ctx = scope.context();
  ports::Transaction& tx = scope.tx();
  TB_RETURN_IF_ERROR(LockBundleCase(tx, sub.bundle_case_id));
  TB_ASSIGN_OR_RETURN(std::vector<BundlePart> parts, LoadParts(tx, sub.bundle_case_id));
  const auto catalogue = ctx.Catalogue();
  const domain::ServiceItem& ended = ItemOf(*catalogue, sub.item);
  const std::string reason = ended.name.zh + "未获批准，本事项不再办理 / " + ended.name.en +
                             " was not approved, so this service will not start";
  const Timestamp now = ctx.clock->Now();
  int closed = 0;
  for (BundlePart* part : WaitingOn(parts, sub.item)) {
    Application& app = part->application;
    const auto decision = domain::CheckPlatformTransition(app.state, domain::Action::kClose);
    if (decision.check != domain::TransitionCheck::kAllowed) continue;
    const ApplicationState from = app.state;
    app.state = decision.to;
    app.version += 1;
    app.updated_at = now;
    TB_RETURN_IF_ERROR(tx.applications().UpdateApplication(app));
    TB_RETURN_IF_ERROR(RecordPlatformEvent(ctx, tx, e.actor_user_id, e.channel, app,
                                           domain::ActionName(domain::Action::kClose), from, reason));
    ++closed;
  }
  const Application& app = e.application;
  const bool enterprise = !app.enterprise.empty();
  MessageParams params{{"item", app.item}, {"reference", app.reference}, {"closed", std::to_string(closed)}};
  return PostMessage(ctx, tx, enterprise ? domain::ApplicantKind::kEnterprise : domain::ApplicantKind::kPerson,
                     enterprise ? app.enterprise : app.person_id, "bundle_part_ended", params,
                     {"bundle", sub.bundle_case_id});
}

}  // namespace

std::vector<domain::Field> MergedFields(const domain::Catalogue& catalogue, const domain::Bundle& bundle) {
  std::vector<domain::Field> out;
  std::set<std::string> seen;
  for (const std::string& code : bundle.items) {
    for (const domain::Field& f : ItemOf(catalogue, code).fields) {
      if (seen.insert(f.name).second) out.push_back(f);
    }
  }
  return out;
}

Result<BundleView> CreateBundleCase(const Context& ctx, const Actor& actor, const CreateBundleRequest& req) {
  const auto catalogue = ctx.Catalogue();
  const domain::Bundle* bundle = catalogue->FindBundle(req.bundle);
  if (bundle == nullptr) return MakeError(ErrorCode::kNotFound, "error.bundle.not_found");
  // A bundle a pilot (先行先试) offers in some districts only: refused elsewhere.
  TB_ASSIGN_OR_RETURN(const std::string district, ActorDistrict(ctx, actor));
  if (!catalogue->BundleOffered(bundle->code, district)) {
    return MakeError(ErrorCode::kPermissionDenied, "error.bundle.not_in_district");
  }
  {
    // A field that no item of the bundle asks is refused, as an item's form refuses it.
    std::set<std::string> asked;
    for (const domain::Field& f : MergedFields(*catalogue, *bundle)) asked.insert(f.name);
    std::vector<FieldError> unknown;
    for (const auto& [name, value] : req.fields) {
      if (!asked.contains(name)) unknown.push_back({name, "error.field.unknown", ""});
    }
    if (!unknown.empty()) return FieldErrors(std::move(unknown));
  }
  BundleCase bundle_case;
  bundle_case.id = ctx.ids->NewId();
  bundle_case.bundle = bundle->code;
  bundle_case.applicant_user_id = actor.user.id;
  bundle_case.created_at = ctx.clock->Now();
  bundle_case.version = 1;
  std::vector<BundlePart> parts;
  for (size_t i = 0; i < bundle->items.size(); ++i) {
    const domain::ServiceItem* item = catalogue->FindItem(bundle->items[i]);
    if (item == nullptr) return MakeError(ErrorCode::kInternal, "bundle item vanished from the catalogue");
    CreateApplicationRequest create;
    create.item = item->code;
    create.fields = FieldsFor(*item, req.fields);
    create.on_behalf_of = req.on_behalf_of;
    create.enterprise = req.enterprise;
    create.submit = false;
    create.identity_code = req.identity_code;
    create.visit = req.visit;
    TB_ASSIGN_OR_RETURN(Application app, NewApplication(ctx, actor, *item, create));
    BundlePart part;
    part.sub_case.application_id = app.id;
    part.sub_case.bundle_case_id = bundle_case.id;
    part.sub_case.position = static_cast<int>(i);
    part.sub_case.item = item->code;
    part.sub_case.waits_for = bundle->WaitsFor(item->code);
    part.application = std::move(app);
    if (bundle_case.person_id.empty()) bundle_case.person_id = part.application.person_id;
    if (bundle_case.enterprise.empty()) bundle_case.enterprise = part.application.enterprise;
    parts.push_back(std::move(part));
  }
  BundleView view;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    BundleCase written = bundle_case;
    std::vector<BundlePart> written_parts = parts;
    TB_RETURN_IF_ERROR(tx.bundles().InsertBundleCase(written));
    std::vector<FieldError> errors;
    for (BundlePart& part : written_parts) {
      CreateApplicationRequest create;
      create.item = part.sub_case.item;
      create.fields = part.application.fields;
      create.on_behalf_of = req.on_behalf_of;
      create.enterprise = req.enterprise;
      create.submit = false;
      create.identity_code = req.identity_code;
      create.visit = req.visit;
      Status inserted = InsertNewApplication(ctx, tx, actor, ItemOf(*catalogue, part.application), create,
                                             part.application);
      if (!inserted.ok()) {
        if (inserted.error().code != ErrorCode::kInvalidArgument || inserted.error().fields.empty()) return inserted;
        AddErrors(part.sub_case.item, inserted.error(), errors);
        continue;
      }
      TB_RETURN_IF_ERROR(tx.bundles().InsertSubCase(part.sub_case));
    }
    if (!errors.empty()) return FieldErrors(std::move(errors));
    if (req.submit) TB_RETURN_IF_ERROR(SubmitParts(ctx, tx, actor, written, written_parts));
    TB_ASSIGN_OR_RETURN(view, MakeView(ctx, tx, std::move(written), std::move(written_parts)));
    return Ok();
  }));
  return view;
}

namespace {

// The bundle case and its parts when the actor may see it: its filer, or anyone who sees one of
// its sub-cases (its applicant, the officials of a sub-case's department once it is submitted).
Result<std::pair<BundleCase, std::vector<BundlePart>>> LoadVisibleBundle(const Context& ctx, ports::Transaction& tx,
                                                                         const Actor& actor, const std::string& id) {
  auto found = tx.bundles().GetBundleCase(id);
  if (!found.ok()) {
    return found.error().code == ErrorCode::kNotFound ? MakeError(ErrorCode::kNotFound, "error.application.not_found")
                                                      : found.take_error();
  }
  TB_ASSIGN_OR_RETURN(std::vector<BundlePart> parts, LoadParts(tx, found->id));
  bool visible = found->applicant_user_id == actor.user.id;
  for (const BundlePart& part : parts) {
    if (visible) break;
    TB_ASSIGN_OR_RETURN(const Standing standing, StandingOn(ctx, tx, actor, part.application));
    visible = !standing.roles.empty();
  }
  if (!visible) return MakeError(ErrorCode::kNotFound, "error.application.not_found");
  return std::make_pair(std::move(found).value(), std::move(parts));
}

}  // namespace

Result<BundleView> SubmitBundleCase(const Context& ctx, const Actor& actor, const std::string& id) {
  BundleView view;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(auto loaded, LoadVisibleBundle(ctx, tx, actor, id));
    auto& [bundle_case, parts] = loaded;
    for (const BundlePart& part : parts) {
      TB_ASSIGN_OR_RETURN(const Standing standing, StandingOn(ctx, tx, actor, part.application));
      if (std::find(standing.roles.begin(), standing.roles.end(), domain::ActorRole::kApplicant) ==
          standing.roles.end()) {
        return MakeError(ErrorCode::kPermissionDenied, "error.application.not_applicant");
      }
    }
    if (bundle_case.submitted_at) return MakeError(ErrorCode::kConflict, "error.bundle.submitted");
    TB_RETURN_IF_ERROR(SubmitParts(ctx, tx, actor, bundle_case, parts));
    TB_ASSIGN_OR_RETURN(view, MakeView(ctx, tx, std::move(bundle_case), std::move(parts)));
    return Ok();
  }));
  return view;
}

Result<BundleView> ViewBundleCase(const Context& ctx, const Actor& actor, const std::string& id) {
  BundleView view;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(auto loaded, LoadVisibleBundle(ctx, tx, actor, id));
    TB_ASSIGN_OR_RETURN(view, MakeView(ctx, tx, std::move(loaded.first), std::move(loaded.second)));
    return Ok();
  }));
  return view;
}

Result<std::optional<std::string>> BundleOfSubCase(const Context& ctx, const Actor& actor, const std::string& id) {
  std::optional<std::string> out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    auto sub = tx.bundles().GetSubCase(id);
    if (!sub.ok()) {
      if (sub.error().code == ErrorCode::kNotFound) return Ok();
      return sub.take_error();
    }
    TB_ASSIGN_OR_RETURN(const Application app, tx.applications().GetApplication(id));
    TB_ASSIGN_OR_RETURN(const Standing standing, StandingOn(ctx, tx, actor, app));
    if (!standing.roles.empty()) out = sub->bundle_case_id;
    return Ok();
  }));
  return out;
}

Result<BundlePrefill> PrefillBundle(const Context& ctx, const Actor& actor, const std::string& bundle_code,
                                    const std::string& enterprise) {
  const auto catalogue = ctx.Catalogue();
  const domain::Bundle* bundle = catalogue->FindBundle(bundle_code);
  if (bundle == nullptr) return MakeError(ErrorCode::kNotFound, "error.bundle.not_found");
  BundlePrefill out;
  for (const std::string& item : bundle->items) {
    TB_ASSIGN_OR_RETURN(ItemRead read, Prefill(ctx, actor, item, enterprise));
    for (auto& [name, value] : read.fields) out.fields.try_emplace(name, std::move(value));
    for (auto& m : read.materials) out.materials.emplace_back(item, std::move(m));
    for (auto& name : read.needs_consent) {
      if (std::find(out.needs_consent.begin(), out.needs_consent.end(), name) == out.needs_consent.end()) {
        out.needs_consent.push_back(std::move(name));
      }
    }
  }
  return out;
}

void RegisterBundleEffects(Effects& effects) {
  effects.On<domain::ApplicationChanged>(
      "bundles.follow_sub_cases", [](EffectScope& scope, const domain::ApplicationChanged& e) -> Status {
        if (!e.Transitioned()) return Ok();
        const ApplicationState to = e.application.state;
        const bool submitted_alone = e.from == ApplicationState::kDraft && to == ApplicationState::kSubmitted;
        const bool approved = to == ApplicationState::kApproved;
        // A draft withdrawn before its bundle was submitted has nothing waiting on it.
        const bool ended = domain::EndedUnapproved(to) && to != ApplicationState::kClosed &&
                           e.from != ApplicationState::kDraft;
        if (!submitted_alone && !approved && !ended) return Ok();
        auto sub = scope.tx().bundles().GetSubCase(e.application.id);
        if (!sub.ok()) {
          if (sub.error().code == ErrorCode::kNotFound) return Ok();
          return sub.take_error();
        }
        if (submitted_alone) {
          TB_ASSIGN_OR_RETURN(const BundleCase bundle_case, scope.tx().bundles().GetBundleCase(sub->bundle_case_id));
          if (!bundle_case.submitted_at) return MakeError(ErrorCode::kConflict, "error.bundle.submit_whole");
          return Ok();
        }
        if (approved) return StartWaiting(scope, e, *sub);
        return CloseWaiting(scope, e, *sub);
      });
}

}  // namespace tongban::services
