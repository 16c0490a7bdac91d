// The storage contract suite's fixture: every behaviour ports::Store and its repositories promise
// is a TEST_P of StoreContractTest, in one file per capability (accounts_contract_test.cc,
// applications_contract_test.cc, ...), run on each database the build can reach (StoreTargets;
// store_contract_test.cc instantiates the suites). Each test gets a fresh, empty database.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <cstdlib>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "domain/account.h"
#include "domain/application.h"
#include "ports/store.h"
#include "storage/driver.h"
#include "storage/migrations.h"
#include "storage/sql_store.h"
#include "support/store_targets.h"

namespace tongban::storage::testing {

inline Timestamp At(int64_t seconds) { return Timestamp{std::chrono::seconds{seconds}}; }

inline domain::User SampleUser(const std::string& id, const std::string& username) {
  domain::User user;
  user.id = id;
  user.username = username;
  user.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  user.kind = domain::UserKind::kOfficial;
  user.roles = {domain::Role::kClerk, domain::Role::kReviewer};
  user.display_name = "张三 Zhang San";
  user.department = "market";
  user.centre = "pudong-1";
  user.created_at = At(1760000000);
  return user;
}

inline domain::Application SampleApplication(const std::string& id) {
  domain::Application app;
  app.id = id;
  app.item = "market.business-licence";
  app.department = "market";
  app.applicant_user_id = "u-applicant";
  app.person_id = "110101199003077777";
  app.channel = domain::Channel::kWindow;
  app.centre = "pudong-1";
  app.state = domain::ApplicationState::kSubmitted;
  app.fields = {{"shop_name", "小笼包 Dumplings"}, {"area_m2", "42"}, {"empty", ""}};
  domain::AttachedMaterial lease;
  lease.code = "lease";
  lease.status = domain::MaterialStatus::kProvided;
  lease.blob_sha256 = std::string(64, 'a');
  lease.content_type = "application/pdf";
  lease.file_name = "租约.pdf";
  lease.size = 12345;
  domain::AttachedMaterial id_card;
  id_card.code = "id_card";
  id_card.status = domain::MaterialStatus::kToBeFetched;
  app.materials = {lease, id_card};
  app.created_at = At(1760000000);
  app.updated_at = At(1760000100);
  app.submitted_at = At(1760000100);
  app.deadline = Date{2025, 10, 31};
  app.version = 1;
  app.catalogue_version = 7;
  return app;
}

}  // namespace tongban::storage::testing

namespace tongban::storage {

using testing::At;
using testing::SampleApplication;
using testing::SampleUser;
using testing::StoreTarget;

class StoreContractTest : public ::testing::TestWithParam<StoreTarget> {
 protected:
  void SetUp() override {
    url_ = GetParam().new_url();
    store_ = Open();
  }
  void TearDown() override {
    store_.reset();
    GetParam().cleanup(url_);
  }

  std::unique_ptr<ports::Store> Open(const StoreOptions& options = {}) {
    Result<std::unique_ptr<ports::Store>> store = OpenStore(url_, options);
    EXPECT_TRUE(store.ok()) << store.error().message;
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // Runs `work` in a write transaction and returns its status.
  Status Write(const std::function<Status(ports::Transaction&)>& work) { return store_->Write(work); }

  // The value `get` reads in a fresh read transaction.
  template <typename T>
  Result<T> ReadValue(const std::function<Result<T>(ports::Transaction&)>& get) {
    std::optional<Result<T>> out;
    const Status status = store_->Read([&](ports::Transaction& tx) -> Status {
      out.emplace(get(tx));
      return Ok();
    });
    if (!status.ok()) return status.error();
    return std::move(*out);
  }

  Result<domain::Application> GetApplication(const std::string& id) {
    return ReadValue<domain::Application>([&](ports::Transaction& tx) { return tx.applications().GetApplication(id); });
  }
  Result<domain::Person> GetPerson(const std::string& id) {
    return ReadValue<domain::Person>([&](ports::Transaction& tx) { return tx.accounts().GetPerson(id); });
  }
  Status InsertPerson(const std::string& id) {
    return Write([&](ports::Transaction& tx) { return tx.accounts().InsertPerson({id, "name " + id, "13800000000"}); });
  }

  std::string url_;
  std::unique_ptr<ports::Store> store_;
};

#define EXPECT_OK(expr)                                  \
  do {                                                   \
    const auto& tb_s = (expr);                           \
    EXPECT_TRUE(tb_s.ok()) << tb_s.error().message;      \
  } while (0)
#define ASSERT_OK(expr)                                  \
  do {                                                   \
    const auto& tb_s = (expr);                           \
    ASSERT_TRUE(tb_s.ok()) << tb_s.error().message;      \
  } while (0)
#define EXPECT_CODE(expr, expected)                                  \
  do {                                                               \
    const auto& tb_s = (expr);                                       \
    EXPECT_FALSE(tb_s.ok()) << "expected an error";                  \
    if (!tb_s.ok()) {                                                \
      EXPECT_EQ(tb_s.error().code, expected) << tb_s.error().message; \
    }                                                                \
  } while (0)

// What only a database server can do to its clients (PostgreSQL).
class ServerStoreTest : public StoreContractTest {};

// Group commit, observable only where one writer thread serves everyone (SQLite).
class GroupCommitTest : public StoreContractTest {};

// ULID-like ids: fixed width, so text order is numeric order.
inline std::string AppId(int n) {
  char id[32];
  std::snprintf(id, sizeof id, "01J%023d", n);
  return id;
}

// The database at `url` lists every built-in migration as applied, once each, in order from 1.
inline void ExpectEveryMigrationAppliedOnce(const std::string& url) {
  Result<std::unique_ptr<Driver>> driver = MakeDriver(url, DriverOptions{});
  ASSERT_OK(driver);
  Result<std::unique_ptr<Connection>> connection = (*driver)->OpenWriter();
  ASSERT_OK(connection);
  const Result<std::vector<Migration>> builtin = BuiltinMigrations();
  ASSERT_OK(builtin);
  std::vector<int> expected;
  for (const Migration& m : *builtin) expected.push_back(m.version);
  const Result<std::vector<int>> applied = AppliedVersions(**connection);
  ASSERT_OK(applied);
  EXPECT_EQ(*applied, expected);
  EXPECT_EQ(expected.front(), 1);
}

}  // namespace tongban::storage
