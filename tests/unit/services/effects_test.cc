// Effects of a transition (services/effects.h) and the outbox worker (services/outbox.h) on the
// real store, on every database: a handler runs in the transition's transaction and sees it; a
// failing handler undoes the transition; an effect's outbox message commits with it and is
// delivered at least once, retried with back-off, dead after the last attempt.
#include <gtest/gtest.h>

#include "services/effects.h"
#include "services/outbox.h"
#include "services_fixture.h"

namespace tongban::services {
namespace {

using domain::Action;
using domain::ApplicationChanged;
using domain::ApplicationState;

class EffectsTest : public testing::ServicesTest {
 protected:
  void SetUp() override {
    testing::ServicesTest::SetUp();
    ctx_.effects = &effects_;
  }
  Result<ports::OutboxMessage> Message(const std::string& id) {
    std::optional<Result<ports::OutboxMessage>> out;
    EXPECT_TRUE(store_->Read([&](ports::Transaction& tx) -> Status {
                        out.emplace(tx.outbox().GetOutboxMessage(id));
                        return Ok();
                      }).ok());
    return std::move(*out);
  }
  // Claims everything due (for inspection), as a worker named "probe", and gives it back at once.
  std::vector<ports::OutboxMessage> Due() {
    std::vector<ports::OutboxMessage> due;
    EXPECT_TRUE(store_->Write([&](ports::Transaction& tx) -> Status {
                        TB_ASSIGN_OR_RETURN(due, tx.outbox().ClaimOutboxMessages(clock_.Now(), "probe", clock_.Now(), 1000));
                        return Ok();
                      }).ok());
    return due;
  }
  Effects effects_;
};

TEST_P(EffectsTest, HandlersSeeEveryWriteOfACaseInsideItsTransaction) {
  std::vector<std::string> seen;
  effects_.On<ApplicationChanged>("test.observe", [&](EffectScope& scope, const ApplicationChanged& e) -> Status {
    // The handler runs inside the transaction: it reads the application as just written.
    TB_ASSIGN_OR_RETURN(const domain::Application stored, scope.tx().applications().GetApplication(e.application.id));
    EXPECT_EQ(stored.version, e.application.version);
    EXPECT_EQ(stored.state, e.application.state);
    seen.push_back(e.action + ":" + domain::StateName(e.from) + ">" + domain::StateName(e.application.state) + ":" +
                   e.actor_role + (e.Transitioned() ? ":moved" : ""));
    return Ok();
  });
  const auto app = Submit("market.counter");
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kApprove).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"submit:draft>submitted:applicant:moved",
                                            "accept:submitted>accepted:reviewer:moved",
                                            "approve:accepted>approved:reviewer:moved"}));
  // A refused action publishes nothing.
  EXPECT_FALSE(Do(citizen_, app.id, Action::kWithdraw).ok());
  EXPECT_EQ(seen.size(), 3u);
}

TEST_P(EffectsTest, AFailingEffectUndoesTheTransitionAndItsOtherEffects) {
  const auto app = Submit("market.counter");
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
  effects_.On<ApplicationChanged>("test.enqueue", [](EffectScope& scope, const ApplicationChanged& e) -> Status {
    return scope.Enqueue("email", "approved:" + e.application.id, "{}");
  });
  effects_.On<ApplicationChanged>("test.refuse", [](EffectScope&, const ApplicationChanged& e) -> Status {
    if (e.application.state == ApplicationState::kApproved) {
      return MakeError(ErrorCode::kUnavailable, "the licence register is down");
    }
    return Ok();
  });
  const auto approved = Do(reviewer_, app.id, Action::kApprove);
  ASSERT_FALSE(approved.ok());
  EXPECT_EQ(approved.error().code, ErrorCode::kUnavailable);
  const auto after = GetApplication(ctx_, reviewer_, app.id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->state, ApplicationState::kAccepted);
  EXPECT_EQ(ListEvents(ctx_, reviewer_, app.id)->size(), 2u);  // submit, accept: no approve
  EXPECT_TRUE(Due().empty()) << "the first handler's outbox message was rolled back too";
}

TEST_P(EffectsTest, OutboxMessagesCommitWithTheTransitionAndAreDeliveredAtLeastOnce) {
  effects_.On<ApplicationChanged>("test.notify", [](EffectScope& scope, const ApplicationChanged& e) -> Status {
    if (!e.Transitioned()) return Ok();
    return scope.Enqueue("email", "state:" + e.application.id + ":" + std::to_string(e.application.version),
                         std::string(R"({"state":")") + domain::StateName(e.application.state) + "\"}");
  });
  const auto app = Submit("market.counter");
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());

  OutboxSenders senders;
  std::vector<std::string> delivered;
  int failures_left = 2;  // the mail server refuses twice, then accepts
  senders.Register("email", [&](const ports::OutboxMessage& m) -> Status {
    if (failures_left > 0) {
      --failures_left;
      return MakeError(ErrorCode::kUnavailable, "421 try again later");
    }
    delivered.push_back(m.payload);
    return Ok();
  });
  OutboxPolicy policy;
  policy.first_retry = std::chrono::seconds(30);
  auto run = DeliverOutbox(ctx_, senders, "w1", policy);
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(run->sent, 0);
  EXPECT_EQ(run->retried, 2);
  EXPECT_TRUE(delivered.empty());
  // Not due again before the back-off.
  EXPECT_EQ(DeliverOutbox(ctx_, senders, "w1", policy)->sent, 0);
  clock_.Set({2026, 9, 28}, 11);  // an hour later
  run = DeliverOutbox(ctx_, senders, "w1", policy);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->sent, 2);
  EXPECT_EQ(delivered, (std::vector<std::string>{R"({"state":"submitted"})", R"({"state":"accepted"})"}));
  EXPECT_EQ(DeliverOutbox(ctx_, senders, "w1", policy)->sent, 0);  // nothing is sent twice
  // Sent messages are kept 30 days, then housekeeping deletes them.
  EXPECT_EQ(*PruneSentOutbox(ctx_), 0);
  clock_.Set({2026, 10, 29}, 12);
  EXPECT_EQ(*PruneSentOutbox(ctx_), 2);
}

TEST_P(EffectsTest, AWorkerThatDiesMidSendLeavesTheMessageToAnother) {
  effects_.On<ApplicationChanged>("test.notify", [](EffectScope& scope, const ApplicationChanged& e) -> Status {
    return scope.Enqueue("sms", "sms:" + e.application.id, "{}");
  });
  const auto app = Submit("market.counter");
  // Worker 1 claims the message and dies before recording anything.
  std::vector<ports::OutboxMessage> claimed;
  ASSERT_TRUE(store_->Write([&](ports::Transaction& tx) -> Status {
                      TB_ASSIGN_OR_RETURN(claimed, tx.outbox().ClaimOutboxMessages(clock_.Now(), "dead-worker",
                                                                                   clock_.Now() + std::chrono::seconds(120), 10));
                      return Ok();
                    }).ok());
  ASSERT_EQ(claimed.size(), 1u);
  OutboxSenders senders;
  int sent = 0;
  senders.Register("sms", [&](const ports::OutboxMessage& m) -> Status {
    EXPECT_EQ(m.id, claimed.front().id);  // the same id: the gateway can drop a duplicate
    ++sent;
    return Ok();
  });
  EXPECT_EQ(DeliverOutbox(ctx_, senders, "w2")->sent, 0);  // still leased
  clock_.Set({2026, 9, 28}, 11);
  EXPECT_EQ(DeliverOutbox(ctx_, senders, "w2")->sent, 1);
  EXPECT_EQ(sent, 1);
  EXPECT_EQ(Message(claimed.front().id)->state, ports::OutboxState::kSent);
}

TEST_P(EffectsTest, AMessageIsDeadAfterTheLastAttemptOrAPermanentRefusal) {
  effects_.On<ApplicationChanged>("test.notify", [](EffectScope& scope, const ApplicationChanged& e) -> Status {
    return scope.Enqueue(e.application.item == "market.counter" ? "email" : "sms", "x:" + e.application.id, "{}");
  });
  Submit("market.counter");
  Submit("market.online");
  OutboxSenders senders;
  senders.Register("email", [](const ports::OutboxMessage&) -> Status {
    return MakeError(ErrorCode::kUnavailable, "connection refused");
  });
  senders.Register("sms", [](const ports::OutboxMessage&) -> Status {
    return MakeError(ErrorCode::kInvalidArgument, "not a mobile number");
  });
  OutboxPolicy policy;
  policy.max_attempts = 3;
  int dead = 0;
  for (int hour = 10; hour < 20; ++hour) {
    clock_.Set({2026, 9, 29}, hour);
    const auto run = DeliverOutbox(ctx_, senders, "w", policy);
    ASSERT_TRUE(run.ok());
    dead += run->dead;
  }
  EXPECT_EQ(dead, 2);
  EXPECT_TRUE(Due().empty());
}

// A kind registered until_delivered (federation messages: a peer that is down delays a case, it
// must not lose one) is tried again however many attempts failed, at the back-off's cap; a
// refusal still ends it.
TEST_P(EffectsTest, AnUntilDeliveredKindIsNeverGivenUpWhileItsReceiverIsDown) {
  effects_.On<ApplicationChanged>("test.forward", [](EffectScope& scope, const ApplicationChanged& e) -> Status {
    return scope.Enqueue("federation", "f:" + e.application.id, "{}");
  });
  Submit("market.counter");
  OutboxSenders senders;
  bool peer_up = false;
  int sent = 0;
  senders.Register(
      "federation",
      [&](const ports::OutboxMessage&) -> Status {
        if (!peer_up) return MakeError(ErrorCode::kUnavailable, "connection refused");
        ++sent;
        return Ok();
      },
      /*until_delivered=*/true);
  OutboxPolicy policy;
  policy.max_attempts = 3;
  int dead = 0;
  for (int hour = 10; hour < 20; ++hour) {
    clock_.Set({2026, 9, 29}, hour);
    const auto run = DeliverOutbox(ctx_, senders, "w", policy);
    ASSERT_TRUE(run.ok());
    dead += run->dead;
  }
  EXPECT_EQ(dead, 0);
  peer_up = true;
  clock_.Set({2026, 9, 30}, 10);
  EXPECT_EQ(DeliverOutbox(ctx_, senders, "w", policy)->sent, 1);
  EXPECT_EQ(sent, 1);
}

TEST(OutboxRetryDelayTest, DoublesFromTheFirstRetryUpToTheCap) {
  OutboxPolicy policy;
  policy.first_retry = std::chrono::seconds(30);
  policy.max_retry = std::chrono::seconds(200);
  EXPECT_EQ(OutboxRetryDelay(policy, 1).count(), 30);
  EXPECT_EQ(OutboxRetryDelay(policy, 2).count(), 60);
  EXPECT_EQ(OutboxRetryDelay(policy, 3).count(), 120);
  EXPECT_EQ(OutboxRetryDelay(policy, 4).count(), 200);
  EXPECT_EQ(OutboxRetryDelay(policy, 60).count(), 200);
}

INSTANTIATE_TEST_SUITE_P(Databases, EffectsTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<storage::testing::StoreTarget>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace tongban::services
