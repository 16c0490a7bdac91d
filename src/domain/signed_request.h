// The layout of a signed call to a department's own system (issue 9 item 8): the header that
// carries the signature, its JWS type, and the payload that binds the call. Signed by
// services/external_sources.cc through ports::KeyStore, verified by crypto::RequestVerifier.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/time.h"

namespace tongban::domain {

inline constexpr std::string_view kSignatureHeader = "Tongban-Signature";
inline constexpr std::string_view kSignedRequestType = "tongban-request+jws";

// {"htm": method, "htu": path and query, "bsh": lower-case hex SHA-256 of the body, "iat": Unix
// seconds, "jti": a random id}, keys in this order.
std::string SignedRequestPayload(std::string_view method, std::string_view target, std::string_view body_sha256_hex,
                                 Timestamp iat, std::string_view jti);

}  // namespace tongban::domain
