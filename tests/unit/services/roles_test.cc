// Role grants as decision records (issue 13 item 6): granting and withdrawing an official's roles
// with who, when and a reason, in one transaction with users.roles; the last administrator role
// cannot be withdrawn; the records list newest first and compare before and after, on both databases.
#include "services/roles.h"

#include "services/accounts.h"
#include "services_fixture.h"

namespace tongban::services::testing {
namespace {

class RolesTest : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    domain::CatalogueData data;
    data.departments = {{"market", {"市场监管局", "Market regulation"}}};
    ServeCatalogue(std::move(data));
    admin_ = AddUser({.username = "admin", .role = domain::Role::kAdmin, .created_by = "setup"});
    clock_.Advance(std::chrono::minutes(1));
    reform_ = AddUser({.username = "reform", .role = domain::Role::kReformOffice});
    clock_.Advance(std::chrono::minutes(1));
    clerk_ = AddUser({.username = "clerk.market", .role = domain::Role::kClerk, .department = "market"});
    citizen_ = AddUser({.username = "zhang.wei", .role = domain::Role::kCitizen, .person_id = "11010519491231002X"});
    clock_.Advance(std::chrono::minutes(1));
  }

  Result<domain::RoleChange> Grant(const std::string& username, const std::string& role, const std::string& reason) {
    return GrantRoleAs(ctx_, admin_, {username, role, reason, ""});
  }
  Result<domain::RoleChange> Withdraw(const Actor& by, const std::string& username, const std::string& role,
                                      const std::string& reason) {
    return WithdrawRoleAs(ctx_, by, {username, role, reason, ""});
  }
  domain::User Stored(const std::string& username) {
    domain::User user;
    EXPECT_TRUE(ctx_.store->Read([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(user, tx.accounts().FindUserByUsername(username));
      return Ok();
    }).ok());
    return user;
  }

  Actor admin_;
  Actor reform_;
  Actor clerk_;
  Actor citizen_;
};

TEST_P(RolesTest, CreatingAnOfficialRecordsItsFirstRole) {
  auto roles = ListUserRoles(ctx_, admin_, "clerk.market", "", 10);
  ASSERT_TRUE(roles.ok()) << roles.error().message;
  ASSERT_EQ(roles->changes.changes.size(), 1u);
  const auto& created = roles->changes.changes[0];
  EXPECT_EQ(created.action, domain::RoleChangeAction::kCreated);
  EXPECT_EQ(created.role, domain::Role::kClerk);
  EXPECT_EQ(created.department, "market");
  EXPECT_EQ(created.changed_by, "command line");
  EXPECT_EQ(created.reason, "account created");
  auto admin_roles = ListUserRoles(ctx_, admin_, "admin", "", 10);
  ASSERT_TRUE(admin_roles.ok());
  EXPECT_EQ(admin_roles->changes.changes[0].changed_by, "setup");
  // A person's account has no role record and is not an official's.
  EXPECT_EQ(ListUserRoles(ctx_, admin_, "zhang.wei", "", 10).error().message, "error.roles.not_official");
}

TEST_P(RolesTest, GrantAndWithdrawChangeTheAccountAndAreRecordedWithWhoWhenAndWhy) {
  auto granted = Grant("clerk.market", "reviewer", "moved to the approval desk");
  ASSERT_TRUE(granted.ok()) << granted.error().message;
  EXPECT_EQ(granted->action, domain::RoleChangeAction::kGranted);
  EXPECT_EQ(granted->changed_by, "admin");
  EXPECT_EQ(granted->changed_at, clock_.Now());
  EXPECT_EQ(granted->roles_after, (std::vector<domain::Role>{domain::Role::kClerk, domain::Role::kReviewer}));
  EXPECT_TRUE(Stored("clerk.market").HasRole(domain::Role::kReviewer));
  // Sign-in sees the new role: it reads users.roles.
  auto signed_in = Login(ctx_, "clerk.market", "a-long-password", "10.0.0.1");
  ASSERT_TRUE(signed_in.ok()) << signed_in.error().message;
  EXPECT_TRUE(signed_in->user.HasRole(domain::Role::kReviewer));

  clock_.Advance(std::chrono::hours(1));
  auto withdrawn = Withdraw(admin_, "clerk.market", "clerk", "no longer at the window");
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.error().message;
  EXPECT_EQ(withdrawn->roles_after, (std::vector<domain::Role>{domain::Role::kReviewer}));
  EXPECT_EQ(withdrawn->reason, "no longer at the window");
  EXPECT_FALSE(Stored("clerk.market").HasRole(domain::Role::kClerk));

  auto roles = ListUserRoles(ctx_, admin_, "clerk.market", "", 2);
  ASSERT_TRUE(roles.ok());
  ASSERT_EQ(roles->changes.changes.size(), 2u);
  EXPECT_EQ(roles->changes.changes[0].id, withdrawn->id);  // newest first
  EXPECT_EQ(roles->changes.changes[1].id, granted->id);
  ASSERT_FALSE(roles->changes.next_page_token.empty());
  auto rest = ListUserRoles(ctx_, admin_, "clerk.market", roles->changes.next_page_token, 2);
  ASSERT_TRUE(rest.ok()) << rest.error().message;
  ASSERT_EQ(rest->changes.changes.size(), 1u);
  EXPECT_EQ(rest->changes.changes[0].action, domain::RoleChangeAction::kCreated);
  EXPECT_TRUE(rest->changes.next_page_token.empty());
}

TEST_P(RolesTest, RefusalsSayWhatToFixAndChangeNothing) {
  EXPECT_EQ(Grant("clerk.market", "reviewer", "  ").error().message, "error.roles.reason_required");
  EXPECT_EQ(Grant("clerk.market", "reviewer", std::string(501, 'x')).error().message, "error.roles.reason_long");
  EXPECT_EQ(Grant("clerk.market", "mayor", "why").error().message, "error.roles.unknown_role");
  EXPECT_EQ(Grant("clerk.market", "citizen", "why").error().message, "error.roles.person_role");
  EXPECT_EQ(Grant("clerk.market", "clerk", "why").error().message, "error.roles.already_held");
  EXPECT_EQ(Grant("nobody", "clerk", "why").error().message, "error.user.not_found");
  EXPECT_EQ(Grant("zhang.wei", "clerk", "why").error().message, "error.roles.not_official");
  EXPECT_EQ(Grant("reform", "reviewer", "why").error().message, "error.roles.needs_department");
  EXPECT_EQ(Grant("reform", "clerk", "why").error().message, "error.roles.needs_scope");
  EXPECT_EQ(Withdraw(admin_, "clerk.market", "admin", "why").error().message, "error.roles.not_held");
  auto not_admin = GrantRoleAs(ctx_, reform_, {"clerk.market", "supervisor", "why", ""});
  EXPECT_EQ(not_admin.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(not_admin.error().message, "error.roles.admin_only");
  EXPECT_EQ(GrantRole(ctx_, {"clerk.market", "supervisor", "why", " "}).error().message, "error.roles.by_required");
  auto roles = ListUserRoles(ctx_, admin_, "clerk.market", "", 10);
  ASSERT_TRUE(roles.ok());
  EXPECT_EQ(roles->changes.changes.size(), 1u);  // only the account's creation
  EXPECT_EQ(Stored("clerk.market").roles, std::vector<domain::Role>{domain::Role::kClerk});
}

TEST_P(RolesTest, TheLastAdministratorRoleCannotBeWithdrawn) {
  auto refused = Withdraw(admin_, "admin", "admin", "leaving");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(refused.error().message, "error.roles.last_admin");
  EXPECT_TRUE(Stored("admin").HasRole(domain::Role::kAdmin));
  // With a second administrator, the first may go; then the second is the last.
  ASSERT_TRUE(Grant("reform", "admin", "second administrator").ok());
  ASSERT_TRUE(Withdraw(admin_, "admin", "admin", "leaving").ok());
  EXPECT_FALSE(Stored("admin").HasRole(domain::Role::kAdmin));
  Actor second{Stored("reform"), domain::Channel::kWeb, "127.0.0.1"};
  EXPECT_EQ(Withdraw(second, "reform", "admin", "leaving too").error().message, "error.roles.last_admin");
  // The command line is held to the same rule.
  EXPECT_EQ(WithdrawRole(ctx_, {"reform", "admin", "cli", "ops"}).error().message, "error.roles.last_admin");
}

TEST_P(RolesTest, DecisionRecordsListEveryChangeNewestFirstForTheReformOffice) {
  ASSERT_TRUE(Grant("clerk.market", "supervisor", "inspections").ok());
  clock_.Advance(std::chrono::minutes(5));
  ASSERT_TRUE(Grant("reform", "data_owner", "data desk").ok());
  auto page = ListRoleChangeRecords(ctx_, reform_, "", 2);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->changes.size(), 2u);
  EXPECT_EQ(page->changes[0].username, "reform");
  EXPECT_EQ(page->changes[0].reason, "data desk");
  EXPECT_EQ(page->changes[1].username, "clerk.market");
  std::vector<std::string> all;
  std::string token;
  do {
    auto next = ListRoleChangeRecords(ctx_, admin_, token, 2);
    ASSERT_TRUE(next.ok()) << next.error().message;
    for (const auto& c : next->changes) all.push_back(c.username + ":" + domain::RoleChangeActionName(c.action));
    token = next->next_page_token;
  } while (!token.empty());
  EXPECT_EQ(all, (std::vector<std::string>{"reform:granted", "clerk.market:granted", "clerk.market:created",
                                           "reform:created", "admin:created"}));
  EXPECT_EQ(ListRoleChangeRecords(ctx_, clerk_, "", 2).error().message, "error.decisions.role");
  EXPECT_EQ(ListRoleChangeRecords(ctx_, admin_, "garbage", 2).error().message, "error.roles.page_token");
}

TEST_P(RolesTest, ComparisonShowsTheRolesBeforeAndAfterAChange) {
  auto granted = Grant("clerk.market", "supervisor", "inspections");
  ASSERT_TRUE(granted.ok());
  auto c = CompareRoleChange(ctx_, reform_, granted->id);
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->changes.size(), 1u);
  int same = 0;
  int added = 0;
  for (const auto& row : c->rows) {
    if (row.kind == domain::DiffRow::kSame) {
      ++same;
      EXPECT_EQ(row.old_text, "clerk.market · clerk · market");
    }
    if (row.kind == domain::DiffRow::kAdded) {
      ++added;
      EXPECT_EQ(row.new_text, "clerk.market · supervisor · market");
    }
  }
  EXPECT_EQ(same, 1);
  EXPECT_EQ(added, 1);
  EXPECT_EQ(CompareRoleChange(ctx_, reform_, "nope").error().message, "error.roles.change_not_found");
  EXPECT_EQ(CompareRoleChange(ctx_, clerk_, granted->id).error().code, ErrorCode::kPermissionDenied);
}

TEST_P(RolesTest, ComparisonBetweenTwoDaysShowsEveryChangedAccount) {
  const Date first = LocalDate(clock_.Now());
  clock_.Advance(std::chrono::hours(24));
  ASSERT_TRUE(Grant("clerk.market", "supervisor", "inspections").ok());
  clock_.Advance(std::chrono::hours(1));
  ASSERT_TRUE(Withdraw(admin_, "clerk.market", "clerk", "left the window").ok());
  ASSERT_TRUE(Grant("reform", "admin", "second administrator").ok());
  const Date second = LocalDate(clock_.Now());
  auto c = CompareRolesBetween(ctx_, reform_, first, second);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->changes.size(), 3u);
  std::string before;
  std::string after;
  for (const auto& row : c->rows) {
    if (row.old_line > 0) before += row.old_text + "\n";
    if (row.new_line > 0) after += row.new_text + "\n";
  }
  EXPECT_EQ(before, "clerk.market · clerk · market\nreform · reform_office · -\n");
  EXPECT_EQ(after, "clerk.market · supervisor · market\nreform · admin · -\nreform · reform_office · -\n");
  // Nothing changed on the first day after its end; the days must be in order.
  auto same_day = CompareRolesBetween(ctx_, reform_, first, first);
  ASSERT_TRUE(same_day.ok());
  EXPECT_TRUE(same_day->changes.empty());
  EXPECT_EQ(CompareRolesBetween(ctx_, reform_, second, first).error().message, "error.roles.days");
}

INSTANTIATE_TEST_SUITE_P(Databases, RolesTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::services::testing
