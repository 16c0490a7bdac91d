#include "crypto/request_signing.h"

#include <nlohmann/json.hpp>

#include "crypto/system.h"

namespace tongban::crypto {
namespace {

Error Refused(const char* key) { return MakeError(ErrorCode::kInvalidArgument, key); }

std::string BodyHash(std::string_view body) { return Sha256Hex(body); }

}  // namespace

std::string RequestSigningPayload(std::string_view method, std::string_view target, std::string_view body,
                                  Timestamp now, std::string_view jti) {
  return domain::SignedRequestPayload(method, target, BodyHash(body), now, jti);
}

std::string NewRequestNonce() { return Base64UrlEncode(RandomBytes(16)); }

Result<VerifiedRequest> RequestVerifier::Verify(std::string_view token, std::string_view method,
                                                std::string_view target, std::string_view body, Timestamp now,
                                                const PublicKeyLookup& lookup) {
  if (token.empty()) return Refused("error.request_signature.missing");
  TB_ASSIGN_OR_RETURN(const VerifiedJws jws, VerifyJws(token, lookup));
  if (jws.typ != kRequestJwsType) return Refused("error.request_signature.type");
  const nlohmann::json claims = nlohmann::json::parse(jws.payload, nullptr, false);
  if (!claims.is_object()) return Refused("error.request_signature.claims");
  for (const char* key : {"htm", "htu", "bsh", "jti"}) {
    if (!claims.contains(key) || !claims[key].is_string()) return Refused("error.request_signature.claims");
  }
  if (!claims.contains("iat") || !claims["iat"].is_number_integer()) return Refused("error.request_signature.claims");
  const std::string jti = claims["jti"].get<std::string>();
  if (jti.empty() || jti.size() > 128) return Refused("error.request_signature.claims");
  if (claims["htm"].get<std::string>() != method || claims["htu"].get<std::string>() != target ||
      claims["bsh"].get<std::string>() != BodyHash(body)) {
    return Refused("error.request_signature.binding");
  }
  const Timestamp iat{std::chrono::seconds(claims["iat"].get<int64_t>())};
  if (iat < now - window_ || iat > now + window_) return Refused("error.request_signature.time");

  std::lock_guard lock(mutex_);
  // Forget ids whose time is out of the window: a replay of them fails the time check.
  while (!by_time_.empty() && by_time_.front().first < now - window_) {
    seen_.erase(by_time_.front().second);
    by_time_.pop_front();
  }
  if (!seen_.insert(jti).second) return Refused("error.request_signature.replay");
  // Kept in insertion order; an iat a little in the future stays until the window passes it.
  by_time_.emplace_back(std::max(iat, now), jti);
  return VerifiedRequest{jws.kid, jti, iat};
}

}  // namespace tongban::crypto
