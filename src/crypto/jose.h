// JOSE with Ed25519 (RFC 7515 compact JWS, RFC 8037 `alg: EdDSA` and OKP JWKs, RFC 7638 JWK
// thumbprints): everything Tongban signs goes through SignJws and is checked by VerifyJws.
// Keys here are raw libsodium bytes: a public key of 32 bytes, a secret key of 64 bytes
// (seed || public key, crypto_sign_ed25519's form).
// Thread-safety: pure functions; call crypto::InitCrypto() once first.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace tongban::crypto {

inline constexpr size_t kEd25519PublicKeyBytes = 32;
inline constexpr size_t kEd25519SeedBytes = 32;

struct Ed25519KeyPair {
  std::string public_key;  // 32 bytes
  std::string secret_key;  // 64 bytes; the caller wipes it (WipeSecret) when done
};

// A new random key pair.
Ed25519KeyPair GenerateEd25519();
// The key pair of a 32-byte seed; kInvalidArgument for another length.
Result<Ed25519KeyPair> Ed25519FromSeed(std::string_view seed);
// Overwrites `secret` with zeros (sodium_memzero), then empties it.
void WipeSecret(std::string& secret);

// The RFC 7638 thumbprint of the OKP Ed25519 JWK of `public_key`: base64url (no padding) of the
// SHA-256 of {"crv":"Ed25519","kty":"OKP","x":"..."}. Tongban uses it as every key's `kid`.
std::string JwkThumbprint(std::string_view public_key);
// The public JWK as JSON text: {"kty":"OKP","crv":"Ed25519","x","kid","use":"sig","alg":"EdDSA"}.
std::string PublicJwkJson(std::string_view public_key, std::string_view kid);

// A compact JWS (RFC 7515 section 7.1) of `payload` with the protected header
// {"alg":"EdDSA","kid":kid} plus "typ" when `typ` is not empty.
std::string SignJws(std::string_view secret_key, std::string_view kid, std::string_view payload,
                    std::string_view typ = {});

struct VerifiedJws {
  std::string kid;
  std::string typ;      // empty when the header has none
  std::string payload;  // the decoded payload bytes
};

// The public key of a `kid`, or nullopt when the kid is unknown.
using PublicKeyLookup = std::function<std::optional<std::string>(std::string_view kid)>;

// Verifies a compact JWS. Refuses, with kInvalidArgument and a message key:
//   error.jws.malformed   not three base64url (unpadded, canonical) parts, a header that is not a
//                         JSON object, a "crit" header, anything after the signature;
//   error.jws.algorithm   "alg" other than "EdDSA" (so "none" too);
//   error.jws.unknown_key no "kid", or one `lookup` does not know;
//   error.jws.signature   a signature that does not verify under that kid's key.
Result<VerifiedJws> VerifyJws(std::string_view token, const PublicKeyLookup& lookup);

}  // namespace tongban::crypto
