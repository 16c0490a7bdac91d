#include "crypto/sd_jwt.h"

#include <openssl/sha.h>

#include <nlohmann/json.hpp>
#include <set>

#include "crypto/system.h"

namespace tongban::crypto {
namespace {

using Json = nlohmann::json;

Error Bad(const char* key) { return MakeError(ErrorCode::kInvalidArgument, key); }

}  // namespace

std::string MakeDisclosure(std::string_view salt, std::string_view name, std::string_view value_json) {
  Json array = Json::array({std::string(salt), std::string(name), Json::parse(value_json)});
  return Base64UrlEncode(array.dump(-1, ' ', false, Json::error_handler_t::replace));
}

std::string DisclosureDigest(std::string_view disclosure) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(disclosure.data()), disclosure.size(), out);
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

std::string NewSdSalt() { return Base64UrlEncode(RandomBytes(kSdSaltBytes)); }

Result<SdJwtParts> SplitSdJwt(std::string_view text) {
  if (text.size() > kMaxSdJwtBytes) return Bad("error.sd_jwt.malformed");
  const size_t first = text.find('~');
  if (first == std::string_view::npos || first == 0) return Bad("error.sd_jwt.malformed");
  SdJwtParts parts;
  parts.jwt = std::string(text.substr(0, first));
  size_t start = first + 1;
  while (true) {
    const size_t next = text.find('~', start);
    if (next == std::string_view::npos) {
      parts.kb_jwt = std::string(text.substr(start));  // empty when the text ends with "~"
      break;
    }
    if (next == start) return Bad("error.sd_jwt.malformed");
    parts.disclosures.emplace_back(text.substr(start, next - start));
    start = next + 1;
  }
  return parts;
}

std::string JoinSdJwt(std::string_view jwt, const std::vector<std::string>& disclosures) {
  std::string out(jwt);
  out += '~';
  for (const std::string& d : disclosures) out += d + "~";
  return out;
}

Result<std::vector<DisclosedClaim>> ResolveDisclosures(std::string_view payload_json,
                                                       const std::vector<std::string>& disclosures) {
  const Json payload = Json::parse(payload_json, nullptr, false);
  if (!payload.is_object() || payload.value("_sd_alg", "") != "sha-256") return Bad("error.sd_jwt.malformed");
  std::set<std::string> digests;
  if (const auto it = payload.find("_sd"); it != payload.end()) {
    if (!it->is_array()) return Bad("error.sd_jwt.malformed");
    for (const Json& d : *it) {
      if (!d.is_string()) return Bad("error.sd_jwt.malformed");
      digests.insert(d.get<std::string>());
    }
  }
  std::vector<DisclosedClaim> claims;
  std::set<std::string> used, names;
  for (const std::string& disclosure : disclosures) {
    const auto bytes = Base64UrlDecode(disclosure);
    if (!bytes) return Bad("error.sd_jwt.malformed");
    const Json array = Json::parse(*bytes, nullptr, false);
    if (!array.is_array() || array.size() != 3 || !array[0].is_string() || !array[1].is_string()) {
      return Bad("error.sd_jwt.malformed");
    }
    const std::string name = array[1].get<std::string>();
    if (name == "_sd" || name == "..." || name == "_sd_alg") return Bad("error.sd_jwt.malformed");
    const std::string digest = DisclosureDigest(disclosure);
    if (!digests.contains(digest)) return Bad("error.sd_jwt.not_in_sd");
    if (!used.insert(digest).second || payload.contains(name) || !names.insert(name).second) {
      return Bad("error.sd_jwt.duplicate");
    }
    claims.push_back({name, array[2].dump(-1, ' ', false, Json::error_handler_t::replace)});
  }
  return claims;
}

}  // namespace tongban::crypto
