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
std::vector<ActionOption> ActionsFor(const Standing& standing, const Application& app) {
  std::vector<ActionOption> out;
  for (const auto& t : domain::TransitionTable()) {
    if (t.from != app.state) continue;
    for (ActorRole r : standing.roles) {
      const auto decision = domain::CheckTransition(app.state, t.action, r);
      if (decision.check != domain::TransitionCheck::kAllowed) continue;
      if (t.action == Action::kWithdraw && r == ActorRole::kApplicant && !standing.may_withdraw) continue;
      if (std::any_of(out.begin(), out.end(), [&](const ActionOption& o) { return o.action == t.action; })) continue;
      out.push_back({t.action, decision.reason_required});
    }
  }
  return out;
}

bool HasRole(const Standing& standing, ActorRole role) {
  return std::find(standing.roles.begin(), standing.roles.end(), role) != standing.roles.end();
}

// The state whose name the words of `action` already say ("complete" and "completed"): the
// timeline does not repeat it. A resubmission says nothing of where it leads.
std::optional<ApplicationState> StateNamedBy(std::string_view action) {
  const auto parsed = domain::ParseAction(action);
  if (!parsed) return std::nullopt;
  switch (*parsed) {
    case Action::kSubmit: return ApplicationState::kSubmitted;
    case Action::kAccept: return ApplicationState::kAccepted;
    case Action::kReject: return ApplicationState::kNotAccepted;
    case Action::kRequestCorrection: return ApplicationState::kCorrectionRequested;
    case Action::kApprove: return ApplicationState::kApproved;
    case Action::kRefuse: return ApplicationState::kRefused;
    case Action::kDeliver: return ApplicationState::kDelivered;
    case Action::kComplete: return ApplicationState::kCompleted;
    case Action::kWithdraw: return ApplicationState::kWithdrawn;
    case Action::kClose: return ApplicationState::kClosed;
    case Action::kResubmit: return std::nullopt;
    case Action::kConfirm: return std::nullopt;  // "confirmed" then "submitted"
    case Action::kDecline: return ApplicationState::kDeclined;
  }
  return std::nullopt;
}

// Splits "a, b, c" (ChangedFieldNames) into its names.
std::vector<std::string> SplitNames(const std::string& names) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < names.size()) {
    size_t end = names.find(", ", start);
    if (end == std::string::npos) end = names.size();
    if (end > start) out.push_back(names.substr(start, end - start));
    start = end + 2;
  }
  return out;
}

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
    if (item == nullptr) return MakeError(ErrorCode::kInternal, "item vanished from the catalogue");

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

Result<Application> GetApplication(const Context& ctx, const Actor& actor, const std::string& id) {
  Application out;
  // An official opening a person's case reads that person's data: the read is recorded in the
  // access log, queued in the same (write) transaction as the read. Everyone else only reads.
  if (actor.user.kind == domain::UserKind::kOfficial && ctx.log_tree != nullptr) {
    TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(auto loaded, LoadVisible(ctx, tx, actor, id));
      out = std::move(loaded.first);
      if (out.person_id.empty() || out.applicant_user_id == actor.user.id) return Ok();
      const auto& standing = loaded.second;
      const ActorRole role = HasRole(standing, ActorRole::kReviewer) ? ActorRole::kReviewer
                             : HasRole(standing, ActorRole::kClerk)  ? ActorRole::kClerk
                                                                     : standing.roles.front();
      return RecordAccess(ctx, tx, CaseReadEntry(actor, role, out));
    }));
    return out;
  }
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(auto loaded, LoadVisible(ctx, tx, actor, id));
    out = std::move(loaded.first);
    return Ok();
  }));
  return out;
}

Result<std::vector<domain::Event>> ListEvents(const Context& ctx, const Actor& actor, const std::string& id) {
  std::vector<domain::Event> out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const auto loaded, LoadVisible(ctx, tx, actor, id));
    TB_ASSIGN_OR_RETURN(out, tx.applications().ListEvents(loaded.first.id));
    return Ok();
  }));
  return out;
}

// What a search box's text names: a reference number, a resident id number, or a name prefix.
struct SearchQuery {
  std::string reference;
  std::string person_id;
  std::string name_prefix;
};

Result<SearchQuery> ReadSearchQuery(std::string text) {
  text.erase(0, text.find_first_not_of(" \t\r\n"));
  text.erase(text.find_last_not_of(" \t\r\n") + 1);
  SearchQuery out;
  if (text.empty()) return out;
  if (!domain::IsUtf8(text) || domain::HasControlCharacters(text, /*line_breaks_allowed=*/false) ||
      domain::CodePoints(text) > kMaxSearchCodePoints) {
    return MakeError(ErrorCode::kInvalidArgument, "error.search.query");
  }
  if (const auto parsed = ParseReference(text)) {
    if (!parsed->check_ok) return MakeError(ErrorCode::kNotFound, "error.application.reference_check");
    out.reference = parsed->canonical;
    return out;
  }
  const bool id_shaped = text.size() == 18 && std::all_of(text.begin(), text.end() - 1, [](char c) {
    return c >= '0' && c <= '9';
  }) && ((text.back() >= '0' && text.back() <= '9') || text.back() == 'X' || text.back() == 'x');
  if (id_shaped) {
    if (text.back() == 'x') text.back() = 'X';
    out.person_id = text;
    return out;
  }
  out.name_prefix = text;
  return out;
}

// A list answers exactly what reading each application would (StandingOn), as one indexed,
// paginated query per scope: an agent gets the enterprise's applications of the items their grant
// covers; an official their department's (reviewers, clerks) or centre's (clerks) queue without
// drafts; everyone else what they filed or what is filed for them as a person.
Result<ports::ApplicationPage> ListApplications(const Context& ctx, const Actor& actor, const ListRequest& req) {
  const auto& u = actor.user;
  ports::ApplicationQuery q;
  q.state = req.state;
  q.item = req.item;
  q.page_token = req.page_token;
  q.limit = std::clamp(req.limit, 1, ports::kMaxPageSize);
  q.by_deadline = req.by_deadline;
  if (req.mine) {
    if (u.kind != domain::UserKind::kOfficial) return MakeError(ErrorCode::kInvalidArgument, "error.search.mine_officials");
    q.assignee_user_id = u.id;
  }
  TB_ASSIGN_OR_RETURN(const SearchQuery search, ReadSearchQuery(req.query));
  q.person_filter = search.person_id;
  q.name_prefix = search.name_prefix;
  ports::ApplicationPage out;
  if (!search.reference.empty()) {
    // One number names at most one case: shown when the caller could open it and it passes the
    // other filters.
    TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
      auto found = LoadVisible(ctx, tx, actor, search.reference);
      if (!found.ok()) return found.error().code == ErrorCode::kNotFound ? Ok() : Status(found.take_error());
      const Application& app = found->first;
      if (q.state && app.state != *q.state) return Ok();
      if (!q.item.empty() && app.item != q.item) return Ok();
      if (!q.assignee_user_id.empty() && app.assignee_user_id != q.assignee_user_id) return Ok();
      if (!req.enterprise.empty() && app.enterprise != req.enterprise) return Ok();
      out.applications.push_back(app);
      return Ok();
    }));
    return out;
  }
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    const bool clerk = u.HasRole(domain::Role::kClerk);
    const bool reviewer = u.HasRole(domain::Role::kReviewer);
    if (!req.enterprise.empty()) {
      TB_ASSIGN_OR_RETURN(auto grant, ActingGrant(tx, u, req.enterprise));
      if (!grant) return MakeError(ErrorCode::kPermissionDenied, "error.application.no_agent_rights");
      q.enterprise = req.enterprise;
      if (!grant->items.empty()) {
        if (!q.item.empty()) {
          // An item the grant does not cover lists nothing, as reading one of them finds nothing.
          if (!GrantCovers(*grant, q.item)) return Ok();
        } else {
          std::vector<std::string> items = grant->items;
          std::sort(items.begin(), items.end());
          items.erase(std::unique(items.begin(), items.end()), items.end());
          q.items = std::move(items);
        }
      }
    } else if (u.kind == domain::UserKind::kOfficial) {
      if ((clerk || reviewer) && !u.department.empty()) {
        q.department = u.department;
      } else if (clerk && !u.centre.empty()) {
        q.centre = u.centre;
      } else {
        return MakeError(ErrorCode::kPermissionDenied, "error.application.no_scope");
      }
      // Drafts and offers are their applicants' until submitted.
      if (q.state == ApplicationState::kDraft || q.state == ApplicationState::kOffered) return Ok();
      q.exclude_drafts = true;
    } else if (!u.person_id.empty()) {
      q.person_id = u.person_id;
    } else {
      q.applicant_user_id = u.id;
    }
    TB_ASSIGN_OR_RETURN(out, tx.applications().ListApplications(q));
    return Ok();
  }));
  return out;
}

std::vector<TimelineEntry> Timeline(const std::vector<domain::Event>& events, const domain::ServiceItem* item) {
  std::vector<TimelineEntry> out;
  bool draft_shown = false;
  for (const domain::Event& e : events) {
    TimelineEntry entry;
    entry.at = e.at;
    entry.actor_role = e.actor_role;
    entry.actor_user_id = e.actor_user_id;
    entry.channel = e.channel;
    entry.assisted_name = e.assisted_name;
    entry.assisted_centre = e.assisted_centre;
    if (e.from == ApplicationState::kDraft && e.to == ApplicationState::kDraft) {
      // Starting a draft, saving it again and attaching its files: one entry, when it began.
      if (draft_shown) continue;
      draft_shown = true;
      entry.what = "draft";
      out.push_back(std::move(entry));
      continue;
    }
    if (e.action == "update" || e.action == "create") {
      entry.what = "answers";
      if (item != nullptr) {
        for (const std::string& name : SplitNames(e.reason)) {
          const auto field = std::find_if(item->fields.begin(), item->fields.end(),
                                          [&](const domain::Field& f) { return f.name == name; });
          if (field != item->fields.end()) entry.names.push_back(field->label);
        }
      }
      if (entry.names.empty()) continue;  // a save that changed nothing
      out.push_back(std::move(entry));
      continue;
    }
    if (e.action == "upload" || e.action == "view_material") {
      entry.what = e.action;
      entry.actor_user_id = e.actor_user_id;
      const domain::Material* material = item != nullptr ? item->FindMaterial(e.reason) : nullptr;
      if (material != nullptr) entry.names.push_back(material->name);
      out.push_back(std::move(entry));
      continue;
    }
    if (e.action == "assign") {
      // "分派给: 周婷": the reason holds the assignee's name, which is not a reason.
      entry.what = e.action;
      entry.names.push_back(domain::LocalText{e.reason, e.reason});
      out.push_back(std::move(entry));
      continue;
    }
    // An offer the platform closed because nobody answered it in time (services/proactive.h).
    const bool lapsed = e.action == domain::ActionName(Action::kClose) && e.from == ApplicationState::kOffered;
    entry.what = lapsed ? "lapse" : e.action;
    if (!lapsed && e.from != e.to && StateNamedBy(e.action) != e.to) entry.state = e.to;
    entry.reason = e.reason;
    if (entry.reason.rfind(kInPersonPrefix, 0) == 0) {
      entry.in_person = true;
      entry.reason.erase(0, kInPersonPrefix.size());
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Result<ApplicationView> ViewApplication(const Context& ctx, const Actor& actor, const std::string& id) {
  const auto catalogue = ctx.Catalogue();
  const Date today = LocalDate(ctx.clock->Now());
  ApplicationView view;
  // An official opening a person's case reads that person's data: recorded in the access log in
  // the same (write) transaction, as GetApplication does. Everyone else only reads.
  const bool logged = actor.user.kind == domain::UserKind::kOfficial && ctx.log_tree != nullptr;
  const auto work = [&](ports::Transaction& tx) -> Status {
    view = ApplicationView{};
    TB_ASSIGN_OR_RETURN(auto loaded, LoadVisible(ctx, tx, actor, id));
    auto& [app, standing] = loaded;
    if (logged && !app.person_id.empty() && app.applicant_user_id != actor.user.id) {
      const ActorRole role = HasRole(standing, ActorRole::kReviewer) ? ActorRole::kReviewer
                             : HasRole(standing, ActorRole::kClerk)  ? ActorRole::kClerk
                                                                     : standing.roles.front();
      TB_RETURN_IF_ERROR(RecordAccess(ctx, tx, CaseReadEntry(actor, role, app)));
    }
    TB_ASSIGN_OR_RETURN(view.events, tx.applications().ListEvents(app.id));
    view.roles = standing.roles;
    view.actions = ActionsFor(standing, app);
    view.editable = Editable(app.state) && HasRole(standing, ActorRole::kApplicant);
    view.overdue = domain::IsOverdue(app, today);
    view.official = !HasRole(standing, ActorRole::kApplicant);
    const domain::ServiceItem* item = catalogue ? catalogue->ItemUnder(app.item, app.pilot) : nullptr;
    view.timeline = Timeline(view.events, item);
    // Who opened which file: the official's name, read once per official.
    std::map<std::string, std::string> names;
    for (TimelineEntry& entry : view.timeline) {
      if (entry.what != "view_material" && entry.actor_role != "proxy") continue;  // and who acted as proxy
      if (names.count(entry.actor_user_id) == 0) {
        auto user = tx.accounts().GetUser(entry.actor_user_id);
        if (!user.ok() && user.error().code != ErrorCode::kNotFound) return user.take_error();
        names[entry.actor_user_id] = user.ok() ? user->display_name : "";
      }
      entry.actor_name = names[entry.actor_user_id];
    }
    if (app.state == ApplicationState::kCorrectionRequested) {
      for (auto it = view.timeline.rbegin(); it != view.timeline.rend(); ++it) {
        if (it->what != domain::ActionName(Action::kRequestCorrection)) continue;
        view.correction = CorrectionAsked{it->reason, it->in_person, it->at};
        break;
      }
    }
    if (item != nullptr) {
      for (const auto& m : item->materials) {
        MaterialView material;
        material.code = m.code;
        material.source = m.source;
        material.status = m.source == MaterialSource::kUpload ? MaterialStatus::kMissing : MaterialStatus::kToBeFetched;
        // What was fetched at submission, with its provenance (services/data_access.h).
        for (const auto& attached : app.materials) {
          if (attached.code != m.code) continue;
          material.status = attached.status;
          material.reason = attached.reason;
          material.dataset = attached.dataset;
          material.record_id = attached.record_id;
          material.licence_id = attached.licence_id;
          material.licence_issuer = attached.licence_issuer;
          material.licence_status = attached.licence_status;
          if (attached.as_of) material.as_of = material.licence_as_of = *attached.as_of;
        }
        view.materials.push_back(std::move(material));
      }
    }
    view.application = std::move(app);
    return Ok();
  };
  TB_RETURN_IF_ERROR(logged ? ctx.store->Write(work) : ctx.store->Read(work));
  return view;
}

DeadlineMark MarkDeadline(const Context& ctx, const Application& app) {
  if (!app.deadline) return DeadlineMark::kNone;
  const Date today = LocalDate(ctx.clock->Now());
  if (domain::IsOverdue(app, today)) return DeadlineMark::kOverdue;
  // Waiting on the department: its clock would run out the day after the deadline.
  if (!domain::IsOverdue(app, AddDays(*app.deadline, 1)) || *app.deadline < today) return DeadlineMark::kNone;
  const auto calendar = ctx.WorkingDays();
  return calendar->WorkingDaysBetween(today, *app.deadline) <= kDueSoonWorkingDays ? DeadlineMark::kDueSoon
                                                                                  : DeadlineMark::kNone;
}

namespace {

// The department an official may assign within: reviewers' and department clerks'.
bool AssignsIn(const domain::User& u, const std::string& department) {
  return !department.empty() && u.kind == domain::UserKind::kOfficial && u.department == department &&
         (u.HasRole(domain::Role::kReviewer) || u.HasRole(domain::Role::kClerk));
}

}  // namespace

Result<ports::QueueCounts> CountQueue(const Context& ctx, const Actor& actor) {
  const auto& u = actor.user;
  ports::ApplicationQuery scope;
  const bool official = u.HasRole(domain::Role::kClerk) || u.HasRole(domain::Role::kReviewer);
  if (official && !u.department.empty()) {
    scope.department = u.department;
  } else if (u.HasRole(domain::Role::kClerk) && !u.centre.empty()) {
    scope.centre = u.centre;
  } else {
    return MakeError(ErrorCode::kPermissionDenied, "error.application.no_scope");
  }
  const Date today = LocalDate(ctx.clock->Now());
  const Date due_by = ctx.WorkingDays()->AddWorkingDays(today, kDueSoonWorkingDays);
  ports::QueueCounts out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(out, tx.applications().CountQueue(scope, today, due_by));
    return Ok();
  }));
  return out;
}

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
