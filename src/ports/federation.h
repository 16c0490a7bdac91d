// What federation (issue 14) needs from crypto: reading a peer's GET /api/v1/platform document,
// checking a peer's trust list against the one list key trusted for it, and RFC 7638 thumbprints.
// Implemented by crypto::JoseFederationCodec (crypto/federation_codec.h).
// Thread-safety: implementations are stateless and safe from every thread.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "common/time.h"
#include "ports/key_store.h"
#include "ports/verification.h"

namespace tongban::ports {

// A platform as GET /api/v1/platform describes it.
struct PlatformIdentity {
  std::string code;
  std::string name_zh, name_en;
  std::string url;
  PublicSigningKey list_key;  // kid is the key's own thumbprint (checked)
};

class FederationCodec {
 public:
  virtual ~FederationCodec() = default;
  // GET /api/v1/platform's JSON document. kInvalidArgument (error.federation.bad_platform) when it
  // is not one: not JSON, no code, or a list_key that is not an OKP Ed25519 JWK.
  virtual Result<PlatformIdentity> ParsePlatform(std::string_view json) const = 0;
  // The same document for this platform (GET /api/v1/platform answers it).
  virtual std::string PlatformJson(const PlatformIdentity& platform) const = 0;
  // A peer's trust list (compact JWS, typ trust-list+jwt) checked against `key`, the one list key
  // trusted for the peer, at `now`. kInvalidArgument with
  //   error.federation.list_malformed  not a compact JWS or not a trust list with a platform;
  //   error.federation.list_wrong_key  signed by another key than `key`;
  //   error.federation.list_signature  the signature does not verify (tampered);
  //   error.federation.list_expired    its exp has passed.
  virtual Result<TrustList> CheckPeerList(std::string_view jws, const PublicSigningKey& key, Timestamp now) const = 0;
  // The RFC 7638 thumbprint of the OKP Ed25519 key whose "x" is `x` (base64url); "" when `x` is
  // not 32 bytes of base64url.
  virtual std::string Thumbprint(std::string_view x) const = 0;
};

}  // namespace tongban::ports
