// The storage contract suite: every behaviour ports::Store promises, run on each database the
// build can reach (StoreTargets). Each test gets a fresh, empty database.
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
  return app;
}

}  // namespace tongban::storage::testing

namespace tongban::storage {
namespace {

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
    return ReadValue<domain::Application>([&](ports::Transaction& tx) { return tx.GetApplication(id); });
  }
  Result<domain::Person> GetPerson(const std::string& id) {
    return ReadValue<domain::Person>([&](ports::Transaction& tx) { return tx.GetPerson(id); });
  }
  Status InsertPerson(const std::string& id) {
    return Write([&](ports::Transaction& tx) { return tx.InsertPerson({id, "name " + id, "13800000000"}); });
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

// ---- accounts ----

TEST_P(StoreContractTest, UserRoundTripsAndLooksUpByIdAndUsername) {
  const domain::User user = SampleUser("u1", "zhangsan");
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.InsertUser(user); }));

  for (const bool by_username : {false, true}) {
    const Result<domain::User> got = ReadValue<domain::User>([&](ports::Transaction& tx) {
      return by_username ? tx.FindUserByUsername("zhangsan") : tx.GetUser("u1");
    });
    ASSERT_OK(got);
    EXPECT_EQ(got->id, "u1");
    EXPECT_EQ(got->username, "zhangsan");
    EXPECT_EQ(got->password_hash, user.password_hash);
    EXPECT_EQ(got->kind, domain::UserKind::kOfficial);
    EXPECT_EQ(got->roles, user.roles);
    EXPECT_EQ(got->person_id, "");
    EXPECT_EQ(got->display_name, user.display_name);
    EXPECT_EQ(got->department, "market");
    EXPECT_EQ(got->centre, "pudong-1");
    EXPECT_EQ(got->created_at, user.created_at);
  }
}

TEST_P(StoreContractTest, PersonUserWithoutOptionalFieldsRoundTrips) {
  domain::User user = SampleUser("u2", "lisi");
  user.kind = domain::UserKind::kPerson;
  user.roles = {domain::Role::kCitizen};
  user.person_id = "110101199003077777";
  user.department.clear();
  user.centre.clear();
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.InsertUser(user); }));
  const Result<domain::User> got = ReadValue<domain::User>([](ports::Transaction& tx) { return tx.GetUser("u2"); });
  ASSERT_OK(got);
  EXPECT_EQ(got->kind, domain::UserKind::kPerson);
  EXPECT_EQ(got->roles, std::vector<domain::Role>{domain::Role::kCitizen});
  EXPECT_EQ(got->person_id, "110101199003077777");
  EXPECT_EQ(got->department, "");
  EXPECT_EQ(got->centre, "");
}

TEST_P(StoreContractTest, DuplicateUserIdOrUsernameIsConflict) {
  ASSERT_OK(Write([](ports::Transaction& tx) { return tx.InsertUser(SampleUser("u1", "zhangsan")); }));
  EXPECT_CODE(Write([](ports::Transaction& tx) { return tx.InsertUser(SampleUser("u1", "other")); }),
              ErrorCode::kConflict);
  EXPECT_CODE(Write([](ports::Transaction& tx) { return tx.InsertUser(SampleUser("u9", "zhangsan")); }),
              ErrorCode::kConflict);
}

TEST_P(StoreContractTest, MissingAccountsAreNotFound) {
  EXPECT_CODE(ReadValue<domain::User>([](ports::Transaction& tx) { return tx.GetUser("nobody"); }),
              ErrorCode::kNotFound);
  EXPECT_CODE(ReadValue<domain::User>([](ports::Transaction& tx) { return tx.FindUserByUsername("nobody"); }),
              ErrorCode::kNotFound);
  EXPECT_CODE(GetPerson("nobody"), ErrorCode::kNotFound);
  EXPECT_CODE(ReadValue<domain::Enterprise>([](ports::Transaction& tx) { return tx.GetEnterprise("nobody"); }),
              ErrorCode::kNotFound);
  EXPECT_CODE(ReadValue<domain::AgentGrant>([](ports::Transaction& tx) { return tx.GetAgentGrant("e", "u"); }),
              ErrorCode::kNotFound);
  EXPECT_CODE(ReadValue<domain::Session>([](ports::Transaction& tx) { return tx.GetSession("h"); }),
              ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, PersonRoundTripsAndDuplicateIsConflict) {
  const domain::Person person{"110101199003077777", "王五", "13800138000"};
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.InsertPerson(person); }));
  const Result<domain::Person> got = GetPerson(person.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->name, "王五");
  EXPECT_EQ(got->phone, "13800138000");
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.InsertPerson(person); }), ErrorCode::kConflict);
}

TEST_P(StoreContractTest, EnterpriseRoundTripsAndDuplicateIsConflict) {
  const domain::Enterprise enterprise{"91310115MA1K4XXXXX", "上海小笼包有限公司", "u1"};
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.InsertEnterprise(enterprise); }));
  const Result<domain::Enterprise> got =
      ReadValue<domain::Enterprise>([&](ports::Transaction& tx) { return tx.GetEnterprise(enterprise.code); });
  ASSERT_OK(got);
  EXPECT_EQ(got->name, enterprise.name);
  EXPECT_EQ(got->admin_user_id, "u1");
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.InsertEnterprise(enterprise); }),
              ErrorCode::kConflict);
}

TEST_P(StoreContractTest, AgentGrantIsReplacedAndListedPerUser) {
  domain::AgentGrant grant{"E2", "u1", true, false, {"market.business-licence", "tax.register"}};
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.PutAgentGrant(grant); }));
  grant.may_withdraw = true;
  grant.may_apply = false;
  grant.items.clear();
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.PutAgentGrant(grant); }));
  ASSERT_OK(Write([](ports::Transaction& tx) { return tx.PutAgentGrant({"E1", "u1", true, false, {"a"}}); }));
  ASSERT_OK(Write([](ports::Transaction& tx) { return tx.PutAgentGrant({"E1", "u2", true, true, {}}); }));

  const Result<domain::AgentGrant> got =
      ReadValue<domain::AgentGrant>([](ports::Transaction& tx) { return tx.GetAgentGrant("E2", "u1"); });
  ASSERT_OK(got);
  EXPECT_FALSE(got->may_apply);
  EXPECT_TRUE(got->may_withdraw);
  EXPECT_TRUE(got->items.empty());

  const Result<std::vector<domain::AgentGrant>> list = ReadValue<std::vector<domain::AgentGrant>>(
      [](ports::Transaction& tx) { return tx.ListAgentGrantsOfUser("u1"); });
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].enterprise, "E1");
  EXPECT_EQ((*list)[0].items, std::vector<std::string>{"a"});
  EXPECT_EQ((*list)[1].enterprise, "E2");
}

TEST_P(StoreContractTest, SessionInsertGetDelete) {
  ASSERT_OK(Write([](ports::Transaction& tx) { return tx.InsertUser(SampleUser("u1", "zhangsan")); }));
  const domain::Session session{"hash1", "u1", "csrf1", At(100), At(200)};
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.InsertSession(session); }));
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.InsertSession(session); }), ErrorCode::kConflict);

  const Result<domain::Session> got =
      ReadValue<domain::Session>([](ports::Transaction& tx) { return tx.GetSession("hash1"); });
  ASSERT_OK(got);
  EXPECT_EQ(got->user_id, "u1");
  EXPECT_EQ(got->csrf_token, "csrf1");
  EXPECT_EQ(got->created_at, At(100));
  EXPECT_EQ(got->expires_at, At(200));

  ASSERT_OK(Write([](ports::Transaction& tx) { return tx.DeleteSession("hash1"); }));
  EXPECT_CODE(ReadValue<domain::Session>([](ports::Transaction& tx) { return tx.GetSession("hash1"); }),
              ErrorCode::kNotFound);
  EXPECT_OK(Write([](ports::Transaction& tx) { return tx.DeleteSession("hash1"); }));  // logging out twice
}

TEST_P(StoreContractTest, SessionOfUnknownUserIsRefused) {
  EXPECT_CODE(Write([](ports::Transaction& tx) {
                return tx.InsertSession({"hash1", "ghost", "csrf", At(1), At(2)});
              }),
              ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, LoginFailuresAreCountedInTheWindowPerKey) {
  ASSERT_OK(Write([](ports::Transaction& tx) -> Status {
    for (int i = 0; i < 5; ++i) TB_RETURN_IF_ERROR(tx.RecordLoginFailure("user:u1", At(1000 + i * 60)));
    return tx.RecordLoginFailure("addr:10.0.0.1", At(1200));
  }));
  const auto count = [&](const std::string& key, int64_t since) {
    return ReadValue<ports::LoginFailureCount>([&](ports::Transaction& tx) { return tx.CountLoginFailures(key, At(since)); })
        ->count;
  };
  EXPECT_EQ(count("user:u1", 0), 5);
  EXPECT_EQ(count("user:u1", 1120), 3);  // at 1120, 1180, 1240: the window includes its start
  EXPECT_EQ(count("user:u1", 1121), 2);
  EXPECT_EQ(count("user:u1", 5000), 0);
  EXPECT_EQ(count("addr:10.0.0.1", 0), 1);
  const auto latest = ReadValue<ports::LoginFailureCount>(
      [&](ports::Transaction& tx) { return tx.CountLoginFailures("user:u1", At(0)); });
  ASSERT_OK(latest);
  EXPECT_EQ(latest->latest, At(1240));

  ASSERT_OK(Write([](ports::Transaction& tx) { return tx.ClearLoginFailures("user:u1"); }));
  EXPECT_EQ(count("user:u1", 0), 0);
  EXPECT_EQ(count("addr:10.0.0.1", 0), 1);
}

// Finding 5 of the security review: three sign-ins with a 10 MB username grew the database by
// 60 MB, the username being the key of its failure rows.
TEST_P(StoreContractTest, Finding5LoginFailureKeysAreBounded) {
  const std::string longest(ports::kMaxLoginFailureKey, 'k');
  EXPECT_OK(Write([&](ports::Transaction& tx) { return tx.RecordLoginFailure(longest, At(1)); }));
  EXPECT_CODE(Write([](ports::Transaction& tx) { return tx.RecordLoginFailure(std::string(10 << 20, 'k'), At(1)); }),
              ErrorCode::kInvalidArgument);
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.RecordLoginFailure(longest + "k", At(1)); }),
              ErrorCode::kInvalidArgument);
  EXPECT_EQ(ReadValue<ports::LoginFailureCount>([&](ports::Transaction& tx) { return tx.CountLoginFailures(longest, At(0)); })
                ->count,
            1);
  // The table itself refuses a longer key, whoever writes it.
  Result<std::unique_ptr<Driver>> driver = MakeDriver(url_, DriverOptions{});
  ASSERT_OK(driver);
  Result<std::unique_ptr<Connection>> connection = (*driver)->OpenWriter();
  ASSERT_OK(connection);
  EXPECT_FALSE(
      (*connection)->Exec("INSERT INTO login_failures (key, at) VALUES ('" + std::string(81, 'k') + "', 1)").ok());
  EXPECT_OK((*connection)->Exec("INSERT INTO login_failures (key, at) VALUES ('" + std::string(80, 'k') + "', 1)"));
}

void ExpectEveryMigrationAppliedOnce(const std::string& url);

// V005 replaces the plain-text keyed table: rows keyed by what people typed do not survive it.
TEST_P(StoreContractTest, Finding5MigrationDropsLoginFailuresKeyedByPlainText) {
  const std::string url = GetParam().new_url();
  {
    Result<std::unique_ptr<Driver>> driver = MakeDriver(url, DriverOptions{});
    ASSERT_OK(driver);
    Result<std::unique_ptr<Connection>> connection = (*driver)->OpenWriter();
    ASSERT_OK(connection);
    Result<std::vector<Migration>> migrations = BuiltinMigrations();
    ASSERT_OK(migrations);
    std::vector<Migration> before_v005;
    for (const Migration& m : *migrations) {
      if (m.version < 5) before_v005.push_back(m);
    }
    ASSERT_OK(ApplyMigrations(**connection, **driver, before_v005));
    ASSERT_OK((*connection)->Exec("INSERT INTO login_failures (key, at) VALUES ('user:" + std::string(100000, 'a') +
                                  "|addr:10.0.0.1', 1)"));
    ASSERT_OK(ApplyMigrations(**connection, **driver, *migrations));
    Result<StatementRef> rows = (*connection)->Prepare("SELECT COUNT(*) FROM login_failures");
    ASSERT_OK(rows);
    ASSERT_TRUE(*(*rows)->Step());
    EXPECT_EQ((*rows)->ColumnInt64(0), 0);
  }
  ExpectEveryMigrationAppliedOnce(url);
  GetParam().cleanup(url);
}

TEST_P(StoreContractTest, HousekeepingDeletesOnlyWhatIsOldInBatches) {
  ASSERT_OK(Write([](ports::Transaction& tx) -> Status {
    TB_RETURN_IF_ERROR(tx.InsertUser(SampleUser("u1", "zhangsan")));
    for (int i = 0; i < 5; ++i) {
      TB_RETURN_IF_ERROR(tx.InsertSession({"old" + std::to_string(i), "u1", "c", At(10), At(100 + i)}));
      TB_RETURN_IF_ERROR(tx.RecordLoginFailure("user:u1", At(100 + i)));
    }
    TB_RETURN_IF_ERROR(tx.InsertSession({"live", "u1", "c", At(10), At(1000)}));
    return tx.RecordLoginFailure("user:u1", At(1000));
  }));
  const auto deleted = [&](bool sessions, int limit) {
    int64_t n = -1;
    EXPECT_OK(Write([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(n, sessions ? tx.DeleteExpiredSessions(At(500), limit)
                                      : tx.DeleteLoginFailuresBefore(At(500), limit));
      return Ok();
    }));
    return n;
  };
  EXPECT_EQ(deleted(true, 3), 3);
  EXPECT_EQ(deleted(true, 3), 2);
  EXPECT_EQ(deleted(true, 3), 0);
  EXPECT_EQ(deleted(false, 10), 5);
  EXPECT_OK(ReadValue<domain::Session>([](ports::Transaction& tx) { return tx.GetSession("live"); }));
  EXPECT_CODE(ReadValue<domain::Session>([](ports::Transaction& tx) { return tx.GetSession("old0"); }),
              ErrorCode::kNotFound);
  EXPECT_EQ(ReadValue<ports::LoginFailureCount>([](ports::Transaction& tx) { return tx.CountLoginFailures("user:u1", At(0)); })
                ->count,
            1);
}

// ---- applications ----

TEST_P(StoreContractTest, ApplicationRoundTripsEveryField) {
  const domain::Application app = SampleApplication("01J00000000000000000000001");
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.InsertApplication(app); }));
  const Result<domain::Application> got = GetApplication(app.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->item, app.item);
  EXPECT_EQ(got->department, app.department);
  EXPECT_EQ(got->applicant_user_id, app.applicant_user_id);
  EXPECT_EQ(got->person_id, app.person_id);
  EXPECT_EQ(got->enterprise, "");
  EXPECT_EQ(got->channel, domain::Channel::kWindow);
  EXPECT_EQ(got->centre, app.centre);
  EXPECT_EQ(got->state, domain::ApplicationState::kSubmitted);
  EXPECT_EQ(got->fields, app.fields);
  ASSERT_EQ(got->materials.size(), 2u);
  EXPECT_EQ(got->materials[0].code, "lease");
  EXPECT_EQ(got->materials[0].status, domain::MaterialStatus::kProvided);
  EXPECT_EQ(got->materials[0].blob_sha256, app.materials[0].blob_sha256);
  EXPECT_EQ(got->materials[0].content_type, "application/pdf");
  EXPECT_EQ(got->materials[0].file_name, "租约.pdf");
  EXPECT_EQ(got->materials[0].size, 12345);
  EXPECT_EQ(got->materials[1].status, domain::MaterialStatus::kToBeFetched);
  EXPECT_EQ(got->created_at, app.created_at);
  EXPECT_EQ(got->updated_at, app.updated_at);
  EXPECT_EQ(got->submitted_at, app.submitted_at);
  EXPECT_EQ(got->deadline, app.deadline);
  EXPECT_EQ(got->version, 1);
}

TEST_P(StoreContractTest, DraftWithoutSubmissionOrDeadlineRoundTrips) {
  domain::Application app = SampleApplication("01J00000000000000000000002");
  app.state = domain::ApplicationState::kDraft;
  app.submitted_at.reset();
  app.deadline.reset();
  app.fields.clear();
  app.materials.clear();
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.InsertApplication(app); }));
  const Result<domain::Application> got = GetApplication(app.id);
  ASSERT_OK(got);
  EXPECT_FALSE(got->submitted_at.has_value());
  EXPECT_FALSE(got->deadline.has_value());
  EXPECT_TRUE(got->fields.empty());
  EXPECT_TRUE(got->materials.empty());
}

TEST_P(StoreContractTest, DuplicateApplicationIsConflictAndMissingIsNotFound) {
  const domain::Application app = SampleApplication("01J00000000000000000000001");
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.InsertApplication(app); }));
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.InsertApplication(app); }), ErrorCode::kConflict);
  EXPECT_CODE(GetApplication("01J0000000000000000000000X"), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, UpdateApplicationChecksTheVersion) {
  domain::Application app = SampleApplication("01J00000000000000000000001");
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.InsertApplication(app); }));

  app.state = domain::ApplicationState::kAccepted;
  app.fields["shop_name"] = "新名字";
  app.updated_at = At(1760009999);
  app.version = 2;
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.UpdateApplication(app); }));
  Result<domain::Application> got = GetApplication(app.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->state, domain::ApplicationState::kAccepted);
  EXPECT_EQ(got->fields.at("shop_name"), "新名字");
  EXPECT_EQ(got->updated_at, At(1760009999));
  EXPECT_EQ(got->created_at, At(1760000000));
  EXPECT_EQ(got->version, 2);

  // A second writer that read version 1 also bumps to 2: it lost the race.
  domain::Application stale = app;
  stale.state = domain::ApplicationState::kNotAccepted;
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.UpdateApplication(stale); }), ErrorCode::kConflict);
  stale.version = 5;  // skipping versions is no better
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.UpdateApplication(stale); }), ErrorCode::kConflict);
  got = GetApplication(app.id);
  EXPECT_EQ(got->state, domain::ApplicationState::kAccepted);

  domain::Application missing = SampleApplication("01J0000000000000000000000X");
  missing.version = 2;
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.UpdateApplication(missing); }), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, EventsListInSequenceAndSequenceIsUnique) {
  const domain::Application app = SampleApplication("01J00000000000000000000001");
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.InsertApplication(app); }));
  const auto event = [&](int seq, domain::ApplicationState from, domain::ApplicationState to) {
    domain::Event e;
    e.id = "ev" + std::to_string(seq);
    e.application_id = app.id;
    e.seq = seq;
    e.action = seq == 1 ? "create" : "accept";
    e.from = from;
    e.to = to;
    e.actor_user_id = "u1";
    e.actor_role = "clerk";
    e.channel = domain::Channel::kKiosk;
    e.at = At(1000 + seq);
    e.reason = seq == 3 ? "材料齐全" : "";
    return e;
  };
  using S = domain::ApplicationState;
  ASSERT_OK(Write([&](ports::Transaction& tx) -> Status {
    TB_RETURN_IF_ERROR(tx.InsertEvent(event(3, S::kSubmitted, S::kAccepted)));
    TB_RETURN_IF_ERROR(tx.InsertEvent(event(1, S::kDraft, S::kDraft)));
    return tx.InsertEvent(event(2, S::kDraft, S::kSubmitted));
  }));
  const Result<std::vector<domain::Event>> events =
      ReadValue<std::vector<domain::Event>>([&](ports::Transaction& tx) { return tx.ListEvents(app.id); });
  ASSERT_OK(events);
  ASSERT_EQ(events->size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ((*events)[i].seq, i + 1);
  const domain::Event& last = (*events)[2];
  EXPECT_EQ(last.id, "ev3");
  EXPECT_EQ(last.action, "accept");
  EXPECT_EQ(last.from, S::kSubmitted);
  EXPECT_EQ(last.to, S::kAccepted);
  EXPECT_EQ(last.actor_user_id, "u1");
  EXPECT_EQ(last.actor_role, "clerk");
  EXPECT_EQ(last.channel, domain::Channel::kKiosk);
  EXPECT_EQ(last.at, At(1003));
  EXPECT_EQ(last.reason, "材料齐全");

  domain::Event again = event(2, S::kSubmitted, S::kRefused);
  again.id = "ev-other";
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.InsertEvent(again); }), ErrorCode::kConflict);
  EXPECT_EQ(ReadValue<std::vector<domain::Event>>([&](ports::Transaction& tx) { return tx.ListEvents(app.id); })
                ->size(),
            3u);
}

TEST_P(StoreContractTest, EventOfUnknownApplicationIsRefused) {
  domain::Event e;
  e.id = "ev1";
  e.application_id = "ghost";
  e.seq = 1;
  e.action = "create";
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.InsertEvent(e); }), ErrorCode::kNotFound);
}

// ---- pagination ----

struct ScopeCase {
  const char* name;
  std::function<void(domain::Application&, const std::string&)> place;  // puts an app in a scope
  std::function<void(ports::ApplicationQuery&, const std::string&)> select;
};

std::vector<ScopeCase> ScopeCases() {
  return {
      {"applicant", [](domain::Application& a, const std::string& v) { a.applicant_user_id = v; },
       [](ports::ApplicationQuery& q, const std::string& v) { q.applicant_user_id = v; }},
      {"person", [](domain::Application& a, const std::string& v) { a.person_id = v; },
       [](ports::ApplicationQuery& q, const std::string& v) { q.person_id = v; }},
      {"enterprise", [](domain::Application& a, const std::string& v) { a.enterprise = v; },
       [](ports::ApplicationQuery& q, const std::string& v) { q.enterprise = v; }},
      {"department", [](domain::Application& a, const std::string& v) { a.department = v; },
       [](ports::ApplicationQuery& q, const std::string& v) { q.department = v; }},
      {"centre", [](domain::Application& a, const std::string& v) { a.centre = v; },
       [](ports::ApplicationQuery& q, const std::string& v) { q.centre = v; }},
  };
}

// ULID-like ids: fixed width, so text order is numeric order.
std::string AppId(int n) {
  char id[32];
  std::snprintf(id, sizeof id, "01J%023d", n);
  return id;
}

TEST_P(StoreContractTest, PaginationWalksEveryScopeNewestFirst) {
  for (const ScopeCase& scope : ScopeCases()) {
    SCOPED_TRACE(scope.name);
    const std::string tag = std::string("scope-") + scope.name;
    // Five applications in the scope interleaved with two outside it.
    std::vector<std::string> mine;
    ASSERT_OK(Write([&](ports::Transaction& tx) -> Status {
      static int next = 1000;
      for (int i = 0; i < 7; ++i) {
        domain::Application app = SampleApplication(AppId(next++));
        if (i % 3 != 2) {
          scope.place(app, tag);
          mine.push_back(app.id);
        } else {
          scope.place(app, tag + "-other");
        }
        TB_RETURN_IF_ERROR(tx.InsertApplication(app));
      }
      return Ok();
    }));
    ASSERT_EQ(mine.size(), 5u);

    std::vector<std::string> seen;
    std::vector<size_t> page_sizes;
    ports::ApplicationQuery query;
    scope.select(query, tag);
    query.limit = 2;
    for (int page = 0; page < 10; ++page) {
      const Result<ports::ApplicationPage> result = ReadValue<ports::ApplicationPage>(
          [&](ports::Transaction& tx) { return tx.ListApplications(query); });
      ASSERT_OK(result);
      page_sizes.push_back(result->applications.size());
      for (const domain::Application& app : result->applications) seen.push_back(app.id);
      if (result->next_page_token.empty()) break;
      EXPECT_EQ(result->next_page_token.find(result->applications.back().id), std::string::npos)
          << "the token should not be the bare id";
      query.page_token = result->next_page_token;
    }
    EXPECT_EQ(page_sizes, (std::vector<size_t>{2, 2, 1}));
    EXPECT_EQ(seen, std::vector<std::string>(mine.rbegin(), mine.rend()));
  }
}

TEST_P(StoreContractTest, PaginationFiltersByStateAndItem) {
  ASSERT_OK(Write([&](ports::Transaction& tx) -> Status {
    for (int i = 0; i < 12; ++i) {
      domain::Application app = SampleApplication(AppId(i));
      app.state = i % 2 == 0 ? domain::ApplicationState::kSubmitted : domain::ApplicationState::kAccepted;
      app.item = i % 3 == 0 ? "tax.register" : "market.business-licence";
      TB_RETURN_IF_ERROR(tx.InsertApplication(app));
    }
    return Ok();
  }));
  const auto list = [&](ports::ApplicationQuery query) {
    std::vector<int> ids;
    while (true) {
      const Result<ports::ApplicationPage> page = ReadValue<ports::ApplicationPage>(
          [&](ports::Transaction& tx) { return tx.ListApplications(query); });
      EXPECT_TRUE(page.ok());
      if (!page.ok()) break;
      for (const auto& app : page->applications) ids.push_back(std::stoi(app.id.substr(3)));
      if (page->next_page_token.empty()) break;
      query.page_token = page->next_page_token;
    }
    return ids;
  };
  ports::ApplicationQuery query;
  query.department = "market";
  query.limit = 2;
  query.state = domain::ApplicationState::kSubmitted;
  EXPECT_EQ(list(query), (std::vector<int>{10, 8, 6, 4, 2, 0}));
  query.item = "tax.register";
  EXPECT_EQ(list(query), (std::vector<int>{6, 0}));
  query.state.reset();
  EXPECT_EQ(list(query), (std::vector<int>{9, 6, 3, 0}));
}

TEST_P(StoreContractTest, PaginationLimitIsClampedTo1Through200) {
  ASSERT_OK(Write([&](ports::Transaction& tx) -> Status {
    for (int i = 0; i < 205; ++i) TB_RETURN_IF_ERROR(tx.InsertApplication(SampleApplication(AppId(i))));
    return Ok();
  }));
  for (const auto& [limit, expected] : std::vector<std::pair<int, size_t>>{{0, 1}, {-5, 1}, {1000, 200}, {200, 200}}) {
    ports::ApplicationQuery query;
    query.centre = "pudong-1";
    query.limit = limit;
    const Result<ports::ApplicationPage> page =
        ReadValue<ports::ApplicationPage>([&](ports::Transaction& tx) { return tx.ListApplications(query); });
    ASSERT_OK(page);
    EXPECT_EQ(page->applications.size(), expected) << "limit " << limit;
    EXPECT_FALSE(page->next_page_token.empty());
  }
}

TEST_P(StoreContractTest, ApplicationQueryNeedsExactlyOneScopeAndAValidToken) {
  const auto list = [&](const ports::ApplicationQuery& query) {
    return ReadValue<ports::ApplicationPage>([&](ports::Transaction& tx) { return tx.ListApplications(query); });
  };
  ports::ApplicationQuery none;
  EXPECT_CODE(list(none), ErrorCode::kInvalidArgument);
  ports::ApplicationQuery two;
  two.department = "market";
  two.centre = "pudong-1";
  EXPECT_CODE(list(two), ErrorCode::kInvalidArgument);
  ports::ApplicationQuery bad_token;
  bad_token.department = "market";
  bad_token.page_token = "not a token!";
  EXPECT_CODE(list(bad_token), ErrorCode::kInvalidArgument);
  ports::ApplicationQuery empty_result;
  empty_result.person_id = "nobody";
  const Result<ports::ApplicationPage> page = list(empty_result);
  ASSERT_OK(page);
  EXPECT_TRUE(page->applications.empty());
  EXPECT_TRUE(page->next_page_token.empty());
}

// ---- blobs ----

TEST_P(StoreContractTest, PutBlobIsIdempotentAndKeepsBinaryData) {
  const std::string data("\x00\x01\xff binary \x00 data", 17);
  const ports::Blob blob{std::string(64, 'b'), "image/png", data};
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.PutBlob(blob); }));
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.PutBlob(blob); }));
  ASSERT_OK(Write([&](ports::Transaction& tx) -> Status {
    TB_RETURN_IF_ERROR(tx.PutBlob(blob));
    return tx.PutBlob(blob);
  }));
  const Result<ports::Blob> got =
      ReadValue<ports::Blob>([&](ports::Transaction& tx) { return tx.GetBlob(blob.sha256); });
  ASSERT_OK(got);
  EXPECT_EQ(got->sha256, blob.sha256);
  EXPECT_EQ(got->content_type, "image/png");
  EXPECT_EQ(got->data, data);

  const ports::Blob empty{std::string(64, 'c'), "text/plain", ""};
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.PutBlob(empty); }));
  const Result<ports::Blob> got_empty =
      ReadValue<ports::Blob>([&](ports::Transaction& tx) { return tx.GetBlob(empty.sha256); });
  ASSERT_OK(got_empty);
  EXPECT_EQ(got_empty->data, "");
  EXPECT_CODE(ReadValue<ports::Blob>([](ports::Transaction& tx) { return tx.GetBlob("missing"); }),
              ErrorCode::kNotFound);
}

// ---- catalogue versions ----

TEST_P(StoreContractTest, CatalogueVersionsAreNumberedAndKeptWithWhoAndWhy) {
  EXPECT_EQ(*ReadValue<int64_t>([](ports::Transaction& tx) { return tx.LatestCatalogueVersion(); }), 0);
  const std::string files = R"({"departments.yaml":"departments: []\n","items/a.yaml":"中文 text"})";
  const ports::CatalogueVersion v1{1, Timestamp{std::chrono::seconds{1790000000}}, "cli", "first", files, "abc"};
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.InsertCatalogueVersion(v1); }));
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.InsertCatalogueVersion(v1); }), ErrorCode::kConflict);
  ports::CatalogueVersion v2 = v1;
  v2.version = 2;
  v2.reason = "second";
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.InsertCatalogueVersion(v2); }));
  EXPECT_EQ(*ReadValue<int64_t>([](ports::Transaction& tx) { return tx.LatestCatalogueVersion(); }), 2);
  const auto got = ReadValue<ports::CatalogueVersion>([](ports::Transaction& tx) { return tx.GetCatalogueVersion(1); });
  ASSERT_OK(got);
  EXPECT_EQ(got->files_json, files);
  EXPECT_EQ(got->reason, "first");
  EXPECT_EQ(got->published_by, "cli");
  EXPECT_EQ(got->published_at, v1.published_at);
  EXPECT_EQ(got->sha256, "abc");
  EXPECT_CODE(ReadValue<ports::CatalogueVersion>([](ports::Transaction& tx) { return tx.GetCatalogueVersion(3); }),
              ErrorCode::kNotFound);
}

// ---- transactions ----

TEST_P(StoreContractTest, WriteWhoseWorkFailsWritesNothing) {
  const Status status = Write([](ports::Transaction& tx) -> Status {
    TB_RETURN_IF_ERROR(tx.InsertPerson({"p1", "a", "1"}));
    TB_RETURN_IF_ERROR(tx.InsertPerson({"p2", "b", "2"}));
    return MakeError(ErrorCode::kPermissionDenied, "changed my mind");
  });
  EXPECT_CODE(status, ErrorCode::kPermissionDenied);
  EXPECT_EQ(status.error().message, "changed my mind");
  EXPECT_CODE(GetPerson("p1"), ErrorCode::kNotFound);
  EXPECT_CODE(GetPerson("p2"), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, WriteWhoseWorkThrowsWritesNothing) {
  const Status status = Write([](ports::Transaction& tx) -> Status {
    TB_RETURN_IF_ERROR(tx.InsertPerson({"p1", "a", "1"}));
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
      {"InsertUser", [](ports::Transaction& tx) { return tx.InsertUser(SampleUser("u1", "x")); }},
      {"InsertPerson", [](ports::Transaction& tx) { return tx.InsertPerson({"p1", "a", "1"}); }},
      {"InsertEnterprise", [](ports::Transaction& tx) { return tx.InsertEnterprise({"E1", "e", ""}); }},
      {"PutAgentGrant", [](ports::Transaction& tx) { return tx.PutAgentGrant({"E1", "u1", true, false, {}}); }},
      {"InsertSession", [](ports::Transaction& tx) { return tx.InsertSession({"h", "u1", "c", At(1), At(2)}); }},
      {"DeleteSession", [](ports::Transaction& tx) { return tx.DeleteSession("h"); }},
      {"RecordLoginFailure", [](ports::Transaction& tx) { return tx.RecordLoginFailure("k", At(1)); }},
      {"ClearLoginFailures", [](ports::Transaction& tx) { return tx.ClearLoginFailures("k"); }},
      {"InsertApplication", [&](ports::Transaction& tx) { return tx.InsertApplication(app); }},
      {"UpdateApplication", [&](ports::Transaction& tx) { return tx.UpdateApplication(app); }},
      {"InsertEvent", [](ports::Transaction& tx) { return tx.InsertEvent(domain::Event{}); }},
      {"PutBlob", [](ports::Transaction& tx) { return tx.PutBlob({"s", "t", "d"}); }},
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
    TB_ASSIGN_OR_RETURN(const domain::Person first, tx.GetPerson("p1"));
    before = first.name;
    // A write commits while this read is open; the read keeps its snapshot.
    std::thread writer([&] {
      EXPECT_OK(Write([](ports::Transaction& w) { return w.InsertPerson({"p2", "late", "1"}); }));
    });
    writer.join();
    EXPECT_CODE(tx.GetPerson("p2"), ErrorCode::kNotFound);
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
            TB_RETURN_IF_ERROR(tx.InsertPerson({id, "doomed", "0"}));
            return MakeError(ErrorCode::kConflict, "doomed");
          });
          if (status.ok() || status.error().message != "doomed") ++unexpected;
        } else if (i % 10 == 8) {
          // A duplicate key inside the batch: its own kConflict, after a successful first insert.
          const Status status = store_->Write([&](ports::Transaction& tx) -> Status {
            TB_RETURN_IF_ERROR(tx.InsertPerson({id + "-dup", "x", "0"}));
            return tx.InsertPerson({id + "-dup", "x", "0"});
          });
          if (status.ok() || status.error().code != ErrorCode::kConflict) ++unexpected;
        } else {
          const Status status =
              store_->Write([&](ports::Transaction& tx) { return tx.InsertPerson({id, "ok", "1"}); });
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
        EXPECT_EQ(tx.GetPerson(id).ok(), should_exist) << id;
        if (i % 10 == 8) {
          EXPECT_FALSE(tx.GetPerson(id + "-dup").ok()) << id;
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
    TB_RETURN_IF_ERROR(tx.InsertPerson({"p1", "a", "1"}));
    EXPECT_CODE(tx.InsertPerson({"p0", "again", "1"}), ErrorCode::kConflict);
    EXPECT_CODE(tx.InsertSession({"h", "ghost", "c", At(1), At(2)}), ErrorCode::kNotFound);
    EXPECT_CODE(tx.InsertPerson({"p1", "again", "1"}), ErrorCode::kConflict);
    TB_RETURN_IF_ERROR(tx.InsertPerson({"p2", "b", "2"}));
    EXPECT_OK(tx.GetPerson("p1"));
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
    ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.InsertApplication(SampleApplication(AppId(a))); }));
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
          TB_ASSIGN_OR_RETURN(domain::Application app, tx.GetApplication(AppId(a)));
          if (app.state != domain::ApplicationState::kSubmitted) {
            return MakeError(ErrorCode::kConflict, "already decided");
          }
          // Hold the snapshot a moment so that the others read the same version.
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
          app.state = i % 2 == 0 ? domain::ApplicationState::kAccepted : domain::ApplicationState::kNotAccepted;
          app.version += 1;
          TB_RETURN_IF_ERROR(tx.UpdateApplication(app));
          domain::Event event;
          event.id = "ev-" + std::to_string(a) + "-" + std::to_string(i);
          event.application_id = app.id;
          event.seq = app.version;
          event.action = "decide";
          event.from = domain::ApplicationState::kSubmitted;
          event.to = app.state;
          event.actor_user_id = "reviewer-" + std::to_string(i);
          event.actor_role = "reviewer";
          return tx.InsertEvent(event);
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
        [&](ports::Transaction& tx) { return tx.ListEvents(AppId(a)); });
    ASSERT_OK(events);
    EXPECT_EQ(events->size(), 1u);
  }
}

// Two writers that read the same version and both update it, truly at once: one wins, the other
// gets kConflict from the version check alone.
TEST_P(StoreContractTest, TwoConcurrentUpdatesOfOneVersionGiveOneOkAndOneConflict) {
  for (int round = 0; round < 10; ++round) {
    const domain::Application app = SampleApplication(AppId(100 + round));
    ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.InsertApplication(app); }));
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
        results[i] = store_->Write([&](ports::Transaction& tx) { return tx.UpdateApplication(next); });
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
    ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.InsertApplication(SampleApplication(AppId(a))); }));
  }
  std::atomic<int> first_updates{0};
  std::atomic<int> runs{0};
  const auto bump = [](ports::Transaction& tx, const std::string& id) -> Status {
    TB_ASSIGN_OR_RETURN(domain::Application app, tx.GetApplication(id));
    app.version += 1;
    return tx.UpdateApplication(app);
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
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.InsertApplication(SampleApplication(AppId(0))); }));
  std::atomic<bool> first_updated{false};
  std::atomic<bool> second_started{false};
  const auto bump = [&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(domain::Application app, tx.GetApplication(AppId(0)));
    app.version += 1;
    return tx.UpdateApplication(app);
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

// Group commit, observable only where one writer thread serves everyone (SQLite).
class GroupCommitTest : public StoreContractTest {};

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
      return tx.InsertPerson({"blocker", "b", "0"});
    }));
  });
  while (!blocking) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  Status first, failing, last;
  std::thread t1([&] { first = InsertPerson("first"); });
  std::thread t2([&] {
    failing = store_->Write([](ports::Transaction& tx) -> Status {
      TB_RETURN_IF_ERROR(tx.InsertPerson({"failing", "f", "0"}));
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

// ---- durability and migrations ----

TEST_P(StoreContractTest, AcknowledgedWritesSurviveReopening) {
  ASSERT_OK(InsertPerson("p1"));
  ASSERT_OK(Write([](ports::Transaction& tx) { return tx.InsertApplication(SampleApplication(AppId(1))); }));
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
          if (!(*store)->Write([&](ports::Transaction& tx) { return tx.InsertPerson({id, "k", "1"}); }).ok()) {
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
    for (const int k : acknowledged) EXPECT_TRUE(tx.GetPerson(KilledWriterId(k)).ok()) << k;
    return Ok();
  }));
}

// The database at `url` lists every built-in migration as applied, once each, in order from 1.
void ExpectEveryMigrationAppliedOnce(const std::string& url) {
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

// What only a database server can do to its clients (PostgreSQL).
class ServerStoreTest : public StoreContractTest {};

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

std::vector<StoreTarget> ServerTargets() {
  std::vector<StoreTarget> targets = testing::StoreTargets();
  std::erase_if(targets, [](const StoreTarget& target) { return target.group_commit; });
  return targets;
}

INSTANTIATE_TEST_SUITE_P(Databases, StoreContractTest, ::testing::ValuesIn(testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<StoreTarget>& info) { return info.param.name; });
// Without TONGBAN_TEST_PG_URL there is no server to test: the suite is not instantiated at all.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ServerStoreTest);
INSTANTIATE_TEST_SUITE_P(Databases, ServerStoreTest, ::testing::ValuesIn(ServerTargets()),
                         [](const ::testing::TestParamInfo<StoreTarget>& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Databases, GroupCommitTest, ::testing::Values(testing::SqliteTarget()),
                         [](const ::testing::TestParamInfo<StoreTarget>& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::storage
