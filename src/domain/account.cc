#include "domain/account.h"

#include <algorithm>
#include <array>

#include "common/enum_names.h"

namespace tongban::domain {
namespace {

constexpr std::array kRoleNames = {
    EnumName<Role>{Role::kCitizen, "citizen"},       EnumName<Role>{Role::kEnterpriseAgent, "enterprise_agent"},
    EnumName<Role>{Role::kClerk, "clerk"},           EnumName<Role>{Role::kReviewer, "reviewer"},
    EnumName<Role>{Role::kDataOwner, "data_owner"},  EnumName<Role>{Role::kSupervisor, "supervisor"},
    EnumName<Role>{Role::kAdmin, "admin"},
    EnumName<Role>{Role::kReformOffice, "reform_office"},
};

constexpr std::array kUserKindNames = {EnumName<UserKind>{UserKind::kPerson, "person"},
                                       EnumName<UserKind>{UserKind::kOfficial, "official"}};

}  // namespace

const char* RoleName(Role role) { return NameOf(kRoleNames, role); }

std::optional<Role> ParseRole(std::string_view name) { return ValueOf(kRoleNames, name); }

bool IsOfficialRole(Role role) { return role != Role::kCitizen && role != Role::kEnterpriseAgent; }

const char* UserKindName(UserKind kind) { return NameOf(kUserKindNames, kind); }

std::optional<UserKind> ParseUserKind(std::string_view name) { return ValueOf(kUserKindNames, name); }

bool User::HasRole(Role role) const { return std::find(roles.begin(), roles.end(), role) != roles.end(); }

}  // namespace tongban::domain
