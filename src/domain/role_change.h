// Role changes (issue 13 item 6, docs/product.md C14): an official's roles are granted and
// withdrawn by administrators, each change a decision record with who, when and why. The current
// roles stay on the account (User::roles); the records say how they came to be, and the roles an
// account held at any point in time are those after its latest change before it.
// Thread-safety: plain value types and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"
#include "domain/account.h"

namespace tongban::domain {

// kCreated: the account's first role (`tongban user add`); kRecorded: the roles an account held when
// the records began (migration V031), no role of its own.
enum class RoleChangeAction { kCreated, kGranted, kWithdrawn, kRecorded };
const char* RoleChangeActionName(RoleChangeAction action);  // "created", "granted", ...
std::optional<RoleChangeAction> ParseRoleChangeAction(std::string_view name);

// The longest reason a role change may give, in characters (domain/limits.h counts the same way).
inline constexpr size_t kMaxRoleChangeReason = 500;

struct RoleChange {
  std::string id;
  std::string user_id;
  std::string username;
  RoleChangeAction action = RoleChangeAction::kGranted;
  std::optional<Role> role;  // nullopt for kRecorded
  std::string department;    // the account's scope when the change was made ("" when none)
  std::string centre;
  std::vector<Role> roles_after;  // the account's roles after the change
  std::string changed_by;         // the administrator's username, or who ran the command line
  Timestamp changed_at{};
  std::string reason;
};

// The roles `roles` with `role` added (kept once, in the order held) or removed.
std::vector<Role> WithRole(const std::vector<Role>& roles, Role role);
std::vector<Role> WithoutRole(const std::vector<Role>& roles, Role role);

// Whether a role needs the account to have a scope: a clerk a department or a centre, a reviewer
// a department (the same rule as creating an account).
bool RoleNeedsDepartment(Role role);
bool RoleNeedsDepartmentOrCentre(Role role);

// One account's role assignments as lines of text for a side-by-side comparison, one line per role
// in role order: "username · role · department/centre". Empty for no roles.
std::string RoleAssignmentLines(const std::string& username, const std::vector<Role>& roles,
                                const std::string& department, const std::string& centre);

}  // namespace tongban::domain
