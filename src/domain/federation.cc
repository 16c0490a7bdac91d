#include "domain/federation.h"

#include <algorithm>
#include <chrono>

namespace tongban::domain {

bool IsPlatformCode(std::string_view code) {
  if (code.empty() || code.size() > 16) return false;
  return std::all_of(code.begin(), code.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

bool PeerListServes(const Peer& peer, Timestamp now) {
  return !peer.list_jws.empty() && peer.valid_until && now < *peer.valid_until;
}

Timestamp NextRefresh(Timestamp fetched_at, Timestamp valid_until) {
  if (valid_until <= fetched_at) return fetched_at;
  const auto half = (valid_until - fetched_at) / 2;
  Timestamp at = fetched_at + std::chrono::duration_cast<std::chrono::seconds>(half);
  const Timestamp hour_before = valid_until - std::chrono::hours(1);
  if (hour_before > fetched_at && at > hour_before) at = hour_before;
  return at;
}

Timestamp RetryAfterFailure(const Peer& peer, Timestamp now) {
  Timestamp at = now + std::chrono::minutes(5);
  if (PeerListServes(peer, now) && at > *peer.valid_until) at = *peer.valid_until;
  return at;
}

const char* CaseSideName(CaseSide side) { return side == CaseSide::kHandler ? "handler" : "origin"; }

std::optional<CaseSide> ParseCaseSide(std::string_view name) {
  if (name == "origin") return CaseSide::kOrigin;
  if (name == "handler") return CaseSide::kHandler;
  return std::nullopt;
}

}  // namespace tongban::domain
