#include "services/applications.h"

#include "services/application_steps.h"

#include "services/data_access.h"
#include "services/access_log.h"

#include "services/licences.h"
#include "services/proactive.h"

#include <algorithm>

#include "common/ids.h"
#include "common/reference.h"
#include "domain/events.h"
#include "domain/fields.h"
#include "domain/limits.h"
#include "services/effects.h"
#include "services/eligibility.h"

namespace tongban::services {
namespace {

using domain::Action;
using domain::ActorRole;
using domain::Application;
using domain::ApplicationState;
using domain::MaterialSource;
using domain::MaterialStatus;

// The names of the fields whose value `after` adds, changes or removes, "a, b, c" in name order.
std::string ChangedFieldNames(const std::map<std::string, std::string>& before,
                              const std::map<std::string, std::string>& after) {
  std::string names;
  const auto add = [&](const std::string& name) { names += (names.empty() ? "" : ", ") + name; };
  auto b = before.begin();
  auto a = after.begin();
  while (b != before.end() || a != after.end()) {
    if (a == after.end() || (b != before.end() && b->first < a->first)) {
      add((b++)->first);
    } else if (b == before.end() || a->first < b->first) {
      add((a++)->first);
    } else {
      if (a->second != b->second) add(a->first);
      ++a, ++b;
    }
  }
  return names;
}

// Validates `fields` as an edit of the form, exactly as PATCH does (unknown names, sourced fields,
// types, bounds; completeness is for submission), and writes them as the whole form in one write
// with an "update" event whose reason names the fields that changed: names only, the values are
// personal data and stay in the application. FieldErrors when a field is wrong.
Status WriteFields(const Context& ctx, ports::Transaction& tx, const Actor& actor, const domain::ServiceItem& item,
                   Application& app, std::map<std::string, std::string> fields, ActorRole role) {
  auto errors = domain::ValidateFields(item, fields, /*complete=*/false, LocalDate(ctx.clock->Now()));
  if (!errors.empty()) return FieldErrors(std::move(errors));
  std::string changed = ChangedFieldNames(app.fields, fields);
  app.fields = std::move(fields);
  app.version += 1;
  app.updated_at = ctx.clock->Now();
  TB_RETURN_IF_ERROR(tx.applications().UpdateApplication(app));
  return RecordEvent(ctx, tx, actor, app, "update", app.state, role, std::move(changed));
}

// A request field that `action` does not take: 400 naming it.
Error FieldNotTaken(const std::string& field) {
  Error e = MakeError(ErrorCode::kInvalidArgument, "error.action.field_not_taken");
  e.fields.push_back({field, "error.field.not_taken", field});
  return e;
}

// The actions `standing` lets the actor take on `app` now, each with its reason rule from the table.
}  // namespace

bool Editable(ApplicationState state) {
  return state == ApplicationState::kDraft || state == ApplicationState::kCorrectionRequested ||
         state == ApplicationState::kOffered;
}

std::string SniffContentType(std::string_view c) {
  if (c.size() >= 5 && c.substr(0, 5) == "%PDF-") return "application/pdf";
  if (c.size() >= 3 && static_cast<unsigned char>(c[0]) == 0xFF && static_cast<unsigned char>(c[1]) == 0xD8 &&
      static_cast<unsigned char>(c[2]) == 0xFF) {
    return "image/jpeg";
  }
  if (c.size() >= 8 && c.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return "image/png";
  return "";
}

Result<Application> CreateApplication(const Context& ctx, const Actor& actor, const CreateApplicationRequest& req) {
  const auto catalogue = ctx.Catalogue();
  const domain::ServiceItem* item = catalogue->FindItem(req.item);
  if (item == nullptr) return MakeError(ErrorCode::kNotFound, "error.item.not_found");
  TB_ASSIGN_OR_RETURN(Application app, NewApplication(ctx, actor, *item, req));
  TB_RETURN_IF_ERROR(ctx.store->Write(
      [&](ports::Transaction& tx) -> Status { return InsertNewApplication(ctx, tx, actor, *item, req, app); }));
  return app;
}

Result<SavedAnswers> SaveAnswers(const Context& ctx, const Actor& actor, const SaveAnswersRequest& req) {
  const auto catalogue = ctx.Catalogue();
  const Date today = LocalDate(ctx.clock->Now());
  // What submission would still ask for once the stored form is `fields`: after the page's answers
  // have passed as an edit, only missing answers remain.
  const auto missing_in = [&](const domain::ServiceItem& item, std::map<std::string, std::string> fields) {
    return req.complete ? domain::ValidateFields(item, fields, /*complete=*/true, today) : std::vector<FieldError>{};
  };
  SavedAnswers out;
  if (req.application.empty()) {
    CreateApplicationRequest create;
    create.item = req.item;
    create.fields = req.fields;
    create.enterprise = req.enterprise;
    create.on_behalf_of = req.on_behalf_of;
    create.submit = false;
    TB_ASSIGN_OR_RETURN(out.application, CreateApplication(ctx, actor, create));
    const domain::ServiceItem* item = catalogue->FindItem(out.application.item);
    if (item != nullptr) out.missing = missing_in(*item, out.application.fields);
    return out;
  }
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(auto loaded, LoadVisible(ctx, tx, actor, req.application));
    auto& [app, standing] = loaded;
    if (!HasRole(standing, ActorRole::kApplicant)) {
      return MakeError(ErrorCode::kPermissionDenied, "error.application.not_applicant");
    }
    if (!req.item.empty() && app.item != req.item) return MakeError(ErrorCode::kNotFound, "error.application.not_found");
    if (!Editable(app.state)) return MakeError(ErrorCode::kConflict, "error.application.not_editable");
    const domain::ServiceItem* item = catalogue->ItemUnder(app.item, app.pilot);
    if (item == nullptr) return MakeError(ErrorCode::kInternal, "item vanished from the catalogue");
    std::map<std::string, std::string> fields = req.fields;
    if (req.update == FieldUpdate::kMerge) {
      for (const auto& [name, value] : app.fields) fields.try_emplace(name, value);
    }
    if (fields != app.fields) {
      TB_RETURN_IF_ERROR(WriteFields(ctx, tx, actor, *item, app, std::move(fields), AsApplicant(standing)));
    }
    out.missing = missing_in(*item, app.fields);
    out.application = app;
    return Ok();
  }));
  return out;
}

Result<Application> UpdateFields(const Context& ctx, const Actor& actor, const std::string& id,
                                 std::map<std::string, std::string> fields, FieldUpdate update) {
  const auto catalogue = ctx.Catalogue();
  Application out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(auto loaded, LoadVisible(ctx, tx, actor, id));
    auto& [app, standing] = loaded;
    if (std::find(standing.roles.begin(), standing.roles.end(), ActorRole::kApplicant) == standing.roles.end()) {
      return MakeError(ErrorCode::kPermissionDenied, "error.application.not_applicant");
    }
    if (!Editable(app.state)) return MakeError(ErrorCode::kConflict, "error.application.not_editable");
    const domain::ServiceItem* item = catalogue->ItemUnder(app.item, app.pilot);
    if (item == nullptr) return MakeError(ErrorCode::kInternal, "item vanished from the catalogue");
    if (update == FieldUpdate::kMerge) {
      for (const auto& [name, value] : app.fields) fields.try_emplace(name, value);
    }
    TB_RETURN_IF_ERROR(WriteFields(ctx, tx, actor, *item, app, std::move(fields), AsApplicant(standing)));
    out = app;
    return Ok();
  }));
  return out;
}

bool ActionTakes(Action action, std::string_view field) {
  if (field == "channel" || field == "reason") return true;
  if (field == "in_person") return action == Action::kRequestCorrection;
  if (field == "fields") return action == Action::kResubmit || action == Action::kConfirm;
  return false;
}

Result<Application> Act(const Context& ctx, const Actor& actor, const std::string& id, const ActRequest& req) {
  // What the action does not take is refused before anything is read: a reviewer's decision never
  // carries the applicant's answers, and nothing but a correction asks for presence.
  if (req.fields && !ActionTakes(req.action, "fields")) return FieldNotTaken("fields");
  if (req.in_person && !ActionTakes(req.action, "in_person")) return FieldNotTaken("in_person");
  const auto catalogue = ctx.Catalogue();
  const auto calendar = ctx.WorkingDays();
  std::string reason = req.reason;
  reason.erase(0, reason.find_first_not_of(" \t\r\n"));
  reason.erase(reason.find_last_not_of(" \t\r\n") + 1);
  if (!domain::IsUtf8(reason) || domain::HasControlCharacters(reason, /*line_breaks_allowed=*/true)) {
    Error e = MakeError(ErrorCode::kInvalidArgument, "error.action.reason_encoding");
    e.fields.push_back({"reason", "error.action.reason_encoding", ""});
    return e;
  }
  if (domain::CodePoints(reason) > domain::kMaxReasonCodePoints) {
    Error e = MakeError(ErrorCode::kInvalidArgument, "error.action.reason_too_long");
    e.fields.push_back({"reason", "error.action.reason_too_long", std::to_string(domain::kMaxReasonCodePoints)});
    return e;
  }

  if (IsOfferAnswer(req.action)) {  // an offered case (services/proactive.h)
    ActRequest answer = req;
    answer.reason = reason;
    return AnswerOffer(ctx, actor, id, answer);
  }

  Application out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(auto loaded, LoadVisible(ctx, tx, actor, id));
    auto& [app, standing] = loaded;
    const domain::ServiceItem* item = catalogue->ItemUnder(app.item, app.pilot);
    if (item == nullptr) {
      // A cross-province case filed here for a peer's item (services/cross_province.h) moves only
      // as the peer that handles it acts; its events come back from there.
      auto cross = tx.federation().GetFederatedCase(app.id);
      if (cross.ok()) return MakeError(ErrorCode::kConflict, "error.federation.handled_by_peer");
      return MakeError(ErrorCode::kInternal, "item vanished from the catalogue");
    }

    std::optional<domain::TransitionDecision> decision;
    ActorRole role = ActorRole::kApplicant;
    bool role_denied = false;
    for (ActorRole r : standing.roles) {
      auto d = domain::CheckTransition(app.state, req.action, r);
      if (d.check == domain::TransitionCheck::kAllowed) {
        decision = d;
        role = r;
        break;
      }
      role_denied = role_denied || d.check == domain::TransitionCheck::kRoleDenied;
    }
    if (!decision) {
      return role_denied ? MakeError(ErrorCode::kPermissionDenied, "error.action.role")
                         : MakeError(ErrorCode::kConflict, "error.action.state");
    }
    if (req.action == Action::kWithdraw && role == ActorRole::kApplicant && !standing.may_withdraw) {
      return MakeError(ErrorCode::kPermissionDenied, "error.action.no_withdraw_right");
    }
    if (decision->reason_required && reason.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "error.action.reason_required");
    }
    if (req.in_person && item->fully_online) {
      return MakeError(ErrorCode::kInvalidArgument, "error.action.fully_online_no_presence");
    }
    // When the correction was asked: the last write before the applicant's own.
    const Date asked = LocalDate(app.updated_at);
    if (req.fields) {
      // Resubmit only (checked above), so the applicant answering a correction: their new answers
      // are an edit of the form like any other, validated and recorded as such.
      if (!Editable(app.state)) return MakeError(ErrorCode::kConflict, "error.application.not_editable");
      TB_RETURN_IF_ERROR(WriteFields(ctx, tx, actor, *item, app, *req.fields, role));
    }

    const Timestamp now = ctx.clock->Now();
    const Date today = LocalDate(now);
    if (req.action == Action::kSubmit || req.action == Action::kResubmit) {
      TB_RETURN_IF_ERROR(CheckComplete(ctx, *item, app));
      if (req.action == Action::kSubmit) TB_RETURN_IF_ERROR(RequireEligible(ctx, tx, actor, app, *item));
      TB_RETURN_IF_ERROR(FetchMaterials(ctx, tx, actor, *item, app, req.external));
    }
    if (req.action == Action::kSubmit) {
      app.submitted_at = now;
      app.deadline = calendar->AddWorkingDays(today, item->promised_limit_days);
    } else if (req.action == Action::kResubmit && app.deadline) {
      // The time spent waiting for the correction does not count against the department.
      app.deadline = calendar->AddWorkingDays(*app.deadline, calendar->WorkingDaysBetween(asked, today));
    }
    const ApplicationState from = app.state;
    app.state = decision->to;
    app.version += 1;
    app.updated_at = now;
    TB_RETURN_IF_ERROR(tx.applications().UpdateApplication(app));
    std::string event_reason = reason;
    if (req.in_person) event_reason = std::string(kInPersonPrefix) + event_reason;
    TB_RETURN_IF_ERROR(RecordEvent(ctx, tx, actor, app, domain::ActionName(req.action), from, role, event_reason));
    out = app;
    return Ok();
  }));
  return out;
}

Result<Application> AttachUpload(const Context& ctx, const Actor& actor, const std::string& id,
                                 const std::string& material, const std::string& file_name,
                                 const std::string& content) {
  if (content.size() > kMaxUploadBytes) return MakeError(ErrorCode::kPayloadTooLarge, "error.upload.too_large");
  if (content.empty()) return MakeError(ErrorCode::kInvalidArgument, "error.upload.empty");
  if (!domain::IsUtf8(file_name) || domain::HasControlCharacters(file_name, /*line_breaks_allowed=*/false)) {
    Error e = MakeError(ErrorCode::kInvalidArgument, "error.upload.file_name");
    e.fields.push_back({"file_name", "error.upload.file_name", ""});
    return e;
  }
  const std::string type = SniffContentType(content);
  if (type.empty()) return MakeError(ErrorCode::kInvalidArgument, "error.upload.type");
  const auto catalogue = ctx.Catalogue();
  ports::Blob blob{ctx.hasher->Sha256Hex(content), type, content};
  Application out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(auto loaded, LoadVisible(ctx, tx, actor, id));
    auto& [app, standing] = loaded;
    if (std::find(standing.roles.begin(), standing.roles.end(), ActorRole::kApplicant) == standing.roles.end() &&
        std::find(standing.roles.begin(), standing.roles.end(), ActorRole::kClerk) == standing.roles.end()) {
      return MakeError(ErrorCode::kPermissionDenied, "error.application.not_applicant");
    }
    if (!Editable(app.state)) return MakeError(ErrorCode::kConflict, "error.application.not_editable");
    const domain::ServiceItem* item = catalogue->ItemUnder(app.item, app.pilot);
    const domain::Material* m = item ? item->FindMaterial(material) : nullptr;
    if (m == nullptr) return MakeError(ErrorCode::kNotFound, "error.material.not_found");
    // Shared data and licences are fetched; one that could not be may be uploaded instead.
    const auto attached = std::find_if(app.materials.begin(), app.materials.end(),
                                       [&](const auto& a) { return a.code == material; });
    const bool unfetchable = attached != app.materials.end() && attached->status == MaterialStatus::kMissing &&
                             !attached->reason.empty();
    // A material from a department's own system may be uploaded instead while its source is down
    // (issue 9 item 8): the applicant need not wait for it.
    const domain::Dataset* ds = m->source == MaterialSource::kSharedData ? catalogue->FindDataset(m->dataset) : nullptr;
    const bool external = ds != nullptr && ds->source == domain::DatasetSource::kHttp;
    if (m->source != MaterialSource::kUpload && !unfetchable && !external) {
      return MakeError(ErrorCode::kInvalidArgument, "error.material.not_asked");
    }
    TB_RETURN_IF_ERROR(tx.uploads().PutBlob(blob));
    for (auto& a : app.materials) {
      if (a.code != material) continue;
      a.status = MaterialStatus::kProvided;
      a.blob_sha256 = blob.sha256;
      a.content_type = type;
      a.file_name = std::string(domain::CutToCodePoints(file_name, domain::kMaxFileNameCodePoints));
      a.size = static_cast<int64_t>(content.size());
      a.reason.clear();
    }
    app.version += 1;
    app.updated_at = ctx.clock->Now();
    TB_RETURN_IF_ERROR(tx.applications().UpdateApplication(app));
    TB_RETURN_IF_ERROR(RecordEvent(ctx, tx, actor, app, "upload", app.state, standing.roles.front(), material));
    out = app;
    return Ok();
  }));
  return out;
}

Status CheckAnswers(const Context& ctx, const std::string& item_code, std::map<std::string, std::string> fields) {
  const auto catalogue = ctx.Catalogue();
  const domain::ServiceItem* item = catalogue->FindItem(item_code);
  if (item == nullptr) return MakeError(ErrorCode::kNotFound, "error.item.not_found");
  auto errors = domain::ValidateFields(*item, fields, /*complete=*/true, LocalDate(ctx.clock->Now()));
  if (!errors.empty()) return FieldErrors(std::move(errors));
  return Ok();
}

Result<OpenedUpload> OpenUpload(const Context& ctx, const Actor& actor, const std::string& id,
                                const std::string& material) {
  OpenedUpload out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(auto loaded, LoadVisible(ctx, tx, actor, id));
    auto& [app, standing] = loaded;
    auto it = std::find_if(app.materials.begin(), app.materials.end(),
                           [&](const auto& a) { return a.code == material && a.status == MaterialStatus::kProvided; });
    if (it == app.materials.end()) return MakeError(ErrorCode::kNotFound, "error.material.not_found");
    TB_ASSIGN_OR_RETURN(out.blob, tx.uploads().GetBlob(it->blob_sha256));
    out.file_name = it->file_name;
    // An official's read is part of the case's history; the applicant reading their own is not.
    if (actor.user.kind != domain::UserKind::kOfficial) return Ok();
    const ActorRole role = HasRole(standing, ActorRole::kReviewer) ? ActorRole::kReviewer
                           : HasRole(standing, ActorRole::kClerk)  ? ActorRole::kClerk
                                                                   : standing.roles.front();
    // A read changes nothing of the case: only the version moves (it numbers the history), and the
    // event carries the time of the read.
    app.version += 1;
    TB_RETURN_IF_ERROR(tx.applications().UpdateApplication(app));
    Application at_read = app;
    at_read.updated_at = ctx.clock->Now();
    return RecordEvent(ctx, tx, actor, at_read, "view_material", app.state, role, material);
  }));
  return out;
}

Result<ports::Blob> GetUpload(const Context& ctx, const Actor& actor, const std::string& id,
                              const std::string& material) {
  TB_ASSIGN_OR_RETURN(auto opened, OpenUpload(ctx, actor, id, material));
  return std::move(opened.blob);
}

namespace {

// The department an official may assign within: reviewers' and department clerks'.
bool AssignsIn(const domain::User& u, const std::string& department) {
  return !department.empty() && u.kind == domain::UserKind::kOfficial && u.department == department &&
         (u.HasRole(domain::Role::kReviewer) || u.HasRole(domain::Role::kClerk));
}

}  // namespace

Result<std::vector<domain::User>> Colleagues(const Context& ctx, const Actor& actor) {
  const auto& u = actor.user;
  if (!AssignsIn(u, u.department)) return MakeError(ErrorCode::kPermissionDenied, "error.assign.not_department");
  // A department's officials are tens, not thousands; the bound keeps a page's select sane.
  constexpr int kMaxColleagues = 500;
  std::vector<domain::User> out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(std::vector<domain::User> users, tx.accounts().ListUsersOfDepartment(u.department, kMaxColleagues));
    for (auto& user : users) {
      if (AssignsIn(user, u.department)) out.push_back(std::move(user));
    }
    return Ok();
  }));
  std::stable_sort(out.begin(), out.end(),
                   [](const domain::User& a, const domain::User& b) { return a.display_name < b.display_name; });
  return out;
}

Result<Application> Assign(const Context& ctx, const Actor& actor, const std::string& id,
                           const std::string& assignee_user_id) {
  Application out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(auto loaded, LoadVisible(ctx, tx, actor, id));
    auto& [app, standing] = loaded;
    if (!AssignsIn(actor.user, app.department)) {
      return MakeError(ErrorCode::kPermissionDenied, "error.assign.not_department");
    }
    if (domain::IsTerminal(app.state)) return MakeError(ErrorCode::kConflict, "error.assign.ended");
    if (assignee_user_id.empty()) return MakeError(ErrorCode::kInvalidArgument, "error.assign.assignee");
    auto assignee = tx.accounts().GetUser(assignee_user_id);
    if (!assignee.ok()) {
      if (assignee.error().code != ErrorCode::kNotFound) return assignee.take_error();
      return MakeError(ErrorCode::kInvalidArgument, "error.assign.assignee");
    }
    if (!AssignsIn(*assignee, app.department)) return MakeError(ErrorCode::kInvalidArgument, "error.assign.assignee");
    const bool reviewer = HasRole(standing, ActorRole::kReviewer);
    app.assignee_user_id = assignee->id;
    app.version += 1;
    app.updated_at = ctx.clock->Now();
    TB_RETURN_IF_ERROR(tx.applications().UpdateApplication(app));
    TB_RETURN_IF_ERROR(RecordEvent(ctx, tx, actor, app, "assign", app.state,
                                   reviewer ? ActorRole::kReviewer : ActorRole::kClerk, assignee->display_name));
    out = app;
    return Ok();
  }));
  return out;
}

Result<int64_t> AssignMissingReferences(const Context& ctx) {
  constexpr int kBatch = 200;
  int64_t numbered = 0;
  while (true) {
    int64_t in_batch = 0;
    TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
      in_batch = 0;
      TB_ASSIGN_OR_RETURN(const std::vector<Application> apps, tx.applications().ListWithoutReference(kBatch));
      for (const Application& app : apps) {
        std::string name = app.applicant_name;
        if (name.empty()) {
          Actor nobody;
          TB_ASSIGN_OR_RETURN(name, ApplicantName(tx, nobody, app));
        }
        const Date day = LocalDate(app.created_at);
        TB_ASSIGN_OR_RETURN(const int64_t sequence, tx.applications().NextReferenceSequence(day));
        TB_RETURN_IF_ERROR(tx.applications().SetReference(app.id, FormatReference(ctx.reference_prefix, day, sequence), name));
        ++in_batch;
      }
      return Ok();
    }));
    numbered += in_batch;
    if (in_batch < kBatch) return numbered;
  }
}

}  // namespace tongban::services
