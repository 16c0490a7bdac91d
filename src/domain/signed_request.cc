#include "domain/signed_request.h"

#include "domain/access_log.h"

namespace tongban::domain {

std::string SignedRequestPayload(std::string_view method, std::string_view target, std::string_view body_sha256_hex,
                                 Timestamp iat, std::string_view jti) {
  return "{\"htm\":" + JsonStringLiteral(method) + ",\"htu\":" + JsonStringLiteral(target) +
         ",\"bsh\":" + JsonStringLiteral(body_sha256_hex) + ",\"iat\":" + std::to_string(iat.time_since_epoch().count()) +
         ",\"jti\":" + JsonStringLiteral(jti) + "}";
}

}  // namespace tongban::domain
