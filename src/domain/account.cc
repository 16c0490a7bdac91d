#include "domain/account.h"

#include <algorithm>
#include <array>

namespace tongban::domain {
namespace {

struct RoleNameRow {
  Role role;
  const char* name;
};
constexpr std::array kRoleNames = {
    RoleNameRow{Role::kCitizen, "citizen"},       RoleNameRow{Role::kEnterpriseAgent, "enterprise_agent"},
    RoleNameRow{Role::kClerk, "clerk"},           RoleNameRow{Role::kReviewer, "reviewer"},
    RoleNameRow{Role::kDataOwner, "data_owner"},  RoleNameRow{Role::kSupervisor, "supervisor"},
    RoleNameRow{Role::kAdmin, "admin"},
};

}  // namespace

const char* RoleName(Role role) {
  for (const auto& row : kRoleNames) {
    if (row.role == role) return row.name;
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (const auto& row : kRoleNames) {
    if (name == row.name) return row.role;
  }
  return std::nullopt;
}

bool IsOfficialRole(Role role) { return role != Role::kCitizen && role != Role::kEnterpriseAgent; }

const char* UserKindName(UserKind kind) { return kind == UserKind::kOfficial ? "official" : "person"; }

bool User::HasRole(Role role) const { return std::find(roles.begin(), roles.end(), role) != roles.end(); }

}  // namespace tongban::domain
