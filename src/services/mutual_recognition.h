// Mutual recognition (issue 14 item 3, online): POST /api/v1/verify accepts a licence signed by a
// peer's issuer, found in the peer's cached trust list (services/federation.h), with its status
// bits from the peer's status list credential, fetched from the peer's address as stored here
// (never from a URL in the token) and kept in memory per server for kPeerStatusFreshness; the
// codec refuses a credential past its own validUntil, so a status is never older than the peer's
// TTL allows. A removed peer has no row, so its licences are unknown_issuer at once.
// A token of this platform's issuers is verified exactly as before (VerifyOnline), first.
// Thread-safety: PeerStatusCache is safe from every thread; the functions are stateless.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ports/outbound_http.h"
#include "services/context.h"
#include "services/verification.h"

namespace tongban::services {

inline constexpr std::chrono::seconds kPeerStatusFreshness{60};
inline constexpr size_t kMaxPeerStatusEntries = 1000;

class PeerStatusCache {
 public:
  // The credential of (peer, list) fetched less than kPeerStatusFreshness before `now`.
  std::optional<std::string> Get(const std::string& peer, const std::string& list_id, Timestamp now) const;
  void Put(const std::string& peer, const std::string& list_id, std::string credential, Timestamp now);

 private:
  struct Entry {
    std::string credential;
    Timestamp fetched_at{};
  };
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

// A status list credential to fetch from a peer.
struct PeerStatusFetch {
  std::string peer;
  std::string list_id;
  std::string url;  // {peer url}/api/v1/status-lists/{list id}
};

// The peer status lists a token needs that the cache lacks: none for a token no peer's list names,
// or when all are cached. For tokens VerifyOnline found of an unknown issuer (it does not look at
// this platform's own issuers).
Result<std::vector<PeerStatusFetch>> PeerStatusFetches(const Context& ctx, const PeerStatusCache& cache,
                                                       std::string_view token);
// Fetches them into the cache (a failed fetch leaves nothing: the status is then unknown); `done`
// runs once, on the client's thread, when all have answered.
void FetchPeerStatus(ports::OutboundHttp& http, const ports::Clock& clock, PeerStatusCache& cache,
                     std::vector<PeerStatusFetch> fetches, std::function<void()> done);
// VerifyOnline; when the token's issuer is not one of this platform's, the peers' cached lists
// (the first that knows the key) and their cached status lists. A presentation of a peer's
// licence cannot be checked for reuse here (a reason says so).
Result<Verification> VerifyWithPeers(const Context& ctx, const PeerStatusCache& cache, std::string_view token,
                                     const VerifyExpectations& expect);

}  // namespace tongban::services
