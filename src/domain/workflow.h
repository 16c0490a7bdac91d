// The application workflow (docs/product.md C4) as a table of (state, action) -> state with the
// roles allowed to take each action. Pure data and lookups. Thread-safety: immutable.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace tongban::domain {

enum class ApplicationState {
  kDraft,
  kSubmitted,
  kAccepted,             // 受理
  kNotAccepted,          // 不予受理 (terminal)
  kCorrectionRequested,  // 补正
  kUnderReview,          // resubmitted after correction, back with the reviewer
  kApproved,
  kRefused,              // terminal
  kDelivered,            // 送达
  kCompleted,            // terminal
  kWithdrawn,            // terminal
  // A bundle's sub-case (issue 11 item 1) submitted with the bundle but waiting for the sub-cases
  // it waits for to be approved; not in its department's queue yet. The platform starts it
  // (-> submitted) or closes it (-> closed) when one of them ends without approval.
  kWaiting,
  kClosed,               // terminal: a waiting sub-case that can no longer start; an offer left unanswered
  // Benefits without applying (domain/proactive.h): a case the platform created for a person who
  // qualifies, waiting for them to confirm (-> submitted) or decline (-> declined). Like a draft,
  // it is the person's alone: officials do not see it until it is submitted.
  kOffered,
  kDeclined,             // terminal: the person declined the offer
};
const char* StateName(ApplicationState state);  // "draft", "submitted", ..., snake_case
std::optional<ApplicationState> ParseState(std::string_view name);
bool IsTerminal(ApplicationState state);
// States whose deadline clock runs (the application waits on the department).
bool ClockRuns(ApplicationState state);

enum class Action {
  kSubmit,
  kAccept,
  kReject,
  kRequestCorrection,
  kResubmit,
  kApprove,
  kRefuse,
  kDeliver,
  kComplete,
  kWithdraw,
  kClose,  // the platform closes a waiting sub-case or a lapsed offer (its reason says why); no person takes it
  kConfirm,  // the person accepts an offered case: it is submitted to the department
  kDecline,  // the person turns an offered case down: it ends
};
const char* ActionName(Action action);  // URL segments: "submit", "accept", "request-correction", ...
std::optional<Action> ParseAction(std::string_view name);

// The part an actor plays towards one application.
// kProxy: a family member acting for the person (services/proxies.h); they may take what the
// applicant may.
enum class ActorRole { kApplicant, kClerk, kReviewer, kProxy };
const char* ActorRoleName(ActorRole role);  // "applicant", "clerk", "reviewer", "proxy"
std::optional<ActorRole> ParseActorRole(std::string_view name);

struct Transition {
  ApplicationState from;
  Action action;
  ApplicationState to;
  bool applicant;  // the applicant (or an agent with rights) may take it
  bool clerk;
  bool reviewer;
  bool reason_required;
  bool platform = false;  // the platform takes it itself (a bundle starting or closing a sub-case)
};

// Every allowed transition; any (state, action) pair not listed is refused.
std::span<const Transition> TransitionTable();

enum class TransitionCheck { kAllowed, kStateConflict, kRoleDenied };

// kAllowed and the target state when (from, action) is in the table and `role` may take it;
// kRoleDenied when the role may not take it from this state, or can never take this action at all;
// kStateConflict when the role could take the action, but not from this state.
struct TransitionDecision {
  TransitionCheck check;
  ApplicationState to;
  bool reason_required;
};
TransitionDecision CheckTransition(ApplicationState from, Action action, ActorRole role);

// The platform's own transitions (a bundle starting a waiting sub-case or closing it): kAllowed
// and the target when (from, action) is a row the platform takes; kStateConflict otherwise.
TransitionDecision CheckPlatformTransition(ApplicationState from, Action action);

}  // namespace tongban::domain
