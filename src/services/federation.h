// Federation (issue 14 items 1 and 2): this platform's identity, and the peers it trusts.
//
// The list key. A peer trusts this platform through one key: the "trust_list" purpose key, which
// has signed GET /api/v1/trust-list since issue 10. It is the list key of GET /api/v1/platform,
// and later federation messages are signed with it too (API.md "Federation"). A separate
// "federation" key would add a second trust anchor that the first one would have to vouch for,
// with nothing gained: whoever holds the key that signs the list decides every issuer key anyway.
//
// Peers. An administrator adds a peer by code, URL and the RFC 7638 thumbprint of its list key,
// obtained out of band. Adding fetches GET {url}/api/v1/platform (its list key must have that
// thumbprint and its code must be the one given) and GET {url}/api/v1/trust-list?kid={thumbprint}
// (signed by that key, naming that code, not expired), and stores both with the list's validity.
// The refresh job fetches the list again halfway through its validity. Rotation: a platform keeps
// its retired list keys, and ?kid= asks for the current list signed by the key named; a list
// signed by the key trusted now that names another active list key moves the trust to that key,
// so a new key is accepted only when the key trusted before signed a list naming it. A tampered,
// expired, wrongly signed or unreachable list is refused: the old cached list keeps serving until
// its own validity ends, and the reason is recorded on the peer (shown on /office/federation).
// Removing a peer deletes its row, so nothing of it is trusted from that moment.
//
// Fetching goes through ports::OutboundHttp and never holds a request thread: FetchPeer completes
// a callback; FetchPeerNow waits, for the command line and the periodic job only.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/federation.h"
#include "ports/federation.h"
#include "ports/outbound_http.h"
#include "services/context.h"

namespace tongban::services {

// The key that signs the trust list (and federation messages): the list key.
inline constexpr const char* kListKeyPurpose = "trust_list";
// The longest trust list or platform document read from a peer.
inline constexpr size_t kMaxPeerDocumentBytes = 2 * 1024 * 1024;
inline constexpr size_t kMaxPeerUrl = 200;

// This platform as GET /api/v1/platform shows it: code, names, URL and the active list key.
// kNotFound (error.keys.no_active_key) before the list key exists; kUnavailable without keys.
Result<ports::PlatformIdentity> ThisPlatform(const Context& ctx);
// The trust list signed by the list key `kid` (active or retired), so a peer that still trusts a
// retired key follows the rotation. kNotFound (error.keys.unknown_kid) when `kid` is not a list key.
Result<std::string> SignedTrustListWithKey(const Context& ctx, const std::string& kid);

// What was fetched from a peer: its platform document (when asked for) and its trust list, each
// the body of a 200 answer or the error (error.federation.unreachable, error.federation.not_a_platform
// with the HTTP status in the peer's error detail).
struct PeerFetch {
  std::optional<Result<std::string>> platform;
  Result<std::string> list = MakeError(ErrorCode::kUnavailable, "error.federation.unreachable");
  std::string detail;  // the outbound error key or HTTP status of a failed fetch
  std::string kid;     // the list key the list was asked for with (?kid=)
};

// Starts GET {url}/api/v1/platform (when `with_platform`) and GET {url}/api/v1/trust-list?kid=
// {kid}; `done` runs once, on the client's thread, when both have answered.
void FetchPeer(ports::OutboundHttp& http, const std::string& url, const std::string& kid, bool with_platform,
               std::function<void(PeerFetch)> done);
// The same, waiting for the answers: for the command line and the periodic job, never a request.
PeerFetch FetchPeerNow(ports::OutboundHttp& http, const std::string& url, const std::string& kid, bool with_platform);

struct AddPeerRequest {
  std::string code;
  std::string url;
  std::string fingerprint;
};
// The request's form, before anything is fetched. kInvalidArgument: error.federation.code (not a
// platform code, or this platform's own), error.federation.url (not http(s)://host[:port], or
// longer than kMaxPeerUrl), error.federation.fingerprint (not 43 characters of base64url).
// The URL comes back without a trailing slash.
Result<AddPeerRequest> CheckAddPeerRequest(const Context& ctx, AddPeerRequest request);
// Adds the peer from what FetchPeer fetched, in one transaction. kInvalidArgument:
// error.federation.fingerprint_mismatch (the platform's list key has another thumbprint),
// error.federation.code_mismatch (the platform or its list names another code), the list errors of
// ports::FederationCodec::CheckPeerList, error.federation.bad_platform; kUnavailable
// (error.federation.unreachable) or kInvalidArgument (error.federation.not_a_platform) when a fetch
// failed; kConflict (error.federation.peer_exists).
Result<domain::Peer> AddPeer(const Context& ctx, const AddPeerRequest& request, const PeerFetch& fetched);

// Deletes the peer; kNotFound (error.federation.unknown_peer).
Status RemovePeer(const Context& ctx, const std::string& code);
// Peers in code order after `after_code`, at most `limit` (1..ports::kMaxPeerPage).
Result<std::vector<domain::Peer>> ListPeers(const Context& ctx, const std::string& after_code, int limit);
// The list key trusted now for a peer, as the codec checks its lists and messages against it.
ports::PublicSigningKey TrustedKey(const domain::Peer& peer);
// A peer's cached trust list, checked again against its trusted key, while it serves.
// kNotFound (error.federation.unknown_peer; error.federation.no_list when none serves now).
Result<ports::TrustList> PeerTrustList(const Context& ctx, const std::string& code);

// The administrators' checks: kPermissionDenied (error.federation.admin_only) unless an admin.
Status RequireFederationAdministrator(const Actor& actor);

struct PeerRefresh {
  std::string code;
  bool refreshed = false;   // a new list was stored
  bool rotated = false;     // the trust moved to the peer's new list key
  std::string error;        // the reason it was refused ("" when refreshed)
};
// Stores what FetchPeer fetched for `code` (with kid = its trusted key) in one transaction: the new
// list, the rotation it announces, or the error (the old list kept). kNotFound when it was removed.
// A fetch made with a key that is no longer the trusted one (another server followed a rotation
// meanwhile) changes nothing: neither refreshed nor an error.
Result<PeerRefresh> ApplyPeerRefresh(const Context& ctx, const std::string& code, const PeerFetch& fetched);

struct FederationJobReport {
  int refreshed = 0;
  int rotated = 0;
  int failed = 0;
  std::vector<PeerRefresh> peers;
};
// The refresh job (`tongban jobs run federation`, and each server periodically): every peer due
// (refresh_at passed), fetched and applied one by one; `all` refreshes every peer now.
Result<FederationJobReport> RunFederationJob(const Context& ctx, ports::OutboundHttp& http, bool all);

}  // namespace tongban::services
