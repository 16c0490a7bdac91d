// The whole workflow table: every (state, action, role) triple, allowed or refused.
#include "domain/workflow.h"

#include <gtest/gtest.h>

#include <map>
#include <tuple>

namespace tongban::domain {
namespace {

using S = ApplicationState;
using A = Action;
using R = ActorRole;

constexpr S kStates[] = {S::kDraft,    S::kSubmitted, S::kAccepted,  S::kNotAccepted, S::kCorrectionRequested,
                         S::kUnderReview, S::kApproved, S::kRefused, S::kDelivered,   S::kCompleted,
                         S::kWithdrawn, S::kWaiting, S::kClosed, S::kOffered, S::kDeclined};
constexpr A kActions[] = {A::kSubmit,  A::kAccept, A::kReject,  A::kRequestCorrection, A::kResubmit,
                          A::kApprove, A::kRefuse, A::kDeliver, A::kComplete,          A::kWithdraw, A::kClose,
                          A::kConfirm, A::kDecline};
constexpr R kRoles[] = {R::kApplicant, R::kClerk, R::kReviewer};

// The expected table, written out independently of workflow.cc: (from, action) -> (to, roles).
struct Expected {
  S to;
  bool applicant, clerk, reviewer;
};
const std::map<std::pair<S, A>, Expected>& ExpectedTable() {
  static const std::map<std::pair<S, A>, Expected> table = {
      {{S::kDraft, A::kSubmit}, {S::kSubmitted, true, false, false}},
      {{S::kDraft, A::kWithdraw}, {S::kWithdrawn, true, false, false}},
      {{S::kSubmitted, A::kAccept}, {S::kAccepted, false, true, true}},
      {{S::kSubmitted, A::kReject}, {S::kNotAccepted, false, true, true}},
      {{S::kSubmitted, A::kRequestCorrection}, {S::kCorrectionRequested, false, true, true}},
      {{S::kSubmitted, A::kWithdraw}, {S::kWithdrawn, true, false, false}},
      {{S::kAccepted, A::kRequestCorrection}, {S::kCorrectionRequested, false, false, true}},
      {{S::kAccepted, A::kApprove}, {S::kApproved, false, false, true}},
      {{S::kAccepted, A::kRefuse}, {S::kRefused, false, false, true}},
      {{S::kAccepted, A::kWithdraw}, {S::kWithdrawn, true, false, false}},
      {{S::kCorrectionRequested, A::kResubmit}, {S::kUnderReview, true, false, false}},
      {{S::kCorrectionRequested, A::kReject}, {S::kNotAccepted, false, true, true}},
      {{S::kCorrectionRequested, A::kWithdraw}, {S::kWithdrawn, true, false, false}},
      {{S::kUnderReview, A::kRequestCorrection}, {S::kCorrectionRequested, false, false, true}},
      {{S::kUnderReview, A::kApprove}, {S::kApproved, false, false, true}},
      {{S::kUnderReview, A::kRefuse}, {S::kRefused, false, false, true}},
      {{S::kUnderReview, A::kWithdraw}, {S::kWithdrawn, true, false, false}},
      {{S::kApproved, A::kDeliver}, {S::kDelivered, false, true, true}},
      {{S::kDelivered, A::kComplete}, {S::kCompleted, true, true, true}},
      {{S::kWaiting, A::kSubmit}, {S::kSubmitted, false, false, false}},
      {{S::kWaiting, A::kClose}, {S::kClosed, false, false, false}},
      {{S::kWaiting, A::kWithdraw}, {S::kWithdrawn, true, false, false}},
      {{S::kOffered, A::kConfirm}, {S::kSubmitted, true, false, false}},
      {{S::kOffered, A::kDecline}, {S::kDeclined, true, false, false}},
      {{S::kOffered, A::kSubmit}, {S::kSubmitted, false, false, false}},
      {{S::kOffered, A::kClose}, {S::kClosed, false, false, false}},
  };
  return table;
}

TEST(ApplicationWorkflowTest, EveryStateActionRoleTriple) {
  int allowed = 0, conflicts = 0, denied = 0;
  for (S s : kStates) {
    for (A a : kActions) {
      for (R r : kRoles) {
        SCOPED_TRACE(std::string(StateName(s)) + " x " + ActionName(a) + " role " + std::to_string(static_cast<int>(r)));
        const auto d = CheckTransition(s, a, r);
        auto it = ExpectedTable().find({s, a});
        if (it == ExpectedTable().end()) {
          // Refused: a conflict when the role takes this action in some other state, else a denial.
          bool ever = false;
          for (const auto& [key, e] : ExpectedTable()) {
            ever = ever || (key.second == a && ((r == R::kApplicant && e.applicant) || (r == R::kClerk && e.clerk) ||
                                                 (r == R::kReviewer && e.reviewer)));
          }
          EXPECT_EQ(d.check, ever ? TransitionCheck::kStateConflict : TransitionCheck::kRoleDenied);
          ever ? ++conflicts : ++denied;
          continue;
        }
        const bool may = (r == R::kApplicant && it->second.applicant) || (r == R::kClerk && it->second.clerk) ||
                         (r == R::kReviewer && it->second.reviewer);
        EXPECT_EQ(d.check, may ? TransitionCheck::kAllowed : TransitionCheck::kRoleDenied);
        EXPECT_EQ(d.to, it->second.to);
        may ? ++allowed : ++denied;
      }
    }
  }
  EXPECT_EQ(TransitionTable().size(), ExpectedTable().size());
  EXPECT_EQ(allowed + conflicts + denied, 15 * 13 * 3);
}

TEST(ApplicationWorkflowTest, TerminalStatesAllowNothing) {
  for (S s : {S::kNotAccepted, S::kRefused, S::kCompleted, S::kWithdrawn}) {
    EXPECT_TRUE(IsTerminal(s)) << StateName(s);
    for (A a : kActions) {
      for (R r : kRoles) EXPECT_NE(CheckTransition(s, a, r).check, TransitionCheck::kAllowed);
    }
  }
  EXPECT_FALSE(IsTerminal(S::kDraft));
  EXPECT_FALSE(IsTerminal(S::kApproved));
}

TEST(ApplicationWorkflowTest, ActionsARoleNeverTakesAreDeniedNotConflicts) {
  EXPECT_EQ(CheckTransition(S::kSubmitted, A::kApprove, R::kApplicant).check, TransitionCheck::kRoleDenied);
  EXPECT_EQ(CheckTransition(S::kSubmitted, A::kApprove, R::kReviewer).check, TransitionCheck::kStateConflict);
  EXPECT_EQ(CheckTransition(S::kCompleted, A::kWithdraw, R::kReviewer).check, TransitionCheck::kRoleDenied);
  EXPECT_EQ(CheckTransition(S::kCompleted, A::kWithdraw, R::kApplicant).check, TransitionCheck::kStateConflict);
}

// Issue 11 item 1: only the platform starts or closes a bundle's waiting sub-case.
TEST(ApplicationWorkflowTest, OnlyThePlatformStartsOrClosesAWaitingSubCase) {
  for (R r : kRoles) {
    EXPECT_NE(CheckTransition(S::kWaiting, A::kSubmit, r).check, TransitionCheck::kAllowed);
    EXPECT_NE(CheckTransition(S::kWaiting, A::kClose, r).check, TransitionCheck::kAllowed);
  }
  EXPECT_EQ(CheckPlatformTransition(S::kWaiting, A::kSubmit).check, TransitionCheck::kAllowed);
  EXPECT_EQ(CheckPlatformTransition(S::kWaiting, A::kSubmit).to, S::kSubmitted);
  EXPECT_EQ(CheckPlatformTransition(S::kWaiting, A::kClose).to, S::kClosed);
  EXPECT_TRUE(CheckPlatformTransition(S::kWaiting, A::kClose).reason_required);
  EXPECT_EQ(CheckPlatformTransition(S::kDraft, A::kSubmit).check, TransitionCheck::kStateConflict);
  EXPECT_EQ(CheckPlatformTransition(S::kAccepted, A::kApprove).check, TransitionCheck::kStateConflict);
  EXPECT_TRUE(IsTerminal(S::kClosed));
}

// Issue 12 item 1: the person confirms or declines an offered case; only the platform submits an
// unanswered one or lets it lapse; officials take nothing on it.
TEST(ApplicationWorkflowTest, OnlyThePersonAnswersAnOffer) {
  EXPECT_EQ(CheckTransition(S::kOffered, A::kConfirm, R::kApplicant).to, S::kSubmitted);
  EXPECT_EQ(CheckTransition(S::kOffered, A::kDecline, R::kApplicant).to, S::kDeclined);
  EXPECT_EQ(CheckTransition(S::kOffered, A::kConfirm, R::kProxy).check, TransitionCheck::kAllowed);
  for (A a : kActions) {
    EXPECT_NE(CheckTransition(S::kOffered, a, R::kClerk).check, TransitionCheck::kAllowed);
    EXPECT_NE(CheckTransition(S::kOffered, a, R::kReviewer).check, TransitionCheck::kAllowed);
  }
  EXPECT_EQ(CheckPlatformTransition(S::kOffered, A::kSubmit).to, S::kSubmitted);
  EXPECT_EQ(CheckPlatformTransition(S::kOffered, A::kClose).to, S::kClosed);
  EXPECT_EQ(CheckPlatformTransition(S::kOffered, A::kConfirm).check, TransitionCheck::kStateConflict);
  EXPECT_TRUE(IsTerminal(S::kDeclined));
  EXPECT_FALSE(IsTerminal(S::kOffered));
}

TEST(ApplicationWorkflowTest, RefusalsNeedAReason) {
  EXPECT_TRUE(CheckTransition(S::kSubmitted, A::kReject, R::kClerk).reason_required);
  EXPECT_TRUE(CheckTransition(S::kSubmitted, A::kRequestCorrection, R::kReviewer).reason_required);
  EXPECT_TRUE(CheckTransition(S::kUnderReview, A::kRefuse, R::kReviewer).reason_required);
  EXPECT_FALSE(CheckTransition(S::kUnderReview, A::kApprove, R::kReviewer).reason_required);
}

TEST(ApplicationWorkflowTest, NamesRoundTrip) {
  for (S s : kStates) EXPECT_EQ(ParseState(StateName(s)), s);
  for (A a : kActions) EXPECT_EQ(ParseAction(ActionName(a)), a);
  EXPECT_EQ(ParseAction("request-correction"), A::kRequestCorrection);
  EXPECT_FALSE(ParseAction("approve "));
  EXPECT_FALSE(ParseState("Submitted"));
}

TEST(ApplicationWorkflowTest, ClockRunsOnlyWhileTheDepartmentHoldsIt) {
  EXPECT_TRUE(ClockRuns(S::kSubmitted));
  EXPECT_TRUE(ClockRuns(S::kAccepted));
  EXPECT_TRUE(ClockRuns(S::kUnderReview));
  EXPECT_FALSE(ClockRuns(S::kCorrectionRequested));
  EXPECT_FALSE(ClockRuns(S::kApproved));
  EXPECT_FALSE(ClockRuns(S::kDraft));
}

// Issue 12 item 4: a family proxy may take exactly what the applicant may, in every state.
TEST(ApplicationWorkflowTest, ProxyMayWhatTheApplicantMay) {
  for (const Transition& t : TransitionTable()) {
    EXPECT_EQ(CheckTransition(t.from, t.action, R::kProxy).check, CheckTransition(t.from, t.action, R::kApplicant).check)
        << StateName(t.from) << " " << ActionName(t.action);
  }
}

}  // namespace
}  // namespace tongban::domain
