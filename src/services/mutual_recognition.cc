#include "services/mutual_recognition.h"

#include <algorithm>
#include <memory>

#include "services/federation.h"

namespace tongban::services {
namespace {

// The peer whose cached list knows the token's signing key, with that list and the check.
struct PeerMatch {
  domain::Peer peer;
  ports::TrustList trust;
  ports::TokenCheck check;
};

Result<std::optional<PeerMatch>> FindPeerIssuer(const Context& ctx, std::string_view token) {
  if (ctx.tokens == nullptr) return MakeError(ErrorCode::kUnavailable, "error.keys.unavailable");
  const Timestamp now = ctx.clock->Now();
  std::string after;
  for (int page = 0; page < 100; ++page) {
    TB_ASSIGN_OR_RETURN(std::vector<domain::Peer> peers, ListPeers(ctx, after, ports::kMaxPeerPage));
    for (domain::Peer& peer : peers) {
      if (!domain::PeerListServes(peer, now)) continue;
      auto trust = ctx.tokens->ParseTrustList(peer.list_jws, now);
      if (!trust.ok()) continue;
      ports::TokenCheck check = ctx.tokens->Check(token, *trust);
      const bool unknown = !check.token && !check.reasons.empty() && check.reasons[0].code == "error.jws.unknown_key";
      if (unknown || check.status == "unknown_issuer") continue;
      return std::optional<PeerMatch>(PeerMatch{std::move(peer), std::move(trust).value(), std::move(check)});
    }
    if (peers.size() < static_cast<size_t>(ports::kMaxPeerPage)) break;
    after = peers.back().code;
  }
  return std::optional<PeerMatch>();
}

}  // namespace

std::optional<std::string> PeerStatusCache::Get(const std::string& peer, const std::string& list_id,
                                                 Timestamp now) const {
  std::lock_guard lock(mu_);
  const auto it = entries_.find(peer + "\n" + list_id);
  if (it == entries_.end() || now < it->second.fetched_at || now >= it->second.fetched_at + kPeerStatusFreshness) {
    return std::nullopt;
  }
  return it->second.credential;
}

void PeerStatusCache::Put(const std::string& peer, const std::string& list_id, std::string credential, Timestamp now) {
  std::lock_guard lock(mu_);
  if (entries_.size() >= kMaxPeerStatusEntries) entries_.clear();
  entries_[peer + "\n" + list_id] = Entry{std::move(credential), now};
}

Result<std::vector<PeerStatusFetch>> PeerStatusFetches(const Context& ctx, const PeerStatusCache& cache,
                                                       std::string_view token) {
  std::vector<PeerStatusFetch> fetches;
  if (ctx.tokens == nullptr || token.empty() || token.size() > kMaxTokenBytes) return fetches;
  TB_ASSIGN_OR_RETURN(std::optional<PeerMatch> match, FindPeerIssuer(ctx, token));
  if (!match || !match->check.token) return fetches;
  const Timestamp now = ctx.clock->Now();
  for (const ports::StatusPointer& p : match->check.token->status) {
    if (cache.Get(match->peer.code, p.list_id, now)) continue;
    const bool listed = std::any_of(fetches.begin(), fetches.end(),
                                    [&](const PeerStatusFetch& f) { return f.list_id == p.list_id; });
    if (listed) continue;
    fetches.push_back({match->peer.code, p.list_id, match->peer.url + "/api/v1/status-lists/" + p.list_id});
  }
  return fetches;
}

void FetchPeerStatus(ports::OutboundHttp& http, const ports::Clock& clock, PeerStatusCache& cache,
                     std::vector<PeerStatusFetch> fetches, std::function<void()> done) {
  if (fetches.empty()) return done();
  struct Pending {
    std::mutex mu;
    size_t left = 0;
    std::function<void()> done;
  };
  auto pending = std::make_shared<Pending>();
  pending->left = fetches.size();
  pending->done = std::move(done);
  for (PeerStatusFetch& f : fetches) {
    ports::OutboundRequest request;
    request.url = f.url;
    request.headers.emplace_back("Accept", "application/vc+jwt, application/jwt");
    ports::OutboundLimits limits;
    limits.deadline = std::chrono::milliseconds(5000);
    limits.connect_timeout = std::chrono::milliseconds(2000);
    limits.max_response_bytes = kMaxPeerDocumentBytes;
    http.Send(std::move(request), limits,
              [pending, &clock, &cache, peer = f.peer, list = f.list_id](Result<ports::OutboundResponse> answer) {
                if (answer.ok() && answer->status == 200) cache.Put(peer, list, std::move(answer->body), clock.Now());
                std::function<void()> finish;
                {
                  std::lock_guard lock(pending->mu);
                  if (--pending->left > 0) return;
                  finish = std::move(pending->done);
                }
                finish();
              });
  }
}

Result<Verification> VerifyWithPeers(const Context& ctx, const PeerStatusCache& cache, std::string_view token,
                                     const VerifyExpectations& expect) {
  TB_ASSIGN_OR_RETURN(Verification own, VerifyOnline(ctx, token, expect));
  if (own.status != "unknown_issuer") return own;
  TB_ASSIGN_OR_RETURN(std::optional<PeerMatch> match, FindPeerIssuer(ctx, token));
  if (!match) return own;
  const Timestamp now = ctx.clock->Now();
  std::vector<std::string> credentials;
  if (match->check.token) {
    for (const ports::StatusPointer& p : match->check.token->status) {
      if (auto c = cache.Get(match->peer.code, p.list_id, now)) credentials.push_back(std::move(*c));
    }
  }
  Verification v = VerifyOffline(*ctx.tokens, match->trust, credentials, token, expect, now);
  for (ports::VerifyReason& r : v.reasons) {
    // Online, the peer's presentation nonces are the peer's: say so without calling it offline.
    if (r.code == "verify.reason.offline_nonce") r.code = "verify.reason.peer_nonce";
  }
  return v;
}

}  // namespace tongban::services
