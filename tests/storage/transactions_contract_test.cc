// Transactions: atomicity, isolation, concurrency and group commit: the storage contract on every database.
#include "store_contract.h"

namespace tongban::storage {
namespace {

// ---- transactions ----

TEST_P(StoreContractTest, WriteWhoseWorkFailsWritesNothing) {
  const Status status = Write([](ports::Transaction& tx) -> Status {
    TB_RETURN_IF_ERROR(tx.accounts().InsertPerson({"p1", "a", "1"}));
    TB_RETURN_IF_ERROR(tx.accounts().InsertPerson({"p2", "b", "2"}));
    return MakeError(ErrorCode::kPermissionDenied, "changed my mind");
  });
  EXPECT_CODE(status, ErrorCode::kPermissionDenied);
  EXPECT_EQ(status.error().message, "changed my mind");
  EXPECT_CODE(GetPerson("p1"), ErrorCode::kNotFound);
  EXPECT_CODE(GetPerson("p2"), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, WriteWhoseWorkThrowsWritesNothing) {
  const Status status = Write([](ports::Transaction& tx) -> Status {
    TB_RETURN_IF_ERROR(tx.accounts().InsertPerson({"p1", "a", "1"}));
    throw std::runtime_error("boom");
  });
  EXPECT_CODE(status, ErrorCode::kInternal);
  EXPECT_CODE(GetPerson("p1"), ErrorCode::kNotFound);
  EXPECT_OK(InsertPerson("p1"));  // the writer is still alive
}

TEST_P(StoreContractTest, ReadTransactionRefusesWrites) {
  ASSERT_OK(InsertPerson("p0"));
  const domain::Application app = SampleApplication(AppId(1));
  const std::vector<std::pair<const char*, std::function<Status(ports::Transaction&)>>> writes = {
      {"InsertUser", [](ports::Transaction& tx) { return tx.accounts().InsertUser(SampleUser("u1", "x")); }},
      {"InsertPerson", [](ports::Transaction& tx) { return tx.accounts().InsertPerson({"p1", "a", "1"}); }},
      {"InsertEnterprise", [](ports::Transaction& tx) { return tx.accounts().InsertEnterprise({"E1", "e", ""}); }},
      {"PutAgentGrant", [](ports::Transaction& tx) { return tx.accounts().PutAgentGrant({"E1", "u1", true, false, {}}); }},
      {"InsertSession", [](ports::Transaction& tx) { return tx.sessions().InsertSession({"h", "u1", "c", At(1), At(2)}); }},
      {"DeleteSession", [](ports::Transaction& tx) { return tx.sessions().DeleteSession("h"); }},
      {"RecordThrottleHit", [](ports::Transaction& tx) { return tx.sessions().RecordThrottleHit("k", At(1)); }},
      {"ClearThrottleHits", [](ports::Transaction& tx) { return tx.sessions().ClearThrottleHits("k"); }},
      {"InsertApplication", [&](ports::Transaction& tx) { return tx.applications().InsertApplication(app); }},
      {"UpdateApplication", [&](ports::Transaction& tx) { return tx.applications().UpdateApplication(app); }},
      {"InsertEvent", [](ports::Transaction& tx) { return tx.applications().InsertEvent(domain::Event{}); }},
      {"PutBlob", [](ports::Transaction& tx) { return tx.uploads().PutBlob({"s", "t", "d"}); }},
  };
  for (const auto& [name, write] : writes) {
    Status inner;
    const Status outer = store_->Read([&](ports::Transaction& tx) {
      inner = write(tx);
      return Ok();
    });
    EXPECT_OK(outer);
    EXPECT_CODE(inner, ErrorCode::kInternal);
  }
  EXPECT_CODE(GetPerson("p1"), ErrorCode::kNotFound);
  EXPECT_OK(GetPerson("p0"));
}

TEST_P(StoreContractTest, WriteInsideWriteIsRefusedNotDeadlocked) {
  Status inner;
  EXPECT_OK(Write([&](ports::Transaction&) {
    inner = store_->Write([](ports::Transaction&) { return Ok(); });
    return Ok();
  }));
  EXPECT_CODE(inner, ErrorCode::kInternal);
}

TEST_P(StoreContractTest, ReadSeesOneSnapshot) {
  ASSERT_OK(InsertPerson("p1"));
  std::string before, after;
  ASSERT_OK(store_->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const domain::Person first, tx.accounts().GetPerson("p1"));
    before = first.name;
    // A write commits while this read is open; the read keeps its snapshot.
    std::thread writer([&] {
      EXPECT_OK(Write([](ports::Transaction& w) { return w.accounts().InsertPerson({"p2", "late", "1"}); }));
    });
    writer.join();
    EXPECT_CODE(tx.accounts().GetPerson("p2"), ErrorCode::kNotFound);
    return Ok();
  }));
  EXPECT_OK(GetPerson("p2"));
}

// Many callers at once: every acknowledged write lands, a failing job in a batch fails alone,
// and commits are shared (group commit).
TEST_P(StoreContractTest, ConcurrentWritersAllLandAndFailuresStayTheirOwn) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  std::atomic<int> ok{0};
  std::atomic<int> unexpected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = "p-" + std::to_string(t) + "-" + std::to_string(i);
        if (i % 10 == 7) {
          // Inserts, then fails: must leave no trace and not disturb its batch.
          const Status status = store_->Write([&](ports::Transaction& tx) -> Status {
            TB_RETURN_IF_ERROR(tx.accounts().InsertPerson({id, "doomed", "0"}));
            return MakeError(ErrorCode::kConflict, "doomed");
          });
          if (status.ok() || status.error().message != "doomed") ++unexpected;
        } else if (i % 10 == 8) {
          // A duplicate key inside the batch: its own kConflict, after a successful first insert.
          const Status status = store_->Write([&](ports::Transaction& tx) -> Status {
            TB_RETURN_IF_ERROR(tx.accounts().InsertPerson({id + "-dup", "x", "0"}));
            return tx.accounts().InsertPerson({id + "-dup", "x", "0"});
          });
          if (status.ok() || status.error().code != ErrorCode::kConflict) ++unexpected;
        } else {
          const Status status =
              store_->Write([&](ports::Transaction& tx) { return tx.accounts().InsertPerson({id, "ok", "1"}); });
          status.ok() ? ++ok : ++unexpected;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_EQ(ok.load(), kThreads * kPerThread * 8 / 10);

  ASSERT_OK(store_->Read([&](ports::Transaction& tx) -> Status {
    for (int t = 0; t < kThreads; ++t) {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = "p-" + std::to_string(t) + "-" + std::to_string(i);
        const bool should_exist = i % 10 != 7 && i % 10 != 8;
        EXPECT_EQ(tx.accounts().GetPerson(id).ok(), should_exist) << id;
        if (i % 10 == 8) {
          EXPECT_FALSE(tx.accounts().GetPerson(id + "-dup").ok()) << id;
        }
      }
    }
    return Ok();
  }));

  const auto* sql_store = dynamic_cast<SqlStore*>(store_.get());
  ASSERT_NE(sql_store, nullptr);
  const SqlStore::WriteStats stats = sql_store->write_stats();
  EXPECT_EQ(stats.jobs, static_cast<uint64_t>(kThreads * kPerThread));
  if (GetParam().group_commit) {
    EXPECT_LT(stats.batches, stats.jobs) << "no two writes shared a commit";
  }
}

// Work may carry on after an expected error (a duplicate, an unknown reference): on PostgreSQL a
// failed statement would abort the whole transaction unless the driver contains it.
TEST_P(StoreContractTest, WorkCarriesOnAfterAnExpectedError) {
  ASSERT_OK(InsertPerson("p0"));
  ASSERT_OK(Write([](ports::Transaction& tx) -> Status {
    TB_RETURN_IF_ERROR(tx.accounts().InsertPerson({"p1", "a", "1"}));
    EXPECT_CODE(tx.accounts().InsertPerson({"p0", "again", "1"}), ErrorCode::kConflict);
    EXPECT_CODE(tx.sessions().InsertSession({"h", "ghost", "c", At(1), At(2)}), ErrorCode::kNotFound);
    EXPECT_CODE(tx.accounts().InsertPerson({"p1", "again", "1"}), ErrorCode::kConflict);
    TB_RETURN_IF_ERROR(tx.accounts().InsertPerson({"p2", "b", "2"}));
    EXPECT_OK(tx.accounts().GetPerson("p1"));
    return Ok();
  }));
  EXPECT_OK(GetPerson("p1"));
  EXPECT_OK(GetPerson("p2"));
  EXPECT_EQ(GetPerson("p0")->name, "name p0");
}

// Reviewers acting on one application at once: each reads it, checks the state allows the
// action, bumps the version and records the event. Exactly one transition happens; every other
// actor gets kConflict (from the state check or from the version in UpdateApplication).
TEST_P(StoreContractTest, ConcurrentActorsOnOneApplicationMakeExactlyOneTransition) {
  constexpr int kApplications = 4;
  constexpr int kActors = 8;
  for (int a = 0; a < kApplications; ++a) {
    ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.applications().InsertApplication(SampleApplication(AppId(a))); }));
  }
  for (int a = 0; a < kApplications; ++a) {
    SCOPED_TRACE(a);
    std::atomic<int> ready{0};
    std::atomic<int> ok{0};
    std::atomic<int> conflict{0};
    std::atomic<int> other{0};
    std::vector<std::thread> actors;
    for (int i = 0; i < kActors; ++i) {
      actors.emplace_back([&, i] {
        ++ready;
        while (ready < kActors) std::this_thread::yield();
        const Status status = store_->Write([&](ports::Transaction& tx) -> Status {
          TB_ASSIGN_OR_RETURN(domain::Application app, tx.applications().GetApplication(AppId(a)));
          if (app.state != domain::ApplicationState::kSubmitted) {
            return MakeError(ErrorCode::kConflict, "already decided");
          }
          // Hold the snapshot a moment so that the others read the same version.
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
          app.state = i % 2 == 0 ? domain::ApplicationState::kAccepted : domain::ApplicationState::kNotAccepted;
          app.version += 1;
          TB_RETURN_IF_ERROR(tx.applications().UpdateApplication(app));
          domain::Event event;
          event.id = "ev-" + std::to_string(a) + "-" + std::to_string(i);
          event.application_id = app.id;
          event.seq = app.version;
          event.action = "decide";
          event.from = domain::ApplicationState::kSubmitted;
          event.to = app.state;
          event.actor_user_id = "reviewer-" + std::to_string(i);
          event.actor_role = "reviewer";
          return tx.applications().InsertEvent(event);
        });
        if (status.ok()) {
          ++ok;
        } else if (status.error().code == ErrorCode::kConflict) {
          ++conflict;
        } else {
          ++other;
          ADD_FAILURE() << status.error().message;
        }
      });
    }
    for (std::thread& actor : actors) actor.join();
    EXPECT_EQ(ok.load(), 1);
    EXPECT_EQ(conflict.load(), kActors - 1);
    EXPECT_EQ(other.load(), 0);
    const Result<domain::Application> got = GetApplication(AppId(a));
    ASSERT_OK(got);
    EXPECT_EQ(got->version, 2);
    EXPECT_NE(got->state, domain::ApplicationState::kSubmitted);
    const auto events = ReadValue<std::vector<domain::Event>>(
        [&](ports::Transaction& tx) { return tx.applications().ListEvents(AppId(a)); });
    ASSERT_OK(events);
    EXPECT_EQ(events->size(), 1u);
  }
}

// Two writers that read the same version and both update it, truly at once: one wins, the other
// gets kConflict from the version check alone.
TEST_P(StoreContractTest, TwoConcurrentUpdatesOfOneVersionGiveOneOkAndOneConflict) {
  for (int round = 0; round < 10; ++round) {
    const domain::Application app = SampleApplication(AppId(100 + round));
    ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.applications().InsertApplication(app); }));
    std::atomic<int> ready{0};
    Status results[2];
    std::thread writers[2];
    for (int i = 0; i < 2; ++i) {
      writers[i] = std::thread([&, i] {
        domain::Application next = app;
        next.state = i == 0 ? domain::ApplicationState::kAccepted : domain::ApplicationState::kNotAccepted;
        next.version = app.version + 1;
        ++ready;
        while (ready < 2) std::this_thread::yield();
        results[i] = store_->Write([&](ports::Transaction& tx) { return tx.applications().UpdateApplication(next); });
      });
    }
    for (std::thread& writer : writers) writer.join();
    EXPECT_NE(results[0].ok(), results[1].ok()) << "round " << round;
    for (const Status& result : results) {
      if (!result.ok()) {
        EXPECT_EQ(result.error().code, ErrorCode::kConflict) << result.error().message;
      }
    }
    const Result<domain::Application> got = GetApplication(app.id);
    ASSERT_OK(got);
    EXPECT_EQ(got->version, 2);
    EXPECT_EQ(got->state, results[0].ok() ? domain::ApplicationState::kAccepted
                                          : domain::ApplicationState::kNotAccepted);
  }
}

// Two writers take row locks in opposite orders. On PostgreSQL one of them is chosen as the
// deadlock victim and its work runs again; both Writes succeed. (On SQLite they simply queue.)
TEST_P(StoreContractTest, DeadlockedWritersAreRunAgain) {
  for (int a = 0; a < 2; ++a) {
    ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.applications().InsertApplication(SampleApplication(AppId(a))); }));
  }
  std::atomic<int> first_updates{0};
  std::atomic<int> runs{0};
  const auto bump = [](ports::Transaction& tx, const std::string& id) -> Status {
    TB_ASSIGN_OR_RETURN(domain::Application app, tx.applications().GetApplication(id));
    app.version += 1;
    return tx.applications().UpdateApplication(app);
  };
  const auto writer = [&](int first, int second) {
    return store_->Write([&, first, second](ports::Transaction& tx) -> Status {
      ++runs;
      TB_RETURN_IF_ERROR(bump(tx, AppId(first)));
      ++first_updates;
      // Wait (bounded: on SQLite the other writer is queued behind this one) for the other
      // writer to hold its first row.
      for (int i = 0; i < 200 && first_updates < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return bump(tx, AppId(second));
    });
  };
  Status one, two;
  std::thread t1([&] { one = writer(0, 1); });
  std::thread t2([&] { two = writer(1, 0); });
  t1.join();
  t2.join();
  EXPECT_OK(one);
  EXPECT_OK(two);
  EXPECT_EQ(GetApplication(AppId(0))->version, 3);
  EXPECT_EQ(GetApplication(AppId(1))->version, 3);
  if (!GetParam().group_commit) {
    EXPECT_GT(runs.load(), 2) << "expected a deadlock victim to be run again";
  }
}

// Two writers that read and update one application at once both succeed, one after the other:
// the second reads the row the first committed, not the one before it (on PostgreSQL a write
// transaction reads it FOR UPDATE and waits), so neither gets a spurious "changed".
TEST_P(StoreContractTest, ConcurrentReadModifyWritesOfOneApplicationSerialise) {
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.applications().InsertApplication(SampleApplication(AppId(0))); }));
  std::atomic<bool> first_updated{false};
  std::atomic<bool> second_started{false};
  const auto bump = [&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(domain::Application app, tx.applications().GetApplication(AppId(0)));
    app.version += 1;
    return tx.applications().UpdateApplication(app);
  };
  Status first, second;
  std::thread t1([&] {
    first = store_->Write([&](ports::Transaction& tx) -> Status {
      TB_RETURN_IF_ERROR(bump(tx));
      first_updated = true;
      // Hold the updated row until the other writer has begun (bounded: on SQLite it is queued
      // behind this one) and had time to issue its read.
      for (int i = 0; i < 200 && !second_started; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      return Ok();
    });
  });
  for (int i = 0; i < 2000 && !first_updated; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::thread t2([&] {
    second = store_->Write([&](ports::Transaction& tx) -> Status {
      second_started = true;
      return bump(tx);
    });
  });
  t1.join();
  t2.join();
  EXPECT_OK(first);
  EXPECT_OK(second);
  EXPECT_EQ(GetApplication(AppId(0))->version, 3);
}

// Deterministic group commit: while the writer is held up by one job, three callers queue; they
// then share one commit, and the one that fails is rolled back alone.
TEST_P(GroupCommitTest, GroupCommitIsolatesAFailingJobInItsBatch) {
  auto* sql_store = dynamic_cast<SqlStore*>(store_.get());
  ASSERT_NE(sql_store, nullptr);
  const SqlStore::WriteStats before = sql_store->write_stats();

  std::atomic<bool> release{false};
  std::atomic<bool> blocking{false};
  std::thread blocker([&] {
    EXPECT_OK(store_->Write([&](ports::Transaction& tx) {
      blocking = true;
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return tx.accounts().InsertPerson({"blocker", "b", "0"});
    }));
  });
  while (!blocking) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  Status first, failing, last;
  std::thread t1([&] { first = InsertPerson("first"); });
  std::thread t2([&] {
    failing = store_->Write([](ports::Transaction& tx) -> Status {
      TB_RETURN_IF_ERROR(tx.accounts().InsertPerson({"failing", "f", "0"}));
      return MakeError(ErrorCode::kInvalidArgument, "nope");
    });
  });
  std::thread t3([&] { last = InsertPerson("last"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // all three are queued by now
  release = true;
  for (std::thread* t : {&blocker, &t1, &t2, &t3}) t->join();

  EXPECT_OK(first);
  EXPECT_CODE(failing, ErrorCode::kInvalidArgument);
  EXPECT_OK(last);
  EXPECT_OK(GetPerson("blocker"));
  EXPECT_OK(GetPerson("first"));
  EXPECT_OK(GetPerson("last"));
  EXPECT_CODE(GetPerson("failing"), ErrorCode::kNotFound);
  const SqlStore::WriteStats after = sql_store->write_stats();
  EXPECT_EQ(after.jobs - before.jobs, 4u);
  EXPECT_EQ(after.batches - before.batches, 2u) << "the three queued writes should share one commit";
}

}  // namespace
}  // namespace tongban::storage
