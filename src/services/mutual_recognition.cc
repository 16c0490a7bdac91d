#include "services/mutual_recognition.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include "services/federation.h"

namespace tongban::services {
namespace {

// The peer whose list knows the token's signing key, with that list and the check.
struct PeerMatch {
  std::shared_ptr<const PeerTrust> peer;
  std::string url;
  ports::TokenCheck check;
};

bool UnknownKey(const ports::TokenCheck& check) {
  return (!check.token && !check.reasons.empty() && check.reasons[0].code == "error.jws.unknown_key") ||
         check.status == "unknown_issuer";
}

// Every peer whose list serves at `now`, in code order, page by page through ListPeers.
template <typename Visit>  // bool(const domain::Peer&): true stops
Status ForEachServingPeer(const Context& ctx, Timestamp now, Visit visit) {
  std::string after;
  for (int page = 0; page < 100; ++page) {
    TB_ASSIGN_OR_RETURN(std::vector<domain::Peer> peers, ListPeers(ctx, after, ports::kMaxPeerPage));
    for (const domain::Peer& peer : peers) {
      if (!domain::PeerListServes(peer, now)) continue;
      if (visit(peer)) return Ok();
    }
    if (peers.size() < static_cast<size_t>(ports::kMaxPeerPage)) break;
    after = peers.back().code;
  }
  return Ok();
}

// The peer's parsed list, through the server's parse cache when there is one.
Result<std::shared_ptr<const PeerTrust>> PeerList(const Context& ctx, const domain::Peer& peer, Timestamp now) {
  const auto parse = [&]() { return ParsePeerTrust(*ctx.tokens, peer, now); };
  if (ctx.trust_cache != nullptr) return ctx.trust_cache->peer_lists().Get(peer, parse);
  TB_ASSIGN_OR_RETURN(PeerTrust parsed, parse());
  return std::make_shared<const PeerTrust>(std::move(parsed));
}

Result<std::optional<PeerMatch>> FindPeerIssuer(const Context& ctx, std::string_view token) {
  if (ctx.tokens == nullptr) return MakeError(ErrorCode::kUnavailable, "error.keys.unavailable");
  const Timestamp now = ctx.clock->Now();
  std::optional<PeerMatch> match;
  TB_RETURN_IF_ERROR(ForEachServingPeer(ctx, now, [&](const domain::Peer& peer) {
    auto trust = PeerList(ctx, peer, now);
    if (!trust.ok()) return false;  // a list that cannot be read trusts nothing
    ports::TokenCheck check = ctx.tokens->Check(token, (*trust)->trust);
    if (UnknownKey(check)) return false;
    match = PeerMatch{std::move(trust).value(), peer.url, std::move(check)};
    return true;
  }));
  return match;
}

std::vector<PeerStatusFetch> MissingStatus(const PeerMatch& match, const PeerStatusCache& cache, Timestamp now) {
  std::vector<PeerStatusFetch> fetches;
  if (!match.check.token) return fetches;
  for (const ports::StatusPointer& p : match.check.token->status) {
    if (cache.Has(match.peer->code, p.list_id, now)) continue;
    const bool listed = std::any_of(fetches.begin(), fetches.end(),
                                    [&](const PeerStatusFetch& f) { return f.list_id == p.list_id; });
    if (listed) continue;
    fetches.push_back({match.peer->code, p.list_id, match.url + "/api/v1/status-lists/" + p.list_id});
  }
  return fetches;
}

// Marks a verification as the peer's and says that a presentation's nonce is the peer's to check.
void AsPeers(Verification& v, const PeerTrust& peer) {
  v.peer_code = peer.code;
  v.peer_name_zh = peer.name_zh;
  v.peer_name_en = peer.name_en;
  for (ports::VerifyReason& r : v.reasons) {
    if (r.code == "verify.reason.offline_nonce") r.code = "verify.reason.peer_nonce";
  }
}

// The status bits from the peer's cached status lists, each checked once per fetch (the hot path:
// a bit is then a lookup, as our own are).
Verification FinishWithPeer(const Context& ctx, const PeerMatch& match, const PeerStatusCache& cache,
                            const VerifyExpectations& expect, Timestamp now) {
  Verification v = VerifyCheckedWith(match.check, expect, now, [&](const ports::StatusPointer& p) -> Result<bool> {
    auto bit = cache.Bit(*ctx.tokens, match.peer->code, match.peer, p, now);
    if (!bit) return MakeError(ErrorCode::kNotFound, "verify.reason.status_unavailable");
    return std::move(*bit);
  });
  if (match.check.token && match.check.token->kind == ports::TokenKind::kPresentation) {
    v.reasons.push_back({"verify.reason.peer_nonce", ""});  // the peer records its nonces, not we
  }
  AsPeers(v, *match.peer);
  return v;
}

// Trims what a paste or a file adds around a token.
std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Both entry points: `fetch` says whether missing status lists are to be fetched first.
Result<VerifyStep> Step(const Context& ctx, const PeerStatusCache& cache, std::string_view token,
                        const VerifyExpectations& expect, bool fetch) {
  token = Trim(token);
  VerifyStep step;
  TB_ASSIGN_OR_RETURN(Verification own, VerifyOnline(ctx, token, expect, /*look_again=*/false));
  if (own.status != "unknown_issuer") {
    step.answer = std::move(own);
    return step;
  }
  TB_ASSIGN_OR_RETURN(std::optional<PeerMatch> match, FindPeerIssuer(ctx, token));
  if (!match) {
    // No peer knows the key: perhaps one of ours added since our copy was built.
    TB_ASSIGN_OR_RETURN(Verification again, VerifyOnline(ctx, token, expect, /*look_again=*/true));
    step.answer = std::move(again);
    return step;
  }
  const Timestamp now = ctx.clock->Now();
  if (fetch) step.fetches = MissingStatus(*match, cache, now);
  if (step.fetches.empty()) step.answer = FinishWithPeer(ctx, *match, cache, expect, now);
  return step;
}

}  // namespace

Result<PeerTrust> ParsePeerTrust(const ports::TokenCodec& codec, const domain::Peer& peer, Timestamp now) {
  TB_ASSIGN_OR_RETURN(ports::TrustList list, codec.ParseTrustList(peer.list_jws, now));
  if (list.platform_code != peer.code) return MakeError(ErrorCode::kInvalidArgument, "verify.reason.trust_list");
  PeerTrust out;
  out.code = peer.code;
  out.name_zh = list.platform_name_zh.empty() ? peer.name_zh : list.platform_name_zh;
  out.name_en = list.platform_name_en.empty() ? peer.name_en : list.platform_name_en;
  // Only the peer's own issuers: the federated ones it lists are not trusted through it.
  std::erase_if(list.issuers, [&](const ports::TrustedIssuer& i) { return i.platform != peer.code; });
  out.trust = std::move(list);
  return out;
}

Result<VerifyStep> StartVerifyWithPeers(const Context& ctx, PeerStatusCache& cache, std::string_view token,
                                        const VerifyExpectations& expect) {
  return Step(ctx, cache, token, expect, /*fetch=*/true);
}

Result<std::vector<PeerStatusFetch>> PeerStatusFetches(const Context& ctx, const PeerStatusCache& cache,
                                                       std::string_view token) {
  std::vector<PeerStatusFetch> fetches;
  if (ctx.tokens == nullptr || token.empty() || token.size() > kMaxTokenBytes) return fetches;
  TB_ASSIGN_OR_RETURN(std::optional<PeerMatch> match, FindPeerIssuer(ctx, token));
  if (!match) return fetches;
  return MissingStatus(*match, cache, ctx.clock->Now());
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
  TB_ASSIGN_OR_RETURN(VerifyStep step, Step(ctx, cache, token, expect, /*fetch=*/false));
  return std::move(*step.answer);
}

Status AddPeerIssuers(const Context& ctx, ports::TrustList& list) {
  if (ctx.tokens == nullptr) return Ok();
  const Timestamp now = ctx.clock->Now();
  return ForEachServingPeer(ctx, now, [&](const domain::Peer& peer) {
    auto trust = PeerList(ctx, peer, now);
    if (!trust.ok()) return false;
    for (const ports::TrustedIssuer& issuer : (*trust)->trust.issuers) list.issuers.push_back(issuer);
    return false;
  });
}

Verification VerifyOfflineWithPeers(const ports::TokenCodec& codec, const ports::TrustList& own,
                                    const std::vector<PeerTrust>& peers,
                                    const std::vector<std::string>& status_credentials, std::string_view token,
                                    const VerifyExpectations& expect, Timestamp now) {
  token = Trim(token);
  if (peers.empty()) return VerifyOffline(codec, own, status_credentials, token, expect, now);
  // Our own issuers first; the federated ones our list carries are answered by their peer's list,
  // whose status keys sign the peer's status lists.
  ports::TrustList ours = own;
  std::erase_if(ours.issuers, [&](const ports::TrustedIssuer& i) {
    return !i.platform.empty() && !ours.platform_code.empty() && i.platform != ours.platform_code;
  });
  Verification v = VerifyOffline(codec, ours, status_credentials, token, expect, now);
  if (v.status != "unknown_issuer" || token.size() > kMaxTokenBytes) return v;
  for (const PeerTrust& peer : peers) {
    const ports::TokenCheck check = codec.Check(token, peer.trust);
    if (UnknownKey(check)) continue;
    Verification theirs = VerifyCheckedOffline(codec, peer.trust, status_credentials, check, expect, now);
    theirs.peer_code = peer.code;
    theirs.peer_name_zh = peer.name_zh;
    theirs.peer_name_en = peer.name_en;
    return theirs;
  }
  return v;
}

}  // namespace tongban::services
