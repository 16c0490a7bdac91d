#include "crypto/federation_codec.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "crypto/jose.h"
#include "crypto/system.h"
#include "crypto/token_codec.h"

namespace tongban::crypto {
namespace {

using Json = nlohmann::json;

Error Refuse(std::string_view key) { return MakeError(ErrorCode::kInvalidArgument, std::string(key)); }

// A JSON string member, "" when absent or not a string.
std::string StringOf(const Json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

constexpr std::string_view kMessageTyp = "federation-message+jwt";

// The payload of a compact JWS, decoded WITHOUT checking anything: only to learn who claims to
// have sent it, so that the key to check it with can be found.
std::optional<std::string> UncheckedPayload(std::string_view jws) {
  const size_t first = jws.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const size_t second = jws.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  return Base64UrlDecode(jws.substr(first + 1, second - first - 1));
}

// A message's members from its payload; kInvalidArgument (error.federation.message_malformed).
Result<ports::FederationMessage> ParseMessage(std::string_view payload) {
  const Json doc = Json::parse(payload.begin(), payload.end(), nullptr, false);
  if (!doc.is_object()) return Refuse("error.federation.message_malformed");
  ports::FederationMessage m;
  m.id = StringOf(doc, "id");
  m.from = StringOf(doc, "from");
  m.to = StringOf(doc, "to");
  m.kind = StringOf(doc, "kind");
  m.request = StringOf(doc, "request");
  const auto body = doc.find("body");
  const auto sent_at = doc.find("sent_at");
  if (m.id.empty() || m.id.size() > 64 || m.from.empty() || m.to.empty() || m.kind.empty() || m.kind.size() > 64 ||
      body == doc.end() || !body->is_object() || sent_at == doc.end() || !sent_at->is_number_integer()) {
    return Refuse("error.federation.message_malformed");
  }
  m.body = body->dump(-1, ' ', false, Json::error_handler_t::replace);
  m.sent_at = Timestamp(std::chrono::seconds(sent_at->get<int64_t>()));
  return m;
}

}  // namespace

std::string JoseFederationCodec::MessagePayload(const ports::FederationMessage& m) const {
  Json body = Json::parse(m.body, nullptr, false);
  if (!body.is_object()) body = Json::object();
  Json doc = {{"id", m.id},     {"from", m.from}, {"to", m.to},
              {"kind", m.kind}, {"body", std::move(body)},
              {"sent_at", std::chrono::duration_cast<std::chrono::seconds>(m.sent_at.time_since_epoch()).count()}};
  if (!m.request.empty()) doc["request"] = m.request;
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<std::string> JoseFederationCodec::PeekMessageSender(std::string_view jws) const {
  const auto payload = UncheckedPayload(jws);
  if (!payload) return Refuse("error.federation.message_malformed");
  TB_ASSIGN_OR_RETURN(ports::FederationMessage m, ParseMessage(*payload));
  return m.from;
}

Result<ports::FederationMessage> JoseFederationCodec::CheckMessage(std::string_view jws,
                                                                  const ports::PublicSigningKey& key) const {
  const auto raw_key = Base64UrlDecode(key.x);
  if (!raw_key || raw_key->size() != kEd25519PublicKeyBytes || JwkThumbprint(*raw_key) != key.kid) {
    return Refuse("error.federation.message_wrong_key");
  }
  const std::string trusted = *raw_key;
  auto verified = VerifyJws(jws, [&](std::string_view kid) -> std::optional<std::string> {
    if (kid == key.kid) return trusted;
    return std::nullopt;
  });
  if (!verified.ok()) {
    const std::string& why = verified.error().message;
    if (why == "error.jws.unknown_key") return Refuse("error.federation.message_wrong_key");
    if (why == "error.jws.signature") return Refuse("error.federation.message_signature");
    return Refuse("error.federation.message_malformed");
  }
  if (verified->typ != kMessageTyp) return Refuse("error.federation.message_malformed");
  return ParseMessage(verified->payload);
}

std::string JwkThumbprintOfMembers(const std::map<std::string, std::string>& required_members) {
  // std::map orders the names by their bytes, which for the ASCII member names of RFC 7518 and
  // RFC 8037 is RFC 7638's lexicographic order of code points; Json::dump escapes as JSON does.
  std::string canonical = "{";
  bool first = true;
  for (const auto& [name, value] : required_members) {
    if (!first) canonical += ",";
    first = false;
    canonical += Json(name).dump();
    canonical += ":";
    canonical += Json(value).dump();
  }
  canonical += "}";
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size());
  return Base64UrlEncode(std::string(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string JoseFederationCodec::Thumbprint(std::string_view x) const {
  const auto raw = Base64UrlDecode(x);
  if (!raw || raw->size() != kEd25519PublicKeyBytes) return {};
  return JwkThumbprint(*raw);
}

Result<ports::PlatformIdentity> JoseFederationCodec::ParsePlatform(std::string_view json) const {
  const Json doc = Json::parse(std::string(json), nullptr, false);
  if (!doc.is_object()) return Refuse("error.federation.bad_platform");
  ports::PlatformIdentity p;
  p.code = StringOf(doc, "code");
  p.url = StringOf(doc, "url");
  if (const auto name = doc.find("name"); name != doc.end() && name->is_object()) {
    p.name_zh = StringOf(*name, "zh");
    p.name_en = StringOf(*name, "en");
  }
  const auto key = doc.find("list_key");
  if (p.code.empty() || key == doc.end() || !key->is_object()) return Refuse("error.federation.bad_platform");
  if (StringOf(*key, "kty") != "OKP" || StringOf(*key, "crv") != "Ed25519") {
    return Refuse("error.federation.bad_platform");
  }
  p.list_key.x = StringOf(*key, "x");
  // The kid is computed, never taken from the document: the fingerprint is checked against it.
  p.list_key.kid = Thumbprint(p.list_key.x);
  if (p.list_key.kid.empty()) return Refuse("error.federation.bad_platform");
  p.list_key.owner = {ports::KeyOwnerKind::kPurpose, "trust_list"};
  p.list_key.active = true;
  return p;
}

std::string JoseFederationCodec::PlatformJson(const ports::PlatformIdentity& p) const {
  Json key = {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", p.list_key.x}, {"kid", p.list_key.kid},
              {"use", "sig"}, {"alg", "EdDSA"}};
  Json doc = {{"code", p.code}, {"name", {{"zh", p.name_zh}, {"en", p.name_en}}}, {"url", p.url},
              {"list_key", std::move(key)}};
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<ports::TrustList> JoseFederationCodec::CheckPeerList(std::string_view jws, const ports::PublicSigningKey& key,
                                                             Timestamp now) const {
  const auto raw_key = Base64UrlDecode(key.x);
  if (!raw_key || raw_key->size() != kEd25519PublicKeyBytes || JwkThumbprint(*raw_key) != key.kid) {
    return Refuse("error.federation.list_wrong_key");
  }
  const std::string trusted = *raw_key;
  auto verified = VerifyJws(jws, [&](std::string_view kid) -> std::optional<std::string> {
    if (kid == key.kid) return trusted;
    return std::nullopt;
  });
  if (!verified.ok()) {
    const std::string& why = verified.error().message;
    if (why == "error.jws.unknown_key") return Refuse("error.federation.list_wrong_key");
    if (why == "error.jws.signature") return Refuse("error.federation.list_signature");
    return Refuse("error.federation.list_malformed");
  }
  if (verified->typ != kTrustListTyp) return Refuse("error.federation.list_malformed");
  JoseTokenCodec codec;
  Result<ports::TrustList> list = MakeError(ErrorCode::kInvalidArgument, "error.federation.list_malformed");
  try {
    list = codec.ParseTrustList(verified->payload, now);
  } catch (const Json::exception&) {
    return Refuse("error.federation.list_malformed");
  }
  if (!list.ok()) {
    if (list.error().message == "verify.reason.trust_list_expired") return Refuse("error.federation.list_expired");
    return Refuse("error.federation.list_malformed");
  }
  if (list->platform_code.empty()) return Refuse("error.federation.list_malformed");
  return list;
}

}  // namespace tongban::crypto
