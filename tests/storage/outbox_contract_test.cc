// The outbox: the storage contract on every database.
#include <mutex>
#include <set>
#include <thread>

#include "store_contract.h"

namespace tongban::storage {
namespace {

using ports::OutboxMessage;
using ports::OutboxState;

OutboxMessage Message(const std::string& id, int64_t due, const std::string& dedupe_key = "") {
  OutboxMessage m;
  m.id = id;
  m.kind = "email";
  m.dedupe_key = dedupe_key;
  m.payload = R"({"to":"a@example.org"})";
  m.created_at = At(1000);
  m.next_attempt_at = At(due);
  return m;
}

class OutboxContractTest : public StoreContractTest {
 protected:
  Result<std::vector<OutboxMessage>> Claim(int64_t now, const std::string& worker, int64_t lease_until, int limit = 10) {
    std::vector<OutboxMessage> out;
    TB_RETURN_IF_ERROR(Write([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(out, tx.outbox().ClaimOutboxMessages(At(now), worker, At(lease_until), limit));
      return Ok();
    }));
    return out;
  }
  Status Enqueue(const OutboxMessage& m) {
    return Write([&](ports::Transaction& tx) { return tx.outbox().EnqueueMessage(m); });
  }
  Status Finish(const std::string& id, const std::string& worker, OutboxState state, int64_t next, int64_t at) {
    return Write([&](ports::Transaction& tx) {
      return tx.outbox().FinishOutboxAttempt(id, worker, state, At(next), state == OutboxState::kSent ? "" : "refused", At(at));
    });
  }
  Result<OutboxMessage> Get(const std::string& id) {
    return ReadValue<OutboxMessage>([&](ports::Transaction& tx) { return tx.outbox().GetOutboxMessage(id); });
  }
};

std::vector<std::string> Ids(const std::vector<OutboxMessage>& messages) {
  std::vector<std::string> ids;
  for (const auto& m : messages) ids.push_back(m.id);
  return ids;
}

TEST_P(OutboxContractTest, AMessageWithTheSameDedupeKeyIsStoredOnce) {
  ASSERT_OK(Enqueue(Message("m1", 1000, "licence-issued:L1")));
  ASSERT_OK(Enqueue(Message("m2", 1000, "licence-issued:L1")));
  ASSERT_OK(Enqueue(Message("m3", 1000)));
  ASSERT_OK(Enqueue(Message("m4", 1000)));  // no key: never a duplicate
  EXPECT_CODE(Get("m2"), ErrorCode::kNotFound);
  const auto m1 = Get("m1");
  ASSERT_OK(m1);
  EXPECT_EQ(m1->state, OutboxState::kPending);
  EXPECT_EQ(m1->attempts, 0);
  EXPECT_EQ(m1->payload, R"({"to":"a@example.org"})");
  EXPECT_EQ(Ids(*Claim(1000, "w", 1060)), (std::vector<std::string>{"m1", "m3", "m4"}));
}

TEST_P(OutboxContractTest, ClaimTakesDueMessagesOldestFirstUnderALease) {
  ASSERT_OK(Enqueue(Message("late", 2000)));
  ASSERT_OK(Enqueue(Message("b", 1001)));
  ASSERT_OK(Enqueue(Message("a", 1000)));
  ASSERT_OK(Enqueue(Message("c", 1002)));
  EXPECT_EQ(Ids(*Claim(1500, "w1", 1560, 2)), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Ids(*Claim(1500, "w2", 1560)), (std::vector<std::string>{"c"}));  // a and b are leased
  EXPECT_TRUE(Claim(1559, "w2", 1600)->empty());
  // w1 died: its lease runs out and another worker takes its messages.
  EXPECT_EQ(Ids(*Claim(1560, "w2", 1620)), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Ids(*Claim(2000, "w3", 2060, 1)), (std::vector<std::string>{"a"}));  // oldest first, again
  EXPECT_EQ(Ids(*Claim(2000, "w3", 2060)), (std::vector<std::string>{"b", "c", "late"}));
}

TEST_P(OutboxContractTest, FinishingRecordsTheOutcomeOnlyForTheClaimHolder) {
  ASSERT_OK(Enqueue(Message("s", 1000)));
  ASSERT_OK(Enqueue(Message("r", 1000)));
  ASSERT_OK(Enqueue(Message("d", 1000)));
  ASSERT_EQ(Claim(1000, "w1", 1060)->size(), 3u);
  EXPECT_CODE(Finish("s", "w2", OutboxState::kSent, 1000, 1001), ErrorCode::kConflict);
  ASSERT_OK(Finish("s", "w1", OutboxState::kSent, 1000, 1001));
  ASSERT_OK(Finish("r", "w1", OutboxState::kPending, 1100, 1001));
  ASSERT_OK(Finish("d", "w1", OutboxState::kDead, 1000, 1001));
  EXPECT_CODE(Finish("s", "w1", OutboxState::kSent, 1000, 1002), ErrorCode::kConflict);  // claim ended

  const auto s = Get("s");
  ASSERT_OK(s);
  EXPECT_EQ(s->state, OutboxState::kSent);
  EXPECT_EQ(s->attempts, 1);
  ASSERT_TRUE(s->sent_at.has_value());
  EXPECT_EQ(*s->sent_at, At(1001));
  const auto r = Get("r");
  EXPECT_EQ(r->state, OutboxState::kPending);
  EXPECT_EQ(r->attempts, 1);
  EXPECT_EQ(r->last_error, "refused");
  EXPECT_FALSE(r->sent_at.has_value());
  EXPECT_EQ(Get("d")->state, OutboxState::kDead);

  // Only the retry is due again, and only at its next attempt; sent and dead never are.
  EXPECT_TRUE(Claim(1099, "w1", 1200)->empty());
  EXPECT_EQ(Ids(*Claim(1100, "w1", 1200)), (std::vector<std::string>{"r"}));
}

TEST_P(OutboxContractTest, ConcurrentClaimersNeverShareAMessage) {
  constexpr int kMessages = 120;
  for (int i = 0; i < kMessages; ++i) ASSERT_OK(Enqueue(Message(AppId(i), 1000 + i)));
  std::mutex mutex;
  std::multiset<std::string> claimed;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      for (int round = 0; round < 20; ++round) {
        const auto got = Claim(5000, "w" + std::to_string(w), 9000, 7);
        if (!got.ok()) continue;  // a busy database: the next round tries again
        std::lock_guard lock(mutex);
        for (const auto& m : *got) claimed.insert(m.id);
      }
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(claimed.size(), static_cast<size_t>(kMessages));
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()).size(), claimed.size()) << "a message was claimed twice";
}

TEST_P(OutboxContractTest, HousekeepingDeletesOnlySentMessagesOlderThanTheCutOff) {
  for (const char* id : {"s1", "s2", "s3", "p"}) ASSERT_OK(Enqueue(Message(id, 1000)));
  ASSERT_EQ(Claim(1000, "w", 1060)->size(), 4u);
  ASSERT_OK(Finish("s1", "w", OutboxState::kSent, 1000, 1001));
  ASSERT_OK(Finish("s2", "w", OutboxState::kSent, 1000, 1002));
  ASSERT_OK(Finish("s3", "w", OutboxState::kSent, 1000, 3000));
  const auto deleted = [&](int64_t before, int limit) {
    int64_t n = -1;
    EXPECT_OK(Write([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(n, tx.outbox().DeleteSentOutboxMessagesBefore(At(before), limit));
      return Ok();
    }));
    return n;
  };
  EXPECT_EQ(deleted(2000, 1), 1);
  EXPECT_EQ(deleted(2000, 10), 1);
  EXPECT_EQ(deleted(2000, 10), 0);
  EXPECT_OK(Get("s3"));
  EXPECT_OK(Get("p"));
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Databases, OutboxContractTest, ::testing::ValuesIn(testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<testing::StoreTarget>& info) { return info.param.name; });

}  // namespace tongban::storage
