// Accounts (docs/product.md "Who uses it"): persons, enterprises and their agents, officials with
// roles scoped to a department or a service centre. Thread-safety: plain value types.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/time.h"

namespace tongban::domain {

enum class Role { kCitizen, kEnterpriseAgent, kClerk, kReviewer, kDataOwner, kSupervisor, kAdmin,
                  kReformOffice };  // the city's reform office (审改办): escalated rectifications
const char* RoleName(Role role);  // "citizen", "enterprise_agent", "clerk", ...
std::optional<Role> ParseRole(std::string_view name);
bool IsOfficialRole(Role role);

enum class UserKind { kPerson, kOfficial };
const char* UserKindName(UserKind kind);  // "person", "official"
std::optional<UserKind> ParseUserKind(std::string_view name);

struct Person {
  std::string id;           // resident identity number (GB 11643)
  std::string name;
  std::string phone;
};

struct Enterprise {
  std::string code;  // unified social credit code (GB 32100)
  std::string name;
  std::string admin_user_id;  // the person who administers the enterprise's agents
};

// The rights an enterprise's administrator gives an agent.
struct AgentGrant {
  std::string enterprise;  // credit code
  std::string user_id;
  bool may_apply = true;      // create, edit and submit applications for the enterprise
  bool may_withdraw = false;  // withdraw the enterprise's applications
  std::vector<std::string> items;  // item codes; empty means every item
};

struct User {
  std::string id;
  std::string username;
  std::string password_hash;  // argon2id encoded string; never logged
  UserKind kind = UserKind::kPerson;
  std::vector<Role> roles;
  std::string person_id;    // persons: their resident id
  std::string display_name;
  std::string department;   // officials: Department code, or empty
  std::string centre;       // officials: ServiceCentre code, or empty
  Timestamp created_at{};

  bool HasRole(Role role) const;
};

struct Session {
  std::string token_hash;  // SHA-256 of the bearer token, hex; the token itself is never stored
  std::string user_id;
  std::string csrf_token;
  Timestamp created_at{};
  Timestamp expires_at{};
  std::string acting_enterprise;  // credit code the agent acts for in this session; "" for themselves
  std::string kind;  // "" an ordinary session; "kiosk" one opened at a kiosk (services/kiosk.h)
};

}  // namespace tongban::domain
