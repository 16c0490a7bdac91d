// The identity code (随申码, issue 11 item 2): a person's short-lived signed code, shown as a QR
// on their pages and refreshed before it expires; windows, kiosks and relying parties check it
// offline with /.well-known/jwks.json or online here. The code names the account, the person's
// name and a masked identity number; only a clerk's online check reads the full number, and that
// read is recorded in the access log like any other.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "services/context.h"

namespace tongban::services {

// The key owner that signs identity codes, and the JWS "typ" of a code.
inline const ports::KeyOwner kIdentityCodeKeyOwner{ports::KeyOwnerKind::kPurpose, "identity"};
inline constexpr std::string_view kIdentityCodeTyp = "idc+jwt";
// How long a code is valid; pages fetch the next one this long before it expires.
inline constexpr int kIdentityCodeSeconds = 60;
inline constexpr int kIdentityCodeRefreshMarginSeconds = 10;
// How far a checker's clock may be behind the issuer's.
inline constexpr int kIdentityCodeClockSkewSeconds = 5;

struct IdentityCode {
  std::string token;  // compact JWS, EdDSA, typ idc+jwt
  ports::IdentityClaims claims;
};

// A fresh code for the signed-in person. kPermissionDenied (error.identity_code.person_only) for
// an account without a person (officials); kUnavailable without a key store or token codec.
Result<IdentityCode> IssueIdentityCode(const Context& ctx, const Actor& actor);

struct IdentityCheck {
  bool valid = false;
  // Why not: "malformed", "unknown_issuer" (not signed by this platform's identity key: another
  // platform's code, or a key we never had), "bad_signature" (tampered), "not_identity_code"
  // (another kind of token), "expired", "unknown_subject" (the account is gone).
  std::string reason;
  ports::IdentityClaims claims;  // what the code says (valid or expired)
  // The full identity number: only for a clerk's check of a valid code (recorded in the access log).
  std::string id_number;
};

// Checks `token` now. `caller` is the signed-in official, if any. The store's errors only; a
// code that does not check is answered as not valid with its reason.
Result<IdentityCheck> CheckIdentityCode(const Context& ctx, const std::optional<Actor>& caller, std::string_view token);

}  // namespace tongban::services
