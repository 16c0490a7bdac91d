// Selective Disclosure for JWTs (RFC 9901), the parts Tongban uses: disclosures of object
// properties (base64url of the JSON array [salt, name, value]), their SHA-256 digests in the
// payload's "_sd" array with "_sd_alg":"sha-256", and the compact form
// <issuer-signed JWT>~<disclosure>~...~ (no Key Binding JWT: see docs/architecture.md,
// "Presentations", for why the holder binding lives in the issuer-signed part).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace tongban::crypto {

// Salts of 128 bits (RFC 9901 section 9.3 asks for at least that), from libsodium.
inline constexpr size_t kSdSaltBytes = 16;
// An SD-JWT longer than this is refused before it is parsed.
inline constexpr size_t kMaxSdJwtBytes = 64 * 1024;

// A disclosure of the property `name` with the JSON value `value_json`, salted with `salt`
// (base64url text). Answers the base64url of the UTF-8 JSON array.
std::string MakeDisclosure(std::string_view salt, std::string_view name, std::string_view value_json);
// base64url(SHA-256(ASCII of the disclosure)), the form stored in "_sd" (RFC 9901 section 4.2.3).
std::string DisclosureDigest(std::string_view disclosure);
// A fresh random salt (kSdSaltBytes, base64url).
std::string NewSdSalt();

struct SdJwtParts {
  std::string jwt;                       // the issuer-signed JWT
  std::vector<std::string> disclosures;  // as sent (base64url)
  std::string kb_jwt;                    // the Key Binding JWT; empty when none
};
// Splits the compact form. kInvalidArgument (error.sd_jwt.malformed) when it has no "~", an empty
// disclosure, or more than kMaxSdJwtBytes.
Result<SdJwtParts> SplitSdJwt(std::string_view text);
// <jwt>~<d1>~...~<dn>~
std::string JoinSdJwt(std::string_view jwt, const std::vector<std::string>& disclosures);

struct DisclosedClaim {
  std::string name;
  std::string value_json;
};
// Checks every disclosure against the "_sd" digests of the payload `payload_json` (a JSON object
// with "_sd_alg":"sha-256") and answers the disclosed claims. kInvalidArgument with:
//   error.sd_jwt.malformed   a disclosure that is not base64url of a JSON array of 3 (salt string,
//                            name string, value), a name that is "_sd" or "...", or a payload
//                            without "_sd_alg" sha-256;
//   error.sd_jwt.not_in_sd   a disclosure whose digest is not in "_sd" (changed, or of another
//                            credential);
//   error.sd_jwt.duplicate   the same digest twice, or a name the payload has in clear.
Result<std::vector<DisclosedClaim>> ResolveDisclosures(std::string_view payload_json,
                                                       const std::vector<std::string>& disclosures);

}  // namespace tongban::crypto
