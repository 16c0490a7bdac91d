// The identity code (随申码, issue 11 item 2): a person's or an enterprise's short-lived signed
// code, shown as a QR on their pages and refreshed before it expires; windows, kiosks and relying
// parties check it offline with /.well-known/jwks.json or online here. A person's code names the
// account, the person's name and a masked identity number; only a clerk's online check reads the
// full number, and that read is recorded in the access log like any other. An enterprise's code is
// shown by an agent acting for it: it names the agent's account (`sub`), kind "enterprise" and the
// enterprise's unified social credit code (public, so not masked) but not its name, which can be
// too long for the QR code; an online check answers the name from the registry, and answers the
// code valid only while that agent still holds a grant of the enterprise.
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

// A fresh code for the signed-in person or, with `enterprise` (a credit code), for that enterprise
// as the signed-in agent acts for it. kPermissionDenied (error.identity_code.person_only) for an
// account without a person (officials), (error.identity_code.not_agent) for an enterprise the
// actor holds no grant of; kUnavailable without a key store or token codec.
Result<IdentityCode> IssueIdentityCode(const Context& ctx, const Actor& actor, const std::string& enterprise = "");

struct IdentityCheck {
  bool valid = false;
  // Why not: "malformed", "unknown_issuer" (not signed by this platform's identity key: another
  // platform's code, or a key we never had), "bad_signature" (tampered), "not_identity_code"
  // (another kind of token), "expired", "unknown_subject" (the account is gone).
  std::string reason;
  ports::IdentityClaims claims;  // what the code says (valid or expired)
  // The full identity number: only for a clerk's check of a valid person's code (recorded in the
  // access log); for an enterprise's code, its credit code, for anyone.
  std::string id_number;
};

// Checks `token` now. `caller` is the signed-in official, if any. The store's errors only; a
// code that does not check is answered as not valid with its reason.
Result<IdentityCheck> CheckIdentityCode(const Context& ctx, const std::optional<Actor>& caller, std::string_view token);

}  // namespace tongban::services
