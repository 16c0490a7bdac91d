#include "domain/workflow.h"

#include <array>

#include "common/enum_names.h"

namespace tongban::domain {
namespace {

using S = ApplicationState;
using A = Action;

// The whole workflow. Rows read: from, action, to, applicant, clerk, reviewer, reason required.
// Correction may be asked before acceptance (一次性告知) or during review; a resubmission goes
// straight to review because the department has already seen the file once.
constexpr std::array kTable = {
    Transition{S::kDraft, A::kSubmit, S::kSubmitted, true, false, false, false},
    Transition{S::kDraft, A::kWithdraw, S::kWithdrawn, true, false, false, false},
    Transition{S::kSubmitted, A::kAccept, S::kAccepted, false, true, true, false},
    Transition{S::kSubmitted, A::kReject, S::kNotAccepted, false, true, true, true},
    Transition{S::kSubmitted, A::kRequestCorrection, S::kCorrectionRequested, false, true, true, true},
    Transition{S::kSubmitted, A::kWithdraw, S::kWithdrawn, true, false, false, false},
    Transition{S::kAccepted, A::kRequestCorrection, S::kCorrectionRequested, false, false, true, true},
    Transition{S::kAccepted, A::kApprove, S::kApproved, false, false, true, false},
    Transition{S::kAccepted, A::kRefuse, S::kRefused, false, false, true, true},
    Transition{S::kAccepted, A::kWithdraw, S::kWithdrawn, true, false, false, false},
    Transition{S::kCorrectionRequested, A::kResubmit, S::kUnderReview, true, false, false, false},
    Transition{S::kCorrectionRequested, A::kReject, S::kNotAccepted, false, true, true, true},
    Transition{S::kCorrectionRequested, A::kWithdraw, S::kWithdrawn, true, false, false, false},
    Transition{S::kUnderReview, A::kRequestCorrection, S::kCorrectionRequested, false, false, true, true},
    Transition{S::kUnderReview, A::kApprove, S::kApproved, false, false, true, false},
    Transition{S::kUnderReview, A::kRefuse, S::kRefused, false, false, true, true},
    Transition{S::kUnderReview, A::kWithdraw, S::kWithdrawn, true, false, false, false},
    Transition{S::kApproved, A::kDeliver, S::kDelivered, false, true, true, false},
    Transition{S::kDelivered, A::kComplete, S::kCompleted, true, true, true, false},
    // A bundle's waiting sub-case: the platform starts it when what it waits for is approved, or
    // closes it when that ended otherwise; its applicant may withdraw it meanwhile.
    Transition{S::kWaiting, A::kSubmit, S::kSubmitted, false, false, false, false, true},
    Transition{S::kWaiting, A::kClose, S::kClosed, false, false, false, true, true},
    Transition{S::kWaiting, A::kWithdraw, S::kWithdrawn, true, false, false, false},
    // An offered case (benefits without applying): the person confirms or declines it in one step;
    // left unanswered, the platform submits it or lets it lapse, as its item says.
    Transition{S::kOffered, A::kConfirm, S::kSubmitted, true, false, false, false},
    Transition{S::kOffered, A::kDecline, S::kDeclined, true, false, false, false},
    Transition{S::kOffered, A::kSubmit, S::kSubmitted, false, false, false, false, true},
    Transition{S::kOffered, A::kClose, S::kClosed, false, false, false, true, true},
};

constexpr std::array kStateNames = {
    EnumName<S>{S::kDraft, "draft"},
    EnumName<S>{S::kSubmitted, "submitted"},
    EnumName<S>{S::kAccepted, "accepted"},
    EnumName<S>{S::kNotAccepted, "not_accepted"},
    EnumName<S>{S::kCorrectionRequested, "correction_requested"},
    EnumName<S>{S::kUnderReview, "under_review"},
    EnumName<S>{S::kApproved, "approved"},
    EnumName<S>{S::kRefused, "refused"},
    EnumName<S>{S::kDelivered, "delivered"},
    EnumName<S>{S::kCompleted, "completed"},
    EnumName<S>{S::kWithdrawn, "withdrawn"},
    EnumName<S>{S::kWaiting, "waiting"},
    EnumName<S>{S::kClosed, "closed"},
    EnumName<S>{S::kOffered, "offered"},
    EnumName<S>{S::kDeclined, "declined"},
};

constexpr std::array kActionNames = {
    EnumName<A>{A::kSubmit, "submit"},
    EnumName<A>{A::kAccept, "accept"},
    EnumName<A>{A::kReject, "reject"},
    EnumName<A>{A::kRequestCorrection, "request-correction"},
    EnumName<A>{A::kResubmit, "resubmit"},
    EnumName<A>{A::kApprove, "approve"},
    EnumName<A>{A::kRefuse, "refuse"},
    EnumName<A>{A::kDeliver, "deliver"},
    EnumName<A>{A::kComplete, "complete"},
    EnumName<A>{A::kWithdraw, "withdraw"},
    EnumName<A>{A::kClose, "close"},
    EnumName<A>{A::kConfirm, "confirm"},
    EnumName<A>{A::kDecline, "decline"},
};

constexpr std::array kActorRoleNames = {
    EnumName<ActorRole>{ActorRole::kApplicant, "applicant"},
    EnumName<ActorRole>{ActorRole::kClerk, "clerk"},
    EnumName<ActorRole>{ActorRole::kReviewer, "reviewer"},
    EnumName<ActorRole>{ActorRole::kProxy, "proxy"},
};

}  // namespace

const char* ActorRoleName(ActorRole role) { return NameOf(kActorRoleNames, role); }
std::optional<ActorRole> ParseActorRole(std::string_view name) { return ValueOf(kActorRoleNames, name); }

const char* StateName(ApplicationState state) { return NameOf(kStateNames, state); }

std::optional<ApplicationState> ParseState(std::string_view name) { return ValueOf(kStateNames, name); }

bool IsTerminal(ApplicationState state) {
  for (const auto& t : kTable) {
    if (t.from == state) return false;
  }
  return true;
}

bool ClockRuns(ApplicationState state) {
  return state == S::kSubmitted || state == S::kAccepted || state == S::kUnderReview;
}

const char* ActionName(Action action) { return NameOf(kActionNames, action); }

std::optional<Action> ParseAction(std::string_view name) { return ValueOf(kActionNames, name); }

std::span<const Transition> TransitionTable() { return kTable; }

namespace {

bool RoleMay(const Transition& t, ActorRole role) {
  return ((role == ActorRole::kApplicant || role == ActorRole::kProxy) && t.applicant) || (role == ActorRole::kClerk && t.clerk) ||
         (role == ActorRole::kReviewer && t.reviewer);
}

}  // namespace

TransitionDecision CheckTransition(ApplicationState from, Action action, ActorRole role) {
  bool role_ever_may = false;
  for (const auto& t : kTable) {
    if (t.action == action && RoleMay(t, role)) role_ever_may = true;
    if (t.from != from || t.action != action) continue;
    return {RoleMay(t, role) ? TransitionCheck::kAllowed : TransitionCheck::kRoleDenied, t.to, t.reason_required};
  }
  // An action the role can never take is a matter of rights, whatever the state.
  return {role_ever_may ? TransitionCheck::kStateConflict : TransitionCheck::kRoleDenied, from, false};
}

TransitionDecision CheckPlatformTransition(ApplicationState from, Action action) {
  for (const auto& t : kTable) {
    if (t.from == from && t.action == action && t.platform) return {TransitionCheck::kAllowed, t.to, t.reason_required};
  }
  return {TransitionCheck::kStateConflict, from, false};
}

}  // namespace tongban::domain
