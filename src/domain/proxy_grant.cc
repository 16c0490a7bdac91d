#include "domain/proxy_grant.h"

#include <algorithm>

namespace tongban::domain {

bool ProxyGrantLive(const ProxyGrant& grant, Timestamp at) { return !grant.withdrawn_at && at < grant.valid_until; }

bool ProxyGrantCovers(const ProxyGrant& grant, const std::string& item) {
  return std::find(grant.items.begin(), grant.items.end(), item) != grant.items.end();
}

const char* ProxyGrantStatus(const ProxyGrant& grant, Timestamp at) {
  if (grant.withdrawn_at) return "withdrawn";
  return at < grant.valid_until ? "live" : "expired";
}

}  // namespace tongban::domain
