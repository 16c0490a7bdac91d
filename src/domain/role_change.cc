#include "domain/role_change.h"

#include <algorithm>
#include <array>

#include "common/enum_names.h"

namespace tongban::domain {
namespace {

constexpr std::array kActionNames = {
    EnumName<RoleChangeAction>{RoleChangeAction::kCreated, "created"},
    EnumName<RoleChangeAction>{RoleChangeAction::kGranted, "granted"},
    EnumName<RoleChangeAction>{RoleChangeAction::kWithdrawn, "withdrawn"},
    EnumName<RoleChangeAction>{RoleChangeAction::kRecorded, "recorded"},
};

}  // namespace

const char* RoleChangeActionName(RoleChangeAction action) { return NameOf(kActionNames, action); }

std::optional<RoleChangeAction> ParseRoleChangeAction(std::string_view name) { return ValueOf(kActionNames, name); }

std::vector<Role> WithRole(const std::vector<Role>& roles, Role role) {
  std::vector<Role> out = roles;
  if (std::find(out.begin(), out.end(), role) == out.end()) out.push_back(role);
  return out;
}

std::vector<Role> WithoutRole(const std::vector<Role>& roles, Role role) {
  std::vector<Role> out;
  for (const Role r : roles) {
    if (r != role) out.push_back(r);
  }
  return out;
}

bool RoleNeedsDepartment(Role role) { return role == Role::kReviewer; }

bool RoleNeedsDepartmentOrCentre(Role role) { return role == Role::kClerk; }

std::string RoleAssignmentLines(const std::string& username, const std::vector<Role>& roles,
                                const std::string& department, const std::string& centre) {
  std::vector<Role> sorted = roles;
  std::sort(sorted.begin(), sorted.end());
  std::string scope = department;
  if (!centre.empty()) scope += (scope.empty() ? "" : "/") + centre;
  if (scope.empty()) scope = "-";
  std::string out;
  for (const Role role : sorted) {
    out += username;
    out += " · ";
    out += RoleName(role);
    out += " · ";
    out += scope;
    out += '\n';
  }
  return out;
}

}  // namespace tongban::domain
