// Role grants as decision records (issue 13 item 6, docs/product.md C14): administrators grant and
// withdraw the roles of official accounts, each with who, when and a required reason. One
// transaction writes the account's current roles (users.roles, what sign-in and every check read),
// the append-only record of the change (role_changes) and the count of the role's holders; the
// platform's last administrator role cannot be withdrawn. The reform office and administrators
// list the changes beside the catalogue's versions (services/decision_records.h) and compare an
// account's roles before and after a change, or everyone's between two days, side by side.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/line_diff.h"
#include "domain/role_change.h"
#include "ports/role_change_repository.h"
#include "services/context.h"

namespace tongban::services {

inline constexpr int kRoleChangePageMax = 100;
// A comparison between two days covers at most this many changes (narrow the days otherwise).
inline constexpr int kMaxComparedRoleChanges = 200;

struct RoleChangeRequest {
  std::string username;
  std::string role;    // RoleName
  std::string reason;  // required, at most domain::kMaxRoleChangeReason characters
  std::string by;      // who decided: the administrator's username, or the --by of the command line
};

// Grants `role` to the official account `username` and records it. kInvalidArgument:
// error.roles.unknown_role, error.roles.person_role (citizen and enterprise_agent are not granted),
// error.roles.reason_required, error.roles.reason_long, error.roles.by_required,
// error.roles.needs_department (reviewer), error.roles.needs_scope (clerk: a department or a
// centre), error.roles.not_official (a person's account); kNotFound error.user.not_found;
// kConflict error.roles.already_held.
Result<domain::RoleChange> GrantRole(const Context& ctx, const RoleChangeRequest& request);
// Withdraws it. The same checks, kConflict error.roles.not_held, and kConflict error.roles.last_admin
// when it is the platform's only administrator.
Result<domain::RoleChange> WithdrawRole(const Context& ctx, const RoleChangeRequest& request);

// Records the first role of an official account created in `tx` (services/accounts.cc CreateUser).
Status RecordAccountCreated(const Context& ctx, ports::Transaction& tx, const domain::User& user,
                            const std::string& by);

// The admin API's and page's checks: kPermissionDenied (error.roles.admin_only) unless an admin;
// the change is recorded as made by the actor's username.
Status RequireRoleAdministrator(const Actor& actor);
Result<domain::RoleChange> GrantRoleAs(const Context& ctx, const Actor& actor, RoleChangeRequest request);
Result<domain::RoleChange> WithdrawRoleAs(const Context& ctx, const Actor& actor, RoleChangeRequest request);

struct RoleChangePage {
  std::vector<domain::RoleChange> changes;  // newest first
  std::string next_page_token;              // "" on the last page
};

struct UserRoles {
  domain::User user;  // password hash cleared
  RoleChangePage changes;
};
// An official's current roles and the changes that led to them, newest first (`page_token` from
// the previous page; `limit` 1..kRoleChangePageMax), for administrators. kNotFound
// error.user.not_found; kInvalidArgument error.roles.page_token, error.roles.page_size.
Result<UserRoles> ListUserRoles(const Context& ctx, const Actor& actor, const std::string& username,
                                const std::string& page_token, int limit);

// Every role change, newest first, for the decision records' readers (the reform office and
// administrators; kPermissionDenied error.decisions.role otherwise).
Result<RoleChangePage> ListRoleChangeRecords(const Context& ctx, const Actor& actor, const std::string& page_token,
                                             int limit);

struct RoleComparison {
  std::optional<domain::RoleChange> change;  // comparing one change: the change
  std::optional<Date> from_day;              // comparing two days: the end of `from_day` ...
  std::optional<Date> to_day;                // ... against the end of `to_day`
  std::vector<domain::RoleChange> changes;   // the changes compared, oldest first
  std::vector<domain::SideBySideRow> rows;   // the role assignments before beside after
};

// One account's roles just before the change `change_id` beside those just after it.
// kNotFound error.roles.change_not_found.
Result<RoleComparison> CompareRoleChange(const Context& ctx, const Actor& actor, const std::string& change_id);
// The role assignments of every account changed between the end of `from` and the end of `to` (in
// the city's time), as they stood at each. kInvalidArgument error.roles.days (to before from),
// error.roles.too_many_changes (more than kMaxComparedRoleChanges: choose fewer days).
Result<RoleComparison> CompareRolesBetween(const Context& ctx, const Actor& actor, Date from, Date to);

}  // namespace tongban::services
