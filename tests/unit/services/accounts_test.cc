// Accounts and sessions on the real SQL store and a fake clock, on every database the build can
// reach: login throttling per account across addresses and per guessing address (finding 8 of the
// security review), bounded login fields and hashed throttling keys (finding 5), a sign-in ends the
// session it replaces (finding 7), housekeeping.
#include "services/accounts.h"

#include <gtest/gtest.h>

#include "services_fixture.h"
#include "storage/driver.h"

namespace tongban::services {
namespace {

constexpr char kPassword[] = "a-long-password";

using testing::StoreFixture;

class AccountsTest : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    domain::CatalogueData data;
    data.departments = {{"market", {"市场监管局", "Market regulation"}}};
    ServeCatalogue(std::move(data));
    AddCitizen("zhang.wei", "11010519491231002X");
    AddCitizen("li.na", "110101199003070935");
  }

  void AddCitizen(const std::string& username, const std::string& person) {
    NewUser u;
    u.username = username;
    u.password = kPassword;
    u.person_id = person;
    AddUser(std::move(u));
  }

  ErrorCode LoginCode(const std::string& username, const std::string& password, const std::string& address) {
    auto r = Login(ctx_, username, password, address);
    return r.ok() ? ErrorCode::kInternal : r.error().code;  // kInternal stands for "signed in"
  }
  static constexpr ErrorCode kSignedIn = ErrorCode::kInternal;

  // Every key in login_failures, read with plain SQL (what a database dump would show).
  std::vector<std::string> FailureKeys() {
    std::vector<std::string> keys;
    auto driver = storage::MakeDriver(url_, storage::DriverOptions{});
    EXPECT_TRUE(driver.ok());
    auto connection = (*driver)->OpenReader();
    EXPECT_TRUE(connection.ok());
    auto select = (*connection)->Prepare("SELECT key FROM login_failures ORDER BY key");
    EXPECT_TRUE(select.ok());
    while (true) {
      auto row = (*select)->Step();
      EXPECT_TRUE(row.ok());
      if (!row.ok() || !*row) break;
      keys.push_back((*select)->ColumnText(0));
    }
    return keys;
  }
};

TEST(AccountDelayTest, GrowsFromThirtySecondsToFifteenMinutes) {
  const std::pair<int, int> cases[] = {{0, 0}, {4, 0}, {5, 30}, {6, 60}, {7, 120}, {9, 480}, {10, 900}, {60, 900}, {99, 900}};
  for (const auto& [failures, seconds] : cases) EXPECT_EQ(AccountDelay(failures).count(), seconds) << failures;
}

TEST(NormaliseUsernameTest, TrimsAndLowerCasesAsciiOnly) {
  EXPECT_EQ(NormaliseUsername("  Zhang.Wei\t"), "zhang.wei");
  EXPECT_EQ(NormaliseUsername("   "), "");
  EXPECT_EQ(NormaliseUsername("ÄB"), "Äb");
}

TEST_P(AccountsTest, Finding8AccountIsThrottledAcrossAddressesWithGrowingDelays) {
  for (int i = 0; i < kFreeAccountFailures; ++i) {
    EXPECT_EQ(LoginCode("zhang.wei", "wrong", "10.0.0." + std::to_string(i + 1)), ErrorCode::kUnauthenticated);
  }
  // Five addresses, one account: every address now waits, the right password included.
  EXPECT_EQ(LoginCode("zhang.wei", kPassword, "10.0.0.66"), ErrorCode::kResourceExhausted);
  EXPECT_EQ(LoginCode("zhang.wei", kPassword, "10.0.0.1"), ErrorCode::kResourceExhausted);
  EXPECT_EQ(LoginCode("li.na", kPassword, "10.0.0.1"), kSignedIn) << "other accounts are not affected";
  clock_.Advance(std::chrono::seconds(29));
  EXPECT_EQ(LoginCode("zhang.wei", kPassword, "10.0.0.66"), ErrorCode::kResourceExhausted);
  clock_.Advance(std::chrono::seconds(1));  // 30 s after the fifth failure
  EXPECT_EQ(LoginCode("zhang.wei", "wrong", "10.0.0.66"), ErrorCode::kUnauthenticated);
  // The sixth failure doubles the wait.
  clock_.Advance(std::chrono::seconds(59));
  EXPECT_EQ(LoginCode("zhang.wei", kPassword, "10.0.0.7"), ErrorCode::kResourceExhausted);
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(LoginCode("zhang.wei", kPassword, "10.0.0.7"), kSignedIn);
  // A success ends the run of failures: the next mistake is free again.
  EXPECT_EQ(LoginCode("zhang.wei", "wrong", "10.0.0.7"), ErrorCode::kUnauthenticated);
  EXPECT_EQ(LoginCode("zhang.wei", kPassword, "10.0.0.7"), kSignedIn);
}

TEST_P(AccountsTest, Finding8AnAccountTakesAtMostAHundredFailuresADay) {
  int failures = 0;
  for (; failures < kMaxAccountFailures; ++failures) {
    clock_.Advance(AccountDelay(failures));
    ASSERT_EQ(LoginCode("zhang.wei", "wrong", "10.1.0." + std::to_string(failures % 250)), ErrorCode::kUnauthenticated)
        << "failure " << failures + 1;
  }
  // The delays made the hundred failures take most of a day; however long the attacker waits now,
  // the account takes no attempt until failures leave the 24-hour window.
  clock_.Advance(kMaxAccountDelay * 4);
  EXPECT_EQ(LoginCode("zhang.wei", kPassword, "10.2.0.1"), ErrorCode::kResourceExhausted);
  clock_.Set({2026, 9, 30});
  EXPECT_EQ(LoginCode("zhang.wei", kPassword, "10.2.0.1"), kSignedIn);
}

TEST_P(AccountsTest, Finding8ASprayingAddressStillLetsOthersSignInWithTheRightPassword) {
  const std::string nat = "10.9.9.9";
  for (int i = 0; i < kMaxFailuresPerAddress; ++i) {
    ASSERT_EQ(LoginCode("user" + std::to_string(i), "guess", nat), ErrorCode::kUnauthenticated) << i;
  }
  // One guess per account from the guessing address; elsewhere the account is not throttled yet.
  EXPECT_EQ(LoginCode("user0", "guess", nat), ErrorCode::kResourceExhausted);
  EXPECT_EQ(LoginCode("user0", "guess", "10.8.8.8"), ErrorCode::kUnauthenticated);
  // A person behind the same address, with no failures of their own, signs in.
  EXPECT_EQ(LoginCode("li.na", kPassword, nat), kSignedIn);
  // One who mistyped there waits for the address to calm down (or signs in elsewhere).
  EXPECT_EQ(LoginCode("zhang.wei", "wrong", nat), ErrorCode::kUnauthenticated);
  EXPECT_EQ(LoginCode("zhang.wei", kPassword, nat), ErrorCode::kResourceExhausted);
  EXPECT_EQ(LoginCode("zhang.wei", kPassword, "10.8.8.8"), kSignedIn);
  clock_.Advance(kAddressWindow + std::chrono::seconds(1));  // the spraying has stopped
  EXPECT_EQ(LoginCode("li.na", "wrong", nat), ErrorCode::kUnauthenticated);
  EXPECT_EQ(LoginCode("li.na", kPassword, nat), kSignedIn);
}

TEST_P(AccountsTest, Finding5LongUsernameOrPasswordIsRefusedAndNothingIsStored) {
  const std::string huge(10 * 1024 * 1024, 'a');
  EXPECT_EQ(LoginCode(huge, "wrong-password", "10.0.0.1"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(LoginCode(std::string(kMaxUsernameBytes + 1, 'a'), "wrong-password", "10.0.0.1"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(LoginCode("zhang.wei", std::string(kMaxPasswordBytes + 1, 'p'), "10.0.0.1"), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(FailureKeys().empty());
  // At the bounds a sign-in is an ordinary failure.
  EXPECT_EQ(LoginCode(std::string(kMaxUsernameBytes, 'a'), std::string(kMaxPasswordBytes, 'p'), "10.0.0.1"),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(FailureKeys().size(), 2u);
}

TEST_P(AccountsTest, Finding5LoginFailuresAreKeyedByHashesNotByWhatWasTyped) {
  EXPECT_EQ(LoginCode("Zhang.Wei", "wrong", "203.0.113.7"), ErrorCode::kUnauthenticated);
  EXPECT_EQ(LoginCode(" zhang.wei ", "wrong", "203.0.113.7"), ErrorCode::kUnauthenticated);
  const std::vector<std::string> keys = FailureKeys();
  ASSERT_EQ(keys.size(), 4u);
  for (const auto& key : keys) {
    EXPECT_LE(key.size(), ports::kMaxLoginFailureKey);
    EXPECT_EQ(key.find("zhang"), std::string::npos) << key;
    EXPECT_EQ(key.find("203.0.113"), std::string::npos) << key;
  }
  // Both spellings are one account: the same key twice.
  EXPECT_EQ(keys[0], keys[1]);
  EXPECT_EQ(keys[2], keys[3]);
  EXPECT_EQ(LoginCode("ZHANG.WEI", kPassword, "203.0.113.7"), kSignedIn);
}

TEST_P(AccountsTest, Finding5AccountAndAgentUsernamesAndPasswordsAreBounded) {
  NewUser u;
  u.username = "wu.lei";
  u.password = std::string(kMaxPasswordBytes + 1, 'p');
  u.person_id = "310115199001010010";
  u.name = "吴磊";
  auto created = CreateUser(ctx_, u);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().message, "error.user.password_long");
  u.username = std::string(65, 'w');
  u.password = kPassword;
  EXPECT_EQ(CreateUser(ctx_, u).error().message, "error.user.username");

  NewUser admin;
  admin.username = "wang.fang";
  admin.password = kPassword;
  admin.role = domain::Role::kEnterpriseAgent;
  admin.person_id = "310115199001010010";
  admin.name = "王芳";
  admin.enterprise = "91350100M000100Y43";
  auto founder = CreateUser(ctx_, admin);
  ASSERT_TRUE(founder.ok()) << founder.error().message;
  AgentRights rights;
  rights.enterprise = admin.enterprise;
  rights.username = std::string(10 * 1024 * 1024, 'z');
  rights.may_apply = true;
  auto grant = GrantAgentRights(ctx_, Actor{*founder, domain::Channel::kWeb, "127.0.0.1"}, rights);
  ASSERT_FALSE(grant.ok());
  EXPECT_EQ(grant.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(AccountsTest, Finding7SigningInEndsTheSessionItReplaces) {
  auto first = Login(ctx_, "li.na", kPassword, "10.0.0.1");
  ASSERT_TRUE(first.ok());
  auto second = Login(ctx_, "zhang.wei", kPassword, "10.0.0.1", first->token);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(Authenticate(ctx_, first->token).error().code, ErrorCode::kUnauthenticated);
  EXPECT_TRUE(Authenticate(ctx_, second->token).ok());
  // A failed sign-in ends nothing.
  EXPECT_FALSE(Login(ctx_, "li.na", "wrong", "10.0.0.1", second->token).ok());
  EXPECT_TRUE(Authenticate(ctx_, second->token).ok());
}

TEST_P(AccountsTest, HousekeepingRemovesExpiredSessionsAndOldFailuresOnly) {
  ASSERT_TRUE(Login(ctx_, "zhang.wei", kPassword, "10.0.0.1").ok());
  EXPECT_FALSE(Login(ctx_, "zhang.wei", "wrong", "10.0.0.2").ok());
  auto none = PruneExpired(ctx_);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
  clock_.Set({2026, 9, 29}, 9);  // 23 hours later: the session (12 h) is old, the failures (24 h) are not
  auto sessions = PruneExpired(ctx_);
  ASSERT_TRUE(sessions.ok()) << sessions.error().message;
  EXPECT_EQ(*sessions, 1);
  clock_.Set({2026, 9, 30});
  auto failures = PruneExpired(ctx_);
  ASSERT_TRUE(failures.ok()) << failures.error().message;
  EXPECT_EQ(*failures, 2);  // the account's and the address's
}

INSTANTIATE_TEST_SUITE_P(Databases, AccountsTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<storage::testing::StoreTarget>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace tongban::services
