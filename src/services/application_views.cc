// Reading applications (services/applications.h): one case with its events and timeline, the
// lists and search of cases an actor may see, the deadline marks and the officials' queue counts.
// An official opening a case is a read of personal data, logged through the access log. Split
// from applications.cc, which writes them.
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

}  // namespace tongban::services
