// Signed requests to a department's own system (issue 9 item 8): the platform signs each call it
// makes for an external dataset with a compact JWS (alg EdDSA, the key of purpose "outbound" in
// the one key store, its kid in /.well-known/jwks.json) sent in the Tongban-Signature header.
// The payload binds the call (domain/signed_request.h): {"htm": method, "htu": path and query,
// "bsh": hex SHA-256 of the body, "iat": Unix seconds, "jti": a random id}. A department verifies it with any JOSE
// library against the platform's JWKS, checks the method, path and body hash against the request
// it received, refuses an `iat` outside its window and a `jti` it has seen within the window
// (RequestVerifier does all of this for the stand-in department server, app/dept_source.cc).
// Thread-safety: the free functions are pure; RequestVerifier is safe from every thread.
#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

#include "common/result.h"
#include "common/time.h"
#include "crypto/jose.h"
#include "domain/signed_request.h"

namespace tongban::crypto {

inline constexpr std::string_view kRequestSignatureHeader = domain::kSignatureHeader;
inline constexpr std::string_view kRequestJwsType = domain::kSignedRequestType;

// The payload to sign for a call (domain::SignedRequestPayload of the body's hash).
std::string RequestSigningPayload(std::string_view method, std::string_view target, std::string_view body,
                                  Timestamp now, std::string_view jti);
// A fresh random id for `jti` (16 random bytes, base64url).
std::string NewRequestNonce();

// What a verified request carries.
struct VerifiedRequest {
  std::string kid;
  std::string jti;
  Timestamp issued_at{};
};

class RequestVerifier {
 public:
  // A signature is accepted while its iat is within `window` of the verifier's clock (either
  // side); each jti once within that window.
  explicit RequestVerifier(std::chrono::seconds window = std::chrono::seconds(60)) : window_(window) {}

  // Verifies `token` (the header's value) for the request received. kInvalidArgument with:
  //   error.request_signature.missing    no token
  //   error.jws.*                        not a compact JWS of a known key (crypto/jose.h)
  //   error.request_signature.type       a typ other than kRequestJwsType
  //   error.request_signature.claims     a payload without htm, htu, bsh, iat and jti
  //   error.request_signature.binding    method, path or body hash differ from the request
  //   error.request_signature.time       iat outside the window
  //   error.request_signature.replay     a jti seen within the window
  Result<VerifiedRequest> Verify(std::string_view token, std::string_view method, std::string_view target,
                                 std::string_view body, Timestamp now, const PublicKeyLookup& lookup);

 private:
  const std::chrono::seconds window_;
  std::mutex mutex_;
  std::unordered_set<std::string> seen_;
  std::deque<std::pair<Timestamp, std::string>> by_time_;  // (iat, jti), oldest first
};

}  // namespace tongban::crypto
