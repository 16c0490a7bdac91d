// Mutual recognition (issue 14 item 3): a licence signed by a peer's issuer verifies here, online
// (POST /api/v1/verify, the verification page, the window's licence check) and offline
// (`tongban verify` with the peers' lists from the database or a file of
// `tongban federation export-lists`).
//
// Online, the peer whose cached trust list knows the token's signing key answers for it; its status
// bits come from the peer's status list credential, fetched from the peer's address as stored here
// (never from a URL in the token) and kept in memory per server for kPeerStatusFreshness; the
// codec refuses a credential past its own validUntil, so a status is never older than the peer's
// TTL allows. A removed peer has no row, so its licences are unknown_issuer at once.
//
// Hot path: a token of this platform's issuers is verified exactly as before, first, against the
// cached copy of our list. Only a kid that copy does not know goes to the peers' lists, which are
// parsed once per stored fetch (PeerListCache, keyed by fetched_at); when no peer knows the kid
// either, our own list is rebuilt and checked again (a key added since).
//
// Only a peer's own issuers are trusted through it (platform = its code): the federated issuers
// its list carries are the peer's peers, whom this platform trusts only if it peers with them too.
// Thread-safety: stateless functions; the caches are safe from every thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ports/outbound_http.h"
#include "services/context.h"
#include "services/verification.h"

namespace tongban::services {

// A status list credential to fetch from a peer.
struct PeerStatusFetch {
  std::string peer;
  std::string list_id;
  std::string url;  // {peer url}/api/v1/status-lists/{list id}
};

// The first step of an online verification: the answer when nothing must be fetched first (our
// own licences, unknown issuers, peers' licences whose status lists are cached), otherwise the
// peer status lists to fetch (FetchPeerStatus) before VerifyWithPeers answers.
struct VerifyStep {
  std::optional<Verification> answer;
  std::vector<PeerStatusFetch> fetches;
};
// `cache` null: ctx.trust_cache's (none without it: peers' lists are parsed each time).
Result<VerifyStep> StartVerifyWithPeers(const Context& ctx, PeerStatusCache& cache, std::string_view token,
                                        const VerifyExpectations& expect);

// The peer status lists a token needs that the cache lacks: none for a token no peer's list names,
// or when all are cached.
Result<std::vector<PeerStatusFetch>> PeerStatusFetches(const Context& ctx, const PeerStatusCache& cache,
                                                       std::string_view token);
// Fetches them into the cache (a failed fetch leaves nothing: the status is then unknown); `done`
// runs once, on the client's thread, when all have answered.
void FetchPeerStatus(ports::OutboundHttp& http, const ports::Clock& clock, PeerStatusCache& cache,
                     std::vector<PeerStatusFetch> fetches, std::function<void()> done);
// VerifyOnline; when the token's issuer is not one of this platform's, the peers' cached lists
// (the first that knows the key) and their cached status lists (status_unknown for one not
// cached). A presentation of a peer's licence cannot be checked for reuse here (a reason says so).
Result<Verification> VerifyWithPeers(const Context& ctx, const PeerStatusCache& cache, std::string_view token,
                                     const VerifyExpectations& expect);

// The peer's cached list (checked against the peer's list key when it was fetched and stored)
// reduced to the peer's own issuers. kInvalidArgument (verify.reason.trust_list...) when it cannot be
// read, has expired at `now` or names another platform than the peer's code.
Result<PeerTrust> ParsePeerTrust(const ports::TokenCodec& codec, const domain::Peer& peer, Timestamp now);

// Adds the peers' own issuers to `list` (our signed trust list: "ours and federated"), each with
// its platform's code, and nothing of a peer whose list does not serve.
Status AddPeerIssuers(const Context& ctx, ports::TrustList& list);

// Offline (`tongban verify`): `own` first; a token of an issuer it does not know against each of
// `peers` (the first that knows the key), with the status list credentials given.
Verification VerifyOfflineWithPeers(const ports::TokenCodec& codec, const ports::TrustList& own,
                                    const std::vector<PeerTrust>& peers,
                                    const std::vector<std::string>& status_credentials, std::string_view token,
                                    const VerifyExpectations& expect, Timestamp now);

}  // namespace tongban::services
