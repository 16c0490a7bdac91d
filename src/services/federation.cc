#include "services/federation.h"

#include <algorithm>
#include <future>
#include <memory>
#include <mutex>

#include "services/mutual_recognition.h"
#include "services/verification.h"

namespace tongban::services {
namespace {

const ports::KeyOwner kListKeyOwner{ports::KeyOwnerKind::kPurpose, kListKeyPurpose};

Error Invalid(const char* key) { return MakeError(ErrorCode::kInvalidArgument, key); }

bool IsBase64Url(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

// http(s)://host[:port] with an optional path, nothing that would change the request's target.
bool IsPeerUrl(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else {
    return false;
  }
  if (rest.empty() || rest.front() == '/' || rest.front() == ':') return false;
  return std::none_of(url.begin(), url.end(), [](char c) {
    return c <= ' ' || c == '?' || c == '#' || c == '@' || c == '"' || c == '<' || c == '>' || c == '\\' ||
           static_cast<unsigned char>(c) >= 0x7f;
  });
}

// Collects the answers of a peer's fetches; the last one to answer completes `done`.
struct Gather {
  std::mutex mu;
  int pending = 0;
  PeerFetch fetched;
  std::function<void(PeerFetch)> done;

  void Complete() {
    std::function<void(PeerFetch)> finish;
    {
      std::lock_guard lock(mu);
      if (--pending > 0) return;
      finish = std::move(done);
    }
    finish(std::move(fetched));
  }
};

// The body of a 200 answer, or why there is none (and the detail for the peer's row).
Result<std::string> BodyOf(Result<ports::OutboundResponse> answer, std::string& detail) {
  if (!answer.ok()) {
    detail = answer.error().message;
    return MakeError(ErrorCode::kUnavailable, "error.federation.unreachable");
  }
  if (answer->status != 200) {
    detail = "HTTP " + std::to_string(answer->status);
    return Invalid("error.federation.not_a_platform");
  }
  return std::move(answer->body);
}

void Get(ports::OutboundHttp& http, std::string url, std::shared_ptr<Gather> gather, bool platform) {
  ports::OutboundRequest request;
  request.url = std::move(url);
  request.headers.emplace_back("Accept", platform ? "application/json" : "application/jwt");
  ports::OutboundLimits limits;
  limits.max_response_bytes = kMaxPeerDocumentBytes;
  http.Send(std::move(request), limits, [gather, platform](Result<ports::OutboundResponse> answer) {
    {
      std::lock_guard lock(gather->mu);
      std::string detail;
      Result<std::string> body = BodyOf(std::move(answer), detail);
      if (!detail.empty()) gather->fetched.detail = detail;
      if (platform) {
        gather->fetched.platform = std::move(body);
      } else {
        gather->fetched.list = std::move(body);
      }
    }
    gather->Complete();
  });
}

// Records a refused refresh on the peer: the cached list stays as it is.
void RecordFailure(domain::Peer& peer, const std::string& error, const std::string& detail, Timestamp now) {
  peer.last_error = error;
  peer.last_error_detail = detail;
  peer.last_error_at = now;
  peer.refresh_at = domain::RetryAfterFailure(peer, now);
}

}  // namespace

Result<ports::PlatformIdentity> ThisPlatform(const Context& ctx) {
  if (ctx.keys == nullptr) return MakeError(ErrorCode::kUnavailable, "error.keys.unavailable");
  TB_ASSIGN_OR_RETURN(const std::vector<ports::PublicSigningKey> keys, ctx.keys->PublicKeys());
  ports::PlatformIdentity p;
  p.code = ctx.platform_code;
  p.name_zh = ctx.platform_name_zh;
  p.name_en = ctx.platform_name_en;
  p.url = ctx.platform_url.empty() ? ctx.public_base_url : ctx.platform_url;
  for (const ports::PublicSigningKey& key : keys) {
    if (key.owner == kListKeyOwner && key.active) {
      p.list_key = key;
      return p;
    }
  }
  return MakeError(ErrorCode::kNotFound, "error.keys.no_active_key");
}

Result<std::string> SignedTrustListWithKey(const Context& ctx, const std::string& kid) {
  if (ctx.tokens == nullptr || ctx.keys == nullptr) return MakeError(ErrorCode::kUnavailable, "error.keys.unavailable");
  TB_ASSIGN_OR_RETURN(ports::TrustList list, CurrentTrustList(ctx));
  TB_RETURN_IF_ERROR(AddPeerIssuers(ctx, list));  // ours and federated, as SignedTrustList
  const bool is_list_key = std::any_of(list.list_keys.begin(), list.list_keys.end(),
                                       [&](const ports::PublicSigningKey& k) { return k.kid == kid; });
  if (!is_list_key) return MakeError(ErrorCode::kNotFound, "error.keys.unknown_kid");
  return ctx.keys->SignWithKey(kListKeyOwner, kid, ctx.tokens->TrustListPayload(list), "trust-list+jwt");
}

void FetchPeer(ports::OutboundHttp& http, const std::string& url, const std::string& kid, bool with_platform,
               std::function<void(PeerFetch)> done) {
  auto gather = std::make_shared<Gather>();
  gather->pending = with_platform ? 2 : 1;
  gather->done = std::move(done);
  gather->fetched.kid = kid;
  // Both are sent before either can complete: the count is set first.
  if (with_platform) Get(http, url + "/api/v1/platform", gather, true);
  Get(http, url + "/api/v1/trust-list?kid=" + kid, gather, false);
}

PeerFetch FetchPeerNow(ports::OutboundHttp& http, const std::string& url, const std::string& kid, bool with_platform) {
  auto promise = std::make_shared<std::promise<PeerFetch>>();
  std::future<PeerFetch> answer = promise->get_future();
  FetchPeer(http, url, kid, with_platform, [promise](PeerFetch fetched) { promise->set_value(std::move(fetched)); });
  return answer.get();
}

Result<AddPeerRequest> CheckAddPeerRequest(const Context& ctx, AddPeerRequest request) {
  if (!domain::IsPlatformCode(request.code) || request.code == ctx.platform_code) {
    return Invalid("error.federation.code");
  }
  while (!request.url.empty() && request.url.back() == '/') request.url.pop_back();
  if (request.url.size() > kMaxPeerUrl || !IsPeerUrl(request.url)) return Invalid("error.federation.url");
  if (request.fingerprint.size() != 43 || !IsBase64Url(request.fingerprint)) {
    return Invalid("error.federation.fingerprint");
  }
  return request;
}

Result<domain::Peer> AddPeer(const Context& ctx, const AddPeerRequest& request, const PeerFetch& fetched) {
  if (ctx.federation_codec == nullptr) return MakeError(ErrorCode::kUnavailable, "error.keys.unavailable");
  if (!fetched.platform) return MakeError(ErrorCode::kInternal, "AddPeer without the platform document");
  if (!fetched.platform->ok()) return fetched.platform->error();
  TB_ASSIGN_OR_RETURN(const ports::PlatformIdentity platform,
                      ctx.federation_codec->ParsePlatform(fetched.platform->value()));
  if (platform.list_key.kid != request.fingerprint) return Invalid("error.federation.fingerprint_mismatch");
  if (platform.code != request.code) return Invalid("error.federation.code_mismatch");
  if (!fetched.list.ok()) return fetched.list.error();
  const Timestamp now = ctx.clock->Now();
  TB_ASSIGN_OR_RETURN(const ports::TrustList list,
                      ctx.federation_codec->CheckPeerList(fetched.list.value(), platform.list_key, now));
  if (list.platform_code != request.code) return Invalid("error.federation.code_mismatch");
  domain::Peer peer;
  peer.code = request.code;
  peer.url = request.url;
  peer.name_zh = platform.name_zh.empty() ? list.platform_name_zh : platform.name_zh;
  peer.name_en = platform.name_en.empty() ? list.platform_name_en : platform.name_en;
  peer.fingerprint = platform.list_key.kid;
  peer.list_key = platform.list_key.x;
  peer.list_jws = fetched.list.value();
  peer.valid_until = list.expires_at;
  peer.fetched_at = now;
  peer.refresh_at = domain::NextRefresh(now, list.expires_at);
  peer.added_at = now;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) { return tx.federation().InsertPeer(peer); }));
  return peer;
}

Status RemovePeer(const Context& ctx, const std::string& code) {
  bool removed = false;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(removed, tx.federation().DeletePeer(code));
    return Ok();
  }));
  if (!removed) return MakeError(ErrorCode::kNotFound, "error.federation.unknown_peer");
  return Ok();
}

Result<std::vector<domain::Peer>> ListPeers(const Context& ctx, const std::string& after_code, int limit) {
  std::vector<domain::Peer> peers;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(peers, tx.federation().ListPeers(after_code, limit));
    return Ok();
  }));
  return peers;
}

ports::PublicSigningKey TrustedKey(const domain::Peer& peer) {
  ports::PublicSigningKey key;
  key.kid = peer.fingerprint;
  key.x = peer.list_key;
  key.owner = kListKeyOwner;
  key.active = true;
  return key;
}

Result<ports::TrustList> PeerTrustList(const Context& ctx, const std::string& code) {
  if (ctx.tokens == nullptr) return MakeError(ErrorCode::kUnavailable, "error.keys.unavailable");
  domain::Peer peer;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(peer, tx.federation().GetPeer(code));
    return Ok();
  }));
  const Timestamp now = ctx.clock->Now();
  if (!domain::PeerListServes(peer, now)) return MakeError(ErrorCode::kNotFound, "error.federation.no_list");
  // The list's signature was checked against the key trusted then, before it was stored; its
  // validity is checked again here.
  auto list = ctx.tokens->ParseTrustList(peer.list_jws, now);
  if (!list.ok()) return MakeError(ErrorCode::kNotFound, "error.federation.no_list");
  return list;
}

Status RequireFederationAdministrator(const Actor& actor) {
  if (!actor.user.HasRole(domain::Role::kAdmin)) {
    return MakeError(ErrorCode::kPermissionDenied, "error.federation.admin_only");
  }
  return Ok();
}

Result<PeerRefresh> ApplyPeerRefresh(const Context& ctx, const std::string& code, const PeerFetch& fetched) {
  if (ctx.federation_codec == nullptr) return MakeError(ErrorCode::kUnavailable, "error.keys.unavailable");
  PeerRefresh outcome;
  outcome.code = code;
  const Timestamp now = ctx.clock->Now();
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    outcome = PeerRefresh{code};
    TB_ASSIGN_OR_RETURN(domain::Peer peer, tx.federation().GetPeer(code));
    if (!fetched.kid.empty() && fetched.kid != peer.fingerprint) return Ok();  // refreshed elsewhere
    if (!fetched.list.ok()) {
      outcome.error = fetched.list.error().message;
      RecordFailure(peer, outcome.error, fetched.detail, now);
      return tx.federation().UpdatePeer(peer);
    }
    auto list = ctx.federation_codec->CheckPeerList(fetched.list.value(), TrustedKey(peer), now);
    if (list.ok() && list->platform_code != code) list = Invalid("error.federation.code_mismatch");
    if (!list.ok()) {
      outcome.error = list.error().message;
      RecordFailure(peer, outcome.error, "", now);
      return tx.federation().UpdatePeer(peer);
    }
    // A rotation: the list, signed by the key trusted now, names another key as the active one.
    const auto active = std::find_if(list->list_keys.begin(), list->list_keys.end(),
                                     [](const ports::PublicSigningKey& k) { return k.active; });
    if (active != list->list_keys.end() && active->kid != peer.fingerprint) {
      peer.fingerprint = active->kid;
      peer.list_key = active->x;
      outcome.rotated = true;
    }
    peer.list_jws = fetched.list.value();
    peer.valid_until = list->expires_at;
    peer.fetched_at = now;
    // After a rotation the next list is fetched signed by the new key at once.
    peer.refresh_at = outcome.rotated ? now : domain::NextRefresh(now, list->expires_at);
    if (!list->platform_name_zh.empty()) peer.name_zh = list->platform_name_zh;
    if (!list->platform_name_en.empty()) peer.name_en = list->platform_name_en;
    peer.last_error.clear();
    peer.last_error_detail.clear();
    peer.last_error_at.reset();
    outcome.refreshed = true;
    return tx.federation().UpdatePeer(peer);
  }));
  return outcome;
}

Result<FederationJobReport> RunFederationJob(const Context& ctx, ports::OutboundHttp& http, bool all) {
  FederationJobReport report;
  std::vector<domain::Peer> peers;
  std::string after;
  // A federation has a handful of peers; the pages bound each read all the same.
  for (int page = 0; page < 100; ++page) {
    std::vector<domain::Peer> batch;
    TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
      if (all) {
        TB_ASSIGN_OR_RETURN(batch, tx.federation().ListPeers(after, ports::kMaxPeerPage));
      } else {
        TB_ASSIGN_OR_RETURN(batch, tx.federation().ListPeersDue(ctx.clock->Now(), ports::kMaxPeerPage));
      }
      return Ok();
    }));
    const bool last = !all || batch.size() < static_cast<size_t>(ports::kMaxPeerPage);
    if (!batch.empty()) after = batch.back().code;
    for (domain::Peer& p : batch) peers.push_back(std::move(p));
    if (last) break;
  }
  for (const domain::Peer& peer : peers) {
    const PeerFetch fetched = FetchPeerNow(http, peer.url, peer.fingerprint, false);
    auto outcome = ApplyPeerRefresh(ctx, peer.code, fetched);
    if (!outcome.ok()) {
      if (outcome.error().code == ErrorCode::kNotFound) continue;  // removed meanwhile
      return outcome.error();
    }
    if (outcome->refreshed) ++report.refreshed;
    if (outcome->rotated) ++report.rotated;
    if (!outcome->error.empty()) ++report.failed;
    report.peers.push_back(std::move(outcome).value());
  }
  return report;
}

}  // namespace tongban::services
