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
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// Online verification's copy of the trust list, rebuilt after `ttl` (one key store read instead of
// one per request). Keys never leave the store, so a stale copy only lacks keys added since: a
// token with a kid the copy does not know makes VerifyOnline rebuild it at once and check again.
// Thread-safety: safe from every request thread.
class TrustListCache {
 public:
  explicit TrustListCache(std::chrono::seconds ttl = std::chrono::seconds(30)) : ttl_(ttl) {}
  // The copy, rebuilt when older than ttl or when `refresh`; errors of CurrentTrustList.
  Result<std::shared_ptr<const ports::TrustList>> Get(const Context& ctx, bool refresh);

 private:
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
};

// Online: against the server's keys, its own status bits at once, and the nonces seen. Errors
// only for the server's own failures (kUnavailable without a codec); a bad token is a Verification.
Result<Verification> VerifyOnline(const Context& ctx, std::string_view token, const VerifyExpectations& expect);

// Offline (`tongban verify`): against a trust list and status list credentials read from files;
// no database. A presentation's nonce cannot be checked for reuse offline (a reason says so).
Verification VerifyOffline(const ports::TokenCodec& codec, const ports::TrustList& trust,
                           const std::vector<std::string>& status_credentials, std::string_view token,
                           const VerifyExpectations& expect, Timestamp now);

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
