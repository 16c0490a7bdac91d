// Family proxies (issue 12 item 4): a person lets a family member (the proxy, a citizen with an
// account) apply for them and follow their applications, for chosen personal items, until a date,
// and may withdraw that at any time. Pure rules: no SQL, clock or JSON.
// Thread-safety: values and pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/time.h"

namespace tongban::domain {

// The longest a grant may run: a person renews it yearly at most, so a forgotten grant ends.
inline constexpr int kMaxProxyDays = 366;
// The most items one grant names (the personal items of the catalogue are far fewer).
inline constexpr int kMaxProxyItems = 200;

struct ProxyGrant {
  std::string id;
  std::string grantor_user_id;    // the person who grants ...
  std::string grantor_person_id;  // ... and their person (whose applications the proxy files)
  std::string proxy_user_id;      // the family member who acts for them
  std::vector<std::string> items;  // item codes, never empty
  Timestamp valid_until{};         // the grant ends at this instant
  Timestamp created_at{};
  std::optional<Timestamp> withdrawn_at;
  // Read with the grant, for showing it: the grantor's and the proxy's names and the proxy's username.
  std::string grantor_name;
  std::string proxy_name;
  std::string proxy_username;
};

// Whether the grant lets its proxy act at `at`: not withdrawn and not yet ended.
bool ProxyGrantLive(const ProxyGrant& grant, Timestamp at);
// Whether the grant names `item`.
bool ProxyGrantCovers(const ProxyGrant& grant, const std::string& item);
// "live", "expired" or "withdrawn" at `at`.
const char* ProxyGrantStatus(const ProxyGrant& grant, Timestamp at);

}  // namespace tongban::domain
