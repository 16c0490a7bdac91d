#include "services/window_handover.h"

#include "domain/bundle_case.h"
#include "domain/workflow.h"
#include "services/application_steps.h"
#include "services/window.h"

namespace tongban::services {
namespace {

using domain::ApplicationState;

// Whether `app` is the visit's person's own (or its enterprise's).
bool OfVisit(const ports::WindowVisit& visit, const domain::Application& app) { return VisitServes(visit, app); }

// Still being handled: neither decided (approved, handed over, done) nor ended otherwise.
bool InProgress(ApplicationState state) {
  return state != ApplicationState::kApproved && state != ApplicationState::kDelivered &&
         state != ApplicationState::kCompleted && !domain::EndedUnapproved(state);
}

}  // namespace

Result<std::vector<domain::Application>> HandOverResults(const Context& ctx, const Actor& clerk,
                                                         const std::string& visit_id, const std::string& id) {
  // The window is where it happens, whichever page the clerk used.
  Actor at_window = clerk;
  at_window.channel = domain::Channel::kWindow;
  std::vector<domain::Application> out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    out.clear();
    TB_ASSIGN_OR_RETURN(const ports::WindowVisit visit, UsableVisit(ctx, tx, clerk, visit_id));
    auto found = tx.applications().GetApplication(id);
    if (!found.ok()) {
      if (found.error().code == ErrorCode::kNotFound) return MakeError(ErrorCode::kNotFound, "error.application.not_found");
      return found.take_error();
    }
    if (!OfVisit(visit, *found)) return MakeError(ErrorCode::kNotFound, "error.application.not_found");
    std::vector<domain::Application> targets;
    auto sub = tx.bundles().GetSubCase(found->id);
    if (sub.ok()) {
      // Joint issuance: the bundle's results are handed over together.
      TB_ASSIGN_OR_RETURN(const auto subs, tx.bundles().ListSubCases(sub->bundle_case_id));
      for (const auto& s : subs) {
        TB_ASSIGN_OR_RETURN(domain::Application app, tx.applications().GetApplication(s.application_id));
        if (InProgress(app.state)) return MakeError(ErrorCode::kConflict, "error.window.bundle_not_ready");
        targets.push_back(std::move(app));
      }
    } else if (sub.error().code == ErrorCode::kNotFound) {
      targets.push_back(std::move(found).value());
    } else {
      return sub.take_error();
    }
    for (domain::Application& app : targets) {
      if (app.state != ApplicationState::kApproved) continue;
      const domain::TransitionDecision decision =
          domain::CheckTransition(app.state, domain::Action::kDeliver, domain::ActorRole::kClerk);
      if (decision.check != domain::TransitionCheck::kAllowed) return MakeError(ErrorCode::kConflict, "error.action.state");
      const ApplicationState from = app.state;
      app.state = decision.to;
      app.version += 1;
      app.updated_at = ctx.clock->Now();
      TB_RETURN_IF_ERROR(tx.applications().UpdateApplication(app));
      TB_RETURN_IF_ERROR(RecordEvent(ctx, tx, at_window, app, domain::ActionName(domain::Action::kDeliver), from,
                                     domain::ActorRole::kClerk, std::string(kWindowHandOverReason)));
      out.push_back(app);
    }
    if (out.empty()) return MakeError(ErrorCode::kConflict, "error.action.state");
    return Ok();
  }));
  return out;
}

}  // namespace tongban::services
