// Durability, migrations and lost connections: the storage contract on every database.
#include "store_contract.h"

namespace tongban::storage {
namespace {

// ---- durability and migrations ----

TEST_P(StoreContractTest, AcknowledgedWritesSurviveReopening) {
  ASSERT_OK(InsertPerson("p1"));
  ASSERT_OK(Write([](ports::Transaction& tx) { return tx.applications().InsertApplication(SampleApplication(AppId(1))); }));
  store_.reset();
  store_ = Open();
  ASSERT_NE(store_, nullptr);
  EXPECT_OK(GetPerson("p1"));
  EXPECT_OK(GetApplication(AppId(1)));
}

std::string KilledWriterId(int n) {
  std::string id = "k";
  id += std::to_string(n);  // not "k" + ...: GCC 12 warns falsely (-Wrestrict) on that
  return id;
}

// A child process writes and reports each acknowledged write, then is killed with SIGKILL in the
// middle of writing: everything it was told is durable is there afterwards.
TEST_P(StoreContractTest, AcknowledgedWritesSurviveKill9) {
  store_.reset();
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    Result<std::unique_ptr<ports::Store>> store = OpenStore(url_);
    if (!store.ok()) ::_exit(2);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0;; ++i) {
          const int n = t * 1000000 + i;
          const std::string id = KilledWriterId(n);
          if (!(*store)->Write([&](ports::Transaction& tx) { return tx.accounts().InsertPerson({id, "k", "1"}); }).ok()) {
            ::_exit(3);
          }
          // The write is acknowledged: tell the parent (atomic write of one int to a pipe).
          if (::write(fds[1], &n, sizeof n) != sizeof n) ::_exit(4);
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    ::_exit(0);
  }
  ::close(fds[1]);
  std::vector<int> acknowledged;
  int n = 0;
  while (acknowledged.size() < 300 && ::read(fds[0], &n, sizeof n) == sizeof n) acknowledged.push_back(n);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  while (::read(fds[0], &n, sizeof n) == sizeof n) acknowledged.push_back(n);  // sent before the kill
  ::close(fds[0]);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with " << WEXITSTATUS(status);
  ASSERT_GE(acknowledged.size(), 300u);

  store_ = Open();
  ASSERT_NE(store_, nullptr);
  ASSERT_OK(store_->Read([&](ports::Transaction& tx) -> Status {
    for (const int k : acknowledged) EXPECT_TRUE(tx.accounts().GetPerson(KilledWriterId(k)).ok()) << k;
    return Ok();
  }));
}


TEST_P(StoreContractTest, MigrationsAreIdempotent) {
  ASSERT_OK(InsertPerson("p1"));
  store_.reset();
  ASSERT_OK(Migrate(url_));
  store_ = Open();
  ASSERT_NE(store_, nullptr);
  store_.reset();
  store_ = Open();
  ASSERT_NE(store_, nullptr);
  EXPECT_OK(GetPerson("p1"));

  ExpectEveryMigrationAppliedOnce(url_);
}

TEST_P(StoreContractTest, FailingMigrationLeavesTheDatabaseAsItWas) {
  store_.reset();
  Result<std::unique_ptr<Driver>> driver = MakeDriver(url_, DriverOptions{});
  ASSERT_OK(driver);
  Result<std::unique_ptr<Connection>> connection = (*driver)->OpenWriter();
  ASSERT_OK(connection);
  Result<std::vector<Migration>> migrations = BuiltinMigrations();
  ASSERT_OK(migrations);
  const int next = migrations->back().version + 1;
  migrations->push_back(Migration{next, "half_done",
                                  "CREATE TABLE half_done (x INTEGER);"
                                  "INSERT INTO half_done (x) VALUES (1);"
                                  "INSERT INTO no_such_table (x) VALUES (1);"});
  EXPECT_FALSE(ApplyMigrations(**connection, **driver, *migrations).ok());

  const Result<std::vector<int>> applied = AppliedVersions(**connection);
  ASSERT_OK(applied);
  EXPECT_EQ(applied->back(), next - 1);
  EXPECT_FALSE((*connection)->Exec("SELECT x FROM half_done").ok()) << "the table should not exist";
  EXPECT_FALSE((*connection)->InTransaction());

  // A fixed migration applies on the next attempt.
  migrations->back().sql = "CREATE TABLE half_done (x INTEGER); INSERT INTO half_done (x) VALUES (1);";
  ASSERT_OK(ApplyMigrations(**connection, **driver, *migrations));
  EXPECT_EQ(AppliedVersions(**connection)->back(), next);
  EXPECT_OK((*connection)->Exec("SELECT x FROM half_done"));
}

// Servers starting at once against a new database: each migration is applied once, every server
// comes up.
TEST_P(StoreContractTest, ConcurrentMigrationsApplyEachVersionOnce) {
  const std::string url = GetParam().new_url();
  constexpr int kServers = 4;
  std::atomic<int> ready{0};
  std::vector<Status> results(kServers);
  std::vector<std::thread> servers;
  for (int i = 0; i < kServers; ++i) {
    servers.emplace_back([&, i] {
      ++ready;
      while (ready < kServers) std::this_thread::yield();
      results[i] = Migrate(url);
    });
  }
  for (std::thread& server : servers) server.join();
  for (const Status& result : results) EXPECT_OK(result);
  ExpectEveryMigrationAppliedOnce(url);
  GetParam().cleanup(url);
}

TEST_P(StoreContractTest, DatabaseNewerThanTheBuildIsRefused) {
  store_.reset();
  Result<std::unique_ptr<Driver>> driver = MakeDriver(url_, DriverOptions{});
  ASSERT_OK(driver);
  Result<std::unique_ptr<Connection>> connection = (*driver)->OpenWriter();
  ASSERT_OK(connection);
  ASSERT_OK((*connection)->Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)"));
  connection->reset();
  EXPECT_CODE(OpenStore(url_), ErrorCode::kInvalidArgument);
}

// The server ends every connection of the store (a restart, a failover, an idle timeout): the
// pools notice at the next BEGIN, open fresh connections, and no caller sees an error.
TEST_P(ServerStoreTest, LostConnectionsAreReplaced) {
  ASSERT_OK(InsertPerson("p0"));
  ASSERT_OK(testing::PostgresAdmin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                                   testing::DatabaseOf(url_) + "' AND pid <> pg_backend_pid()"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // termination is asynchronous
  for (int i = 0; i < 20; ++i) EXPECT_OK(InsertPerson("p" + std::to_string(i + 1)));
  for (int i = 0; i < 20; ++i) EXPECT_OK(GetPerson("p" + std::to_string(i)));
}

}  // namespace
}  // namespace tongban::storage
