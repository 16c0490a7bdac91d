// Verification by anyone (issue 10 items 1, 5, 6): the signed trust list of the platform's
// issuers, the check of a credential, QR token or SD-JWT presentation (signature, issuer, validity
// period, status bits, one-time nonce), online against the server's own status and offline
// against files, and the holder's presentations.
//
// Holder binding of presentations: a holder has no key of their own in Tongban, so a Key Binding
// JWT (RFC 9901 section 4.3) signed by "the holder" would be a key the platform holds for them,
// proving nothing more than the platform's own signature. Instead the holder, signed in, asks the
// platform for a presentation; the issuer-signed part carries the relying party's audience, a
// one-time nonce and a short expiry, and online verification records the nonce (V014), so a
// presentation is accepted once, by its audience, within its time. See docs/architecture.md.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/federation.h"
#include "ports/verification.h"
#include "services/context.h"

namespace tongban::services {

inline const ports::KeyOwner kTrustListKeyOwner{ports::KeyOwnerKind::kPurpose, "trust_list"};
// The signing key of status list credentials (services/licences.h builds them).
inline const ports::KeyOwner kStatusListKeyOwner{ports::KeyOwnerKind::kPurpose, "status"};
// The longest token /api/v1/verify reads (an SD-JWT of a large licence stays far below).
inline constexpr size_t kMaxTokenBytes = 64 * 1024;
inline constexpr int64_t kMaxPresentationTtlSeconds = 7 * 24 * 3600;
inline constexpr size_t kMaxDisclosedClaims = 64;

// The trust list now: every department with an issuer key (active and retired keys), named from
// the catalogue, and the status list keys. kUnavailable without a key store.
Result<ports::TrustList> CurrentTrustList(const Context& ctx);
// The trust list as a compact JWS (typ trust-list+jwt) signed by the "trust_list" purpose key,
// valid ctx.trust_list_validity_hours. kNotFound (error.keys.no_active_key) before its key exists.
Result<std::string> SignedTrustList(const Context& ctx);

// A peer's trust list as parsed (federation, issue 14): only the issuers the peer itself declares
// (platform = the peer's code; a peer's federated issuers are not trusted through it), and what a
// verification shows of the peer.
struct PeerTrust {
  std::string code;
  std::string name_zh, name_en;
  ports::TrustList trust;
};

// The parsed trust lists of the peers, per server, keyed by each peer's fetched_at and list key:
// a list is parsed again only when a refresh (on any server) stored another one. It is only a
// parse cache: the peers' rows are read from the database on every use, so a removed peer or a
// new list is seen at the next request after its transaction commits.
// Thread-safety: safe from every request thread.
class PeerListCache {
 public:
  inline static constexpr size_t kMaxEntries = 1000;
  // The parsed list of `peer`, from `parse` when the cached one is of another fetch.
  Result<std::shared_ptr<const PeerTrust>> Get(const domain::Peer& peer,
                                               const std::function<Result<PeerTrust>()>& parse);
  size_t parses() const;  // how many lists were parsed (tests)

 private:
  struct Entry {
    std::optional<Timestamp> fetched_at;
    std::string fingerprint;
    std::shared_ptr<const PeerTrust> parsed;
  };
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
  size_t parses_ = 0;
};

inline constexpr std::chrono::seconds kPeerStatusFreshness{60};
inline constexpr size_t kMaxPeerStatusEntries = 1000;

// Peers' status list credentials fetched from them, in memory per server, for kPeerStatusFreshness.
// Each is checked (signature, type, encoding) once, at its first use, and the check is kept with
// it, so the next bits of the same fetch are a lookup.
// Thread-safety: safe from every thread.
class PeerStatusCache {
 public:
  // The credential of (peer, list) fetched less than kPeerStatusFreshness before `now`.
  std::optional<std::string> Get(const std::string& peer, const std::string& list_id, Timestamp now) const;
  // Whether Get would answer (without copying the credential).
  bool Has(const std::string& peer, const std::string& list_id, Timestamp now) const;
  void Put(const std::string& peer, const std::string& list_id, std::string credential, Timestamp now);
  // The bit of `pointer` from the peer's fresh credential of its list, checked against the peer's
  // list `trust` (once per fetch and list); nullopt when no fresh credential of the list is cached.
  std::optional<Result<bool>> Bit(const ports::TokenCodec& codec, const std::string& peer,
                                  const std::shared_ptr<const PeerTrust>& trust, const ports::StatusPointer& pointer,
                                  Timestamp now) const;

 private:
  struct Entry {
    std::string credential;
    Timestamp fetched_at{};
    std::shared_ptr<const PeerTrust> checked_with;
    std::shared_ptr<const Result<ports::CheckedStatusList>> checked;
  };
  mutable std::mutex mu_;
  mutable std::map<std::string, Entry> entries_;
};

// Online verification's copy of the trust list, rebuilt after `ttl` (one key store read instead of
// one per request). Keys never leave the store, so a stale copy only lacks keys added since: a
// token with a kid the copy does not know makes VerifyOnline rebuild it at once and check again.
// Thread-safety: safe from every request thread.
class TrustListCache {
 public:
  explicit TrustListCache(std::chrono::seconds ttl = std::chrono::seconds(30)) : ttl_(ttl) {}
  // The copy, rebuilt when older than ttl or when `refresh`; errors of CurrentTrustList.
  Result<std::shared_ptr<const ports::TrustList>> Get(const Context& ctx, bool refresh);
  // The server's caches of peers' lists and status lists (services/mutual_recognition.h).
  PeerListCache& peer_lists() { return peer_lists_; }
  PeerStatusCache& peer_status() { return peer_status_; }

 private:
  PeerListCache peer_lists_;
  PeerStatusCache peer_status_;
  const std::chrono::seconds ttl_;
  std::mutex mu_;
  std::shared_ptr<const ports::TrustList> list_;
  Timestamp built_at_{};
};

// What a relying party expects of a presentation (both optional).
struct VerifyExpectations {
  std::string audience;
  std::string nonce;
};

struct Verification {
  bool valid = false;
  // valid | suspended | revoked | expired | not_yet_valid | unknown_issuer | bad_signature |
  // replayed | wrong_audience | status_unknown
  std::string status;
  std::optional<ports::TokenKind> kind;
  std::string claims_json = "{}";  // what the token says (only the disclosed claims of a presentation)
  std::vector<ports::VerifyReason> reasons;
  // The platform whose issuer signed it when that is a peer (issue 14): its code and names; ""
  // for this platform's own licences and for tokens of unknown issuers.
  std::string peer_code;
  std::string peer_name_zh, peer_name_en;
  // What the signed token names (empty when its signature did not check out): the licence, its
  // type, its issuer department and (credentials) its holder's credentialSubject id.
  std::string licence_id, licence_type, issuer_department, holder;
};

// Online: against the server's keys, its own status bits at once, and the nonces seen. Errors
// only for the server's own failures (kUnavailable without a codec); a bad token is a Verification.
// `look_again`: a kid the cached copy does not know rebuilds it and checks again (a key added
// since); verification with peers asks the peers' lists first and looks again only when none knows it.
Result<Verification> VerifyOnline(const Context& ctx, std::string_view token, const VerifyExpectations& expect,
                                  bool look_again = true);

// The bit of `pointer` in a checked status list at `now`. kInvalidArgument as
// TokenCodec::StatusBitFromCredential: verify.reason.status_list_other (another list or purpose),
// verify.reason.status_list_expired (past its validUntil), verify.reason.status_index.
Result<bool> StatusBit(const ports::CheckedStatusList& list, const ports::StatusPointer& pointer, Timestamp now);

// One status bit: true set, false clear, an error when it cannot be known.
using StatusLookup = std::function<Result<bool>(const ports::StatusPointer&)>;
// Everything after the codec's check but a presentation's nonce: the validity period, the
// audience and the status bits from `status`.
Verification VerifyCheckedWith(const ports::TokenCheck& check, const VerifyExpectations& expect, Timestamp now,
                               const StatusLookup& status);

// Offline (`tongban verify`): against a trust list and status list credentials read from files;
// no database. A presentation's nonce cannot be checked for reuse offline (a reason says so).
Verification VerifyOffline(const ports::TokenCodec& codec, const ports::TrustList& trust,
                           const std::vector<std::string>& status_credentials, std::string_view token,
                           const VerifyExpectations& expect, Timestamp now);
// The same for a token the codec has already checked against `trust`.
Verification VerifyCheckedOffline(const ports::TokenCodec& codec, const ports::TrustList& trust,
                                  const std::vector<std::string>& status_credentials,
                                  const ports::TokenCheck& check, const VerifyExpectations& expect, Timestamp now);

// POST /api/v1/verify's limit (issue 14 hot path): counts one request of the client `address` in
// the throttle rows, kResourceExhausted (error.verify.too_many) when it already made `per_minute`
// in the last minute. `per_minute` 0: no limit, nothing recorded.
Status CountVerifyRequest(const Context& ctx, const std::string& address, int per_minute);

struct Presentation {
  std::string token;
  Timestamp expires_at{};
};
// A presentation of the caller's licence `licence_id` disclosing `request.disclose`. Without a
// nonce the platform draws one. kInvalidArgument (error.presentation.*) for an empty or unknown
// claim list, a ttl outside 1..kMaxPresentationTtlSeconds, a nonce or audience too long;
// kNotFound (error.licence.not_found) when the licence is not the caller's; kUnavailable before
// licences exist (no LicenceSource).
Result<Presentation> CreatePresentation(const Context& ctx, const Actor& actor, const std::string& licence_id,
                                        ports::PresentationRequest request);

}  // namespace tongban::services
