// Accounts and sessions: the storage contract on every database.
#include "store_contract.h"

namespace tongban::storage {
namespace {


TEST_P(StoreContractTest, UserRoundTripsAndLooksUpByIdAndUsername) {
  const domain::User user = SampleUser("u1", "zhangsan");
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.accounts().InsertUser(user); }));

  for (const bool by_username : {false, true}) {
    const Result<domain::User> got = ReadValue<domain::User>([&](ports::Transaction& tx) {
      return by_username ? tx.accounts().FindUserByUsername("zhangsan") : tx.accounts().GetUser("u1");
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
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.accounts().InsertUser(user); }));
  const Result<domain::User> got = ReadValue<domain::User>([](ports::Transaction& tx) { return tx.accounts().GetUser("u2"); });
  ASSERT_OK(got);
  EXPECT_EQ(got->kind, domain::UserKind::kPerson);
  EXPECT_EQ(got->roles, std::vector<domain::Role>{domain::Role::kCitizen});
  EXPECT_EQ(got->person_id, "110101199003077777");
  EXPECT_EQ(got->department, "");
  EXPECT_EQ(got->centre, "");
}

TEST_P(StoreContractTest, DuplicateUserIdOrUsernameIsConflict) {
  ASSERT_OK(Write([](ports::Transaction& tx) { return tx.accounts().InsertUser(SampleUser("u1", "zhangsan")); }));
  EXPECT_CODE(Write([](ports::Transaction& tx) { return tx.accounts().InsertUser(SampleUser("u1", "other")); }),
              ErrorCode::kConflict);
  EXPECT_CODE(Write([](ports::Transaction& tx) { return tx.accounts().InsertUser(SampleUser("u9", "zhangsan")); }),
              ErrorCode::kConflict);
}

TEST_P(StoreContractTest, MissingAccountsAreNotFound) {
  EXPECT_CODE(ReadValue<domain::User>([](ports::Transaction& tx) { return tx.accounts().GetUser("nobody"); }),
              ErrorCode::kNotFound);
  EXPECT_CODE(ReadValue<domain::User>([](ports::Transaction& tx) { return tx.accounts().FindUserByUsername("nobody"); }),
              ErrorCode::kNotFound);
  EXPECT_CODE(GetPerson("nobody"), ErrorCode::kNotFound);
  EXPECT_CODE(ReadValue<domain::Enterprise>([](ports::Transaction& tx) { return tx.accounts().GetEnterprise("nobody"); }),
              ErrorCode::kNotFound);
  EXPECT_CODE(ReadValue<domain::AgentGrant>([](ports::Transaction& tx) { return tx.accounts().GetAgentGrant("e", "u"); }),
              ErrorCode::kNotFound);
  EXPECT_CODE(ReadValue<domain::Session>([](ports::Transaction& tx) { return tx.sessions().GetSession("h"); }),
              ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, PersonRoundTripsAndDuplicateIsConflict) {
  const domain::Person person{"110101199003077777", "王五", "13800138000"};
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.accounts().InsertPerson(person); }));
  const Result<domain::Person> got = GetPerson(person.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->name, "王五");
  EXPECT_EQ(got->phone, "13800138000");
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.accounts().InsertPerson(person); }), ErrorCode::kConflict);
}

TEST_P(StoreContractTest, EnterpriseRoundTripsAndDuplicateIsConflict) {
  const domain::Enterprise enterprise{"91310115MA1K4XXXXX", "上海小笼包有限公司", "u1"};
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.accounts().InsertEnterprise(enterprise); }));
  const Result<domain::Enterprise> got =
      ReadValue<domain::Enterprise>([&](ports::Transaction& tx) { return tx.accounts().GetEnterprise(enterprise.code); });
  ASSERT_OK(got);
  EXPECT_EQ(got->name, enterprise.name);
  EXPECT_EQ(got->admin_user_id, "u1");
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.accounts().InsertEnterprise(enterprise); }),
              ErrorCode::kConflict);
}

TEST_P(StoreContractTest, AgentGrantIsReplacedAndListedPerUser) {
  domain::AgentGrant grant{"E2", "u1", true, false, {"market.business-licence", "tax.register"}};
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.accounts().PutAgentGrant(grant); }));
  grant.may_withdraw = true;
  grant.may_apply = false;
  grant.items.clear();
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.accounts().PutAgentGrant(grant); }));
  ASSERT_OK(Write([](ports::Transaction& tx) { return tx.accounts().PutAgentGrant({"E1", "u1", true, false, {"a"}}); }));
  ASSERT_OK(Write([](ports::Transaction& tx) { return tx.accounts().PutAgentGrant({"E1", "u2", true, true, {}}); }));

  const Result<domain::AgentGrant> got =
      ReadValue<domain::AgentGrant>([](ports::Transaction& tx) { return tx.accounts().GetAgentGrant("E2", "u1"); });
  ASSERT_OK(got);
  EXPECT_FALSE(got->may_apply);
  EXPECT_TRUE(got->may_withdraw);
  EXPECT_TRUE(got->items.empty());

  const Result<std::vector<domain::AgentGrant>> list = ReadValue<std::vector<domain::AgentGrant>>(
      [](ports::Transaction& tx) { return tx.accounts().ListAgentGrantsOfUser("u1"); });
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].enterprise, "E1");
  EXPECT_EQ((*list)[0].items, std::vector<std::string>{"a"});
  EXPECT_EQ((*list)[1].enterprise, "E2");
}

TEST_P(StoreContractTest, SessionInsertGetDelete) {
  ASSERT_OK(Write([](ports::Transaction& tx) { return tx.accounts().InsertUser(SampleUser("u1", "zhangsan")); }));
  const domain::Session session{"hash1", "u1", "csrf1", At(100), At(200)};
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.sessions().InsertSession(session); }));
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.sessions().InsertSession(session); }), ErrorCode::kConflict);

  const Result<domain::Session> got =
      ReadValue<domain::Session>([](ports::Transaction& tx) { return tx.sessions().GetSession("hash1"); });
  ASSERT_OK(got);
  EXPECT_EQ(got->user_id, "u1");
  EXPECT_EQ(got->csrf_token, "csrf1");
  EXPECT_EQ(got->created_at, At(100));
  EXPECT_EQ(got->expires_at, At(200));

  ASSERT_OK(Write([](ports::Transaction& tx) { return tx.sessions().DeleteSession("hash1"); }));
  EXPECT_CODE(ReadValue<domain::Session>([](ports::Transaction& tx) { return tx.sessions().GetSession("hash1"); }),
              ErrorCode::kNotFound);
  EXPECT_OK(Write([](ports::Transaction& tx) { return tx.sessions().DeleteSession("hash1"); }));  // logging out twice
}

// V022: a kiosk session keeps its kind, and its expiry slides (TouchSession); an ordinary one has none.
TEST_P(StoreContractTest, KioskSessionKeepsItsKindAndItsExpirySlides) {
  ASSERT_OK(Write([](ports::Transaction& tx) { return tx.accounts().InsertUser(SampleUser("u1", "zhangsan")); }));
  domain::Session kiosk{"kiosk1", "u1", "csrf1", At(100), At(160)};
  kiosk.kind = "kiosk";
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.sessions().InsertSession(kiosk); }));
  ASSERT_OK(Write([](ports::Transaction& tx) { return tx.sessions().InsertSession({"web1", "u1", "c", At(1), At(2)}); }));
  ASSERT_OK(Write([](ports::Transaction& tx) { return tx.sessions().TouchSession("kiosk1", At(190)); }));
  EXPECT_OK(Write([](ports::Transaction& tx) { return tx.sessions().TouchSession("nobody", At(190)); }));
  const Result<domain::Session> got =
      ReadValue<domain::Session>([](ports::Transaction& tx) { return tx.sessions().GetSession("kiosk1"); });
  ASSERT_OK(got);
  EXPECT_EQ(got->kind, "kiosk");
  EXPECT_EQ(got->expires_at, At(190));
  EXPECT_EQ(got->created_at, At(100));
  const Result<domain::Session> web =
      ReadValue<domain::Session>([](ports::Transaction& tx) { return tx.sessions().GetSession("web1"); });
  ASSERT_OK(web);
  EXPECT_EQ(web->kind, "");
}

TEST_P(StoreContractTest, SessionOfUnknownUserIsRefused) {
  EXPECT_CODE(Write([](ports::Transaction& tx) {
                return tx.sessions().InsertSession({"hash1", "ghost", "csrf", At(1), At(2)});
              }),
              ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, LoginFailuresAreCountedInTheWindowPerKey) {
  ASSERT_OK(Write([](ports::Transaction& tx) -> Status {
    for (int i = 0; i < 5; ++i) TB_RETURN_IF_ERROR(tx.sessions().RecordThrottleHit("user:u1", At(1000 + i * 60)));
    return tx.sessions().RecordThrottleHit("addr:10.0.0.1", At(1200));
  }));
  const auto count = [&](const std::string& key, int64_t since) {
    return ReadValue<ports::ThrottleCount>([&](ports::Transaction& tx) { return tx.sessions().CountThrottleHits(key, At(since)); })
        ->count;
  };
  EXPECT_EQ(count("user:u1", 0), 5);
  EXPECT_EQ(count("user:u1", 1120), 3);  // at 1120, 1180, 1240: the window includes its start
  EXPECT_EQ(count("user:u1", 1121), 2);
  EXPECT_EQ(count("user:u1", 5000), 0);
  EXPECT_EQ(count("addr:10.0.0.1", 0), 1);
  const auto latest = ReadValue<ports::ThrottleCount>(
      [&](ports::Transaction& tx) { return tx.sessions().CountThrottleHits("user:u1", At(0)); });
  ASSERT_OK(latest);
  EXPECT_EQ(latest->latest, At(1240));

  ASSERT_OK(Write([](ports::Transaction& tx) { return tx.sessions().ClearThrottleHits("user:u1"); }));
  EXPECT_EQ(count("user:u1", 0), 0);
  EXPECT_EQ(count("addr:10.0.0.1", 0), 1);
}

// Finding 5 of the security review: three sign-ins with a 10 MB username grew the database by
// 60 MB, the username being the key of its failure rows.
TEST_P(StoreContractTest, Finding5LoginFailureKeysAreBounded) {
  const std::string longest(ports::kMaxLoginFailureKey, 'k');
  EXPECT_OK(Write([&](ports::Transaction& tx) { return tx.sessions().RecordThrottleHit(longest, At(1)); }));
  EXPECT_CODE(Write([](ports::Transaction& tx) { return tx.sessions().RecordThrottleHit(std::string(10 << 20, 'k'), At(1)); }),
              ErrorCode::kInvalidArgument);
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.sessions().RecordThrottleHit(longest + "k", At(1)); }),
              ErrorCode::kInvalidArgument);
  EXPECT_EQ(ReadValue<ports::ThrottleCount>([&](ports::Transaction& tx) { return tx.sessions().CountThrottleHits(longest, At(0)); })
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
    TB_RETURN_IF_ERROR(tx.accounts().InsertUser(SampleUser("u1", "zhangsan")));
    for (int i = 0; i < 5; ++i) {
      TB_RETURN_IF_ERROR(tx.sessions().InsertSession({"old" + std::to_string(i), "u1", "c", At(10), At(100 + i)}));
      TB_RETURN_IF_ERROR(tx.sessions().RecordThrottleHit("user:u1", At(100 + i)));
    }
    TB_RETURN_IF_ERROR(tx.sessions().InsertSession({"live", "u1", "c", At(10), At(1000)}));
    return tx.sessions().RecordThrottleHit("user:u1", At(1000));
  }));
  const auto deleted = [&](bool sessions, int limit) {
    int64_t n = -1;
    EXPECT_OK(Write([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(n, sessions ? tx.sessions().DeleteExpiredSessions(At(500), limit)
                                      : tx.sessions().DeleteThrottleHitsBefore(At(500), limit));
      return Ok();
    }));
    return n;
  };
  EXPECT_EQ(deleted(true, 3), 3);
  EXPECT_EQ(deleted(true, 3), 2);
  EXPECT_EQ(deleted(true, 3), 0);
  EXPECT_EQ(deleted(false, 10), 5);
  EXPECT_OK(ReadValue<domain::Session>([](ports::Transaction& tx) { return tx.sessions().GetSession("live"); }));
  EXPECT_CODE(ReadValue<domain::Session>([](ports::Transaction& tx) { return tx.sessions().GetSession("old0"); }),
              ErrorCode::kNotFound);
  EXPECT_EQ(ReadValue<ports::ThrottleCount>([](ports::Transaction& tx) { return tx.sessions().CountThrottleHits("user:u1", At(0)); })
                ->count,
            1);
}

}  // namespace
}  // namespace tongban::storage
