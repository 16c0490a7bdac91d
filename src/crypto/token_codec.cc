#include "crypto/token_codec.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "crypto/jose.h"
#include "crypto/sd_jwt.h"
#include "crypto/status_list.h"
#include "crypto/system.h"

namespace tongban::crypto {
namespace {

using Json = nlohmann::json;
using ports::StatusPointer;
using ports::StatusPurpose;
using ports::TokenCheck;
using ports::TrustList;

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

int64_t Seconds(Timestamp at) { return at.time_since_epoch().count(); }
Timestamp FromSeconds(int64_t s) { return Timestamp{std::chrono::seconds{s}}; }

Json KeyJson(const ports::PublicSigningKey& key) {
  return {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", key.x},          {"kid", key.kid},
          {"use", "sig"}, {"alg", "EdDSA"},   {"status", key.active ? "active" : "retired"}};
}

std::vector<ports::PublicSigningKey> ParseKeys(const Json& keys, const ports::KeyOwner& owner) {
  std::vector<ports::PublicSigningKey> out;
  if (!keys.is_array()) return out;
  for (const Json& k : keys) {
    if (!k.is_object() || k.value("kty", "") != "OKP" || k.value("crv", "") != "Ed25519") continue;
    ports::PublicSigningKey key;
    key.kid = k.value("kid", "");
    key.x = k.value("x", "");
    key.owner = owner;
    key.active = k.value("status", "active") == "active";
    // A kid is the key's own RFC 7638 thumbprint: a list naming another key under it is refused.
    const auto raw = Base64UrlDecode(key.x);
    if (!raw || raw->size() != kEd25519PublicKeyBytes || JwkThumbprint(*raw) != key.kid) continue;
    out.push_back(std::move(key));
  }
  return out;
}

// The last path segment of a status list URL: the list id.
std::string ListIdOf(std::string_view url) {
  const size_t hash = url.find('#');
  if (hash != std::string_view::npos) url = url.substr(0, hash);
  const size_t slash = url.rfind('/');
  return std::string(slash == std::string_view::npos ? url : url.substr(slash + 1));
}

std::optional<Timestamp> TimeField(const Json& payload, const char* name, bool& bad) {
  const auto it = payload.find(name);
  if (it == payload.end()) return std::nullopt;
  if (!it->is_string()) {
    bad = true;
    return std::nullopt;
  }
  auto t = ParseRfc3339(it->get<std::string>());
  if (!t) bad = true;
  return t;
}

std::optional<Timestamp> NumericDate(const Json& payload, const char* name, bool& bad) {
  const auto it = payload.find(name);
  if (it == payload.end()) return std::nullopt;
  if (!it->is_number_integer()) {
    bad = true;
    return std::nullopt;
  }
  return FromSeconds(it->get<int64_t>());
}

// The payload of a compact JWS without checking its signature (for the trust list file, whose
// signature the caller checks against keys obtained elsewhere when it has them).
std::optional<std::string> UncheckedPayload(std::string_view jws, std::string& typ) {
  const size_t a = jws.find('.');
  const size_t b = a == std::string_view::npos ? a : jws.find('.', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  const auto header = Base64UrlDecode(jws.substr(0, a));
  if (!header) return std::nullopt;
  const Json h = Json::parse(*header, nullptr, false);
  if (!h.is_object()) return std::nullopt;
  typ = h.value("typ", "");
  return Base64UrlDecode(jws.substr(a + 1, b - a - 1));
}

TokenCheck Refuse(std::string status, std::string code, std::string detail = {}) {
  TokenCheck out;
  out.status = std::move(status);
  out.reasons.push_back({std::move(code), std::move(detail)});
  return out;
}

// Maps a VerifyJws refusal to the answer's status: a kid we do not know means the issuer is not
// in the trust list; anything else means the token is not what its issuer signed.
TokenCheck RefuseJws(const Error& error) {
  return Refuse(error.message == "error.jws.unknown_key" ? "unknown_issuer" : "bad_signature", error.message);
}

}  // namespace

std::string JoseTokenCodec::IdentityCodePayload(const ports::IdentityClaims& c) const {
  return Dump(Json{{"sub", c.sub},
                   {"kind", c.kind},
                   {"name", c.name},
                   {"idm", c.masked_id},
                   {"jti", c.jti},
                   {"exp", Seconds(c.expires_at)}});
}

Result<ports::IdentityClaims> JoseTokenCodec::ParseIdentityCode(std::string_view payload) const {
  const Json j = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
  const auto text = [&](const char* key) -> const Json* {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? &*it : nullptr;
  };
  const auto number = [&](const char* key) -> const Json* {
    const auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? &*it : nullptr;
  };
  if (!j.is_object() || !text("sub") || !text("kind") || !text("name") || !text("idm") || !text("jti") ||
      !number("exp")) {
    return MakeError(ErrorCode::kInvalidArgument, "error.identity_code.malformed");
  }
  ports::IdentityClaims c;
  c.sub = j["sub"].get<std::string>();
  c.kind = j["kind"].get<std::string>();
  c.name = j["name"].get<std::string>();
  c.masked_id = j["idm"].get<std::string>();
  c.jti = j["jti"].get<std::string>();
  c.expires_at = FromSeconds(j["exp"].get<int64_t>());
  return c;
}

std::string JoseTokenCodec::TrustListPayload(const TrustList& list) const {
  Json issuers = Json::array();
  for (const ports::TrustedIssuer& issuer : list.issuers) {
    Json keys = Json::array();
    for (const auto& key : issuer.keys) keys.push_back(KeyJson(key));
    Json entry{{"id", issuer.id},
               {"name", {{"zh", issuer.name_zh}, {"en", issuer.name_en}}},
               {"platform", issuer.platform},
               {"keys", std::move(keys)}};
    if (issuer.licence_types) entry["licence_types"] = *issuer.licence_types;
    issuers.push_back(std::move(entry));
  }
  Json status_keys = Json::array();
  for (const auto& key : list.status_keys) status_keys.push_back(KeyJson(key));
  Json payload{{"iss", list.iss},
               {"iat", Seconds(list.issued_at)},
               {"exp", Seconds(list.expires_at)},
               {"issuers", std::move(issuers)},
               {"status_issuer", {{"id", list.status_issuer_id}, {"keys", std::move(status_keys)}}}};
  // The platform that signs the list and its list keys (federation, issue 14).
  if (!list.platform_code.empty()) {
    Json list_keys = Json::array();
    for (const auto& key : list.list_keys) list_keys.push_back(KeyJson(key));
    payload["platform"] = {{"code", list.platform_code},
                           {"name", {{"zh", list.platform_name_zh}, {"en", list.platform_name_en}}},
                           {"url", list.platform_url},
                           {"list_keys", std::move(list_keys)}};
  }
  return Dump(payload);
}

Result<TrustList> JoseTokenCodec::ParseTrustList(std::string_view text, Timestamp now) const {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  const Error bad = MakeError(ErrorCode::kInvalidArgument, "verify.reason.trust_list");
  std::string payload_text(text);
  if (!text.starts_with("{")) {
    std::string typ;
    auto payload = UncheckedPayload(text, typ);
    if (!payload || typ != kTrustListTyp) return bad;
    payload_text = std::move(*payload);
  }
  const Json payload = Json::parse(payload_text, nullptr, false);
  if (!payload.is_object() || !payload.contains("issuers") || !payload["issuers"].is_array()) return bad;
  bool bad_time = false;
  TrustList list;
  list.iss = payload.value("iss", "");
  const auto iat = NumericDate(payload, "iat", bad_time);
  const auto exp = NumericDate(payload, "exp", bad_time);
  if (bad_time || !exp) return bad;
  if (iat) list.issued_at = *iat;
  list.expires_at = *exp;
  if (now > list.expires_at) return MakeError(ErrorCode::kInvalidArgument, "verify.reason.trust_list_expired");
  for (const Json& i : payload["issuers"]) {
    if (!i.is_object()) return bad;
    ports::TrustedIssuer issuer;
    issuer.id = i.value("id", "");
    const size_t at = issuer.id.rfind(":issuer:");
    if (at == std::string::npos) return bad;
    issuer.department = issuer.id.substr(at + 8);
    issuer.platform = i.value("platform", "");
    if (i.contains("name") && i["name"].is_object()) {
      issuer.name_zh = i["name"].value("zh", "");
      issuer.name_en = i["name"].value("en", "");
    }
    issuer.keys = ParseKeys(i.value("keys", Json::array()), {ports::KeyOwnerKind::kIssuer, issuer.department});
    if (i.contains("licence_types") && i["licence_types"].is_array()) {
      std::vector<std::string> types;
      for (const Json& t : i["licence_types"]) {
        if (t.is_string()) types.push_back(t.get<std::string>());
      }
      issuer.licence_types = std::move(types);
    }
    list.issuers.push_back(std::move(issuer));
  }
  if (payload.contains("platform")) {
    const Json& pf = payload["platform"];
    if (!pf.is_object() || !pf.contains("code") || !pf["code"].is_string()) return bad;
    list.platform_code = pf["code"].get<std::string>();
    if (pf.contains("name") && pf["name"].is_object()) {
      list.platform_name_zh = pf["name"].value("zh", "");
      list.platform_name_en = pf["name"].value("en", "");
    }
    if (pf.contains("url") && pf["url"].is_string()) list.platform_url = pf["url"].get<std::string>();
    list.list_keys = ParseKeys(pf.value("list_keys", Json::array()), {ports::KeyOwnerKind::kPurpose, "trust_list"});
  }
  if (payload.contains("status_issuer") && payload["status_issuer"].is_object()) {
    list.status_issuer_id = payload["status_issuer"].value("id", "");
    list.status_keys = ParseKeys(payload["status_issuer"].value("keys", Json::array()),
                                 {ports::KeyOwnerKind::kPurpose, "status"});
  }
  return list;
}

TokenCheck JoseTokenCodec::Check(std::string_view token, const TrustList& trust) const {
  // Which issuer each kid belongs to; only issuer keys sign licences (a status or trust-list key
  // does not).
  std::map<std::string, std::pair<const ports::TrustedIssuer*, std::string>, std::less<>> keys;
  for (const ports::TrustedIssuer& issuer : trust.issuers) {
    for (const auto& key : issuer.keys) {
      if (auto raw = Base64UrlDecode(key.x)) keys[key.kid] = {&issuer, std::move(*raw)};
    }
  }
  const PublicKeyLookup lookup = [&keys](std::string_view kid) -> std::optional<std::string> {
    const auto it = keys.find(kid);
    if (it == keys.end()) return std::nullopt;
    return it->second.second;
  };

  const bool presentation = token.find('~') != std::string_view::npos;
  SdJwtParts parts;
  if (presentation) {
    auto split = SplitSdJwt(token);
    if (!split.ok()) return Refuse("bad_signature", split.error().message);
    parts = std::move(*split);
    // Tongban issues presentations without a Key Binding JWT (the holder binding is in the
    // issuer-signed part); one that carries a KB-JWT was not made here.
    if (!parts.kb_jwt.empty()) return Refuse("bad_signature", "verify.reason.key_binding");
  } else {
    parts.jwt = std::string(token);
  }
  auto verified = VerifyJws(parts.jwt, lookup);
  if (!verified.ok()) return RefuseJws(verified.error());
  const ports::TrustedIssuer& issuer = *keys.find(verified->kid)->second.first;

  const Json payload = Json::parse(verified->payload, nullptr, false);
  if (!payload.is_object()) return Refuse("bad_signature", "verify.reason.payload");
  ports::CheckedToken out;
  out.issuer_department = issuer.department;
  bool bad = false;
  Json claims = Json::object();

  if (presentation) {
    if (verified->typ != kPresentationTyp) return Refuse("bad_signature", "verify.reason.type");
    out.kind = ports::TokenKind::kPresentation;
    if (payload.value("iss", "") != issuer.id) return Refuse("unknown_issuer", "verify.reason.issuer_mismatch");
    auto disclosed = ResolveDisclosures(verified->payload, parts.disclosures);
    if (!disclosed.ok()) return Refuse("bad_signature", disclosed.error().message);
    out.licence_type = payload.value("vct", "");
    out.valid_until = NumericDate(payload, "exp", bad);
    const auto iat = NumericDate(payload, "iat", bad);
    if (iat) out.valid_from = iat;
    out.audience = payload.value("aud", "");
    out.nonce = payload.value("nonce", "");
    if (bad || !out.valid_until || out.nonce.empty()) return Refuse("bad_signature", "verify.reason.payload");
    if (const auto it = payload.find("status"); it != payload.end()) {
      if (!it->is_object() || !(*it)["list"].is_string() || !(*it)["index"].is_number_integer()) {
        return Refuse("bad_signature", "verify.reason.payload");
      }
      const std::string list = (*it)["list"].get<std::string>();
      const int64_t index = (*it)["index"].get<int64_t>();
      out.status.push_back({list, index, StatusPurpose::kRevocation});
      out.status.push_back({list + "-suspension", index, StatusPurpose::kSuspension});
    }
    claims["licence_type"] = out.licence_type;
    for (const DisclosedClaim& c : *disclosed) claims[c.name] = Json::parse(c.value_json);
  } else if (verified->typ == kCredentialTyp) {
    out.kind = ports::TokenKind::kCredential;
    const Json& iss = payload.contains("issuer") ? payload["issuer"] : Json();
    const std::string iss_id = iss.is_object() ? iss.value("id", "") : iss.is_string() ? iss.get<std::string>() : "";
    if (iss_id != issuer.id) return Refuse("unknown_issuer", "verify.reason.issuer_mismatch");
    const Json types = payload.value("type", Json::array());
    if (!types.is_array() || std::find(types.begin(), types.end(), Json("VerifiableCredential")) == types.end()) {
      return Refuse("bad_signature", "verify.reason.payload");
    }
    const std::string id = payload.value("id", "");
    if (id.starts_with("urn:tongban:licence:")) out.licence_id = id.substr(20);
    const Json subject = payload.value("credentialSubject", Json::object());
    if (!subject.is_object()) return Refuse("bad_signature", "verify.reason.payload");
    out.licence_type = subject.value("licence_type", "");
    if (subject.contains("id") && subject["id"].is_string()) out.holder = subject["id"].get<std::string>();
    out.valid_from = TimeField(payload, "validFrom", bad);
    out.valid_until = TimeField(payload, "validUntil", bad);
    Json status = payload.value("credentialStatus", Json::array());
    if (status.is_object()) status = Json::array({status});
    for (const Json& s : status) {
      if (!s.is_object()) {
        bad = true;
        continue;
      }
      const std::string purpose = s.value("statusPurpose", "");
      const std::string index = s.value("statusListIndex", "");
      const std::string url = s.value("statusListCredential", "");
      if ((purpose != "revocation" && purpose != "suspension") || index.empty() || index.size() > 12 ||
          !std::all_of(index.begin(), index.end(), [](char c) { return c >= '0' && c <= '9'; }) || url.empty()) {
        bad = true;
        continue;
      }
      out.status.push_back({ListIdOf(url), std::stoll(index),
                            purpose == "revocation" ? StatusPurpose::kRevocation : StatusPurpose::kSuspension});
    }
    if (bad) return Refuse("bad_signature", "verify.reason.payload");
    claims = subject;
  } else if (verified->typ == kQrTyp) {
    out.kind = ports::TokenKind::kQr;
    // iss and pf may be left out to keep the QR small: the kid's trust-list entry names both.
    if (payload.value("iss", issuer.department) != issuer.department ||
        (!issuer.platform.empty() && payload.value("pf", issuer.platform) != issuer.platform)) {
      return Refuse("unknown_issuer", "verify.reason.issuer_mismatch");
    }
    out.licence_id = payload.value("lid", "");
    out.licence_type = payload.value("lt", "");
    out.valid_until = NumericDate(payload, "exp", bad);
    if (payload.contains("sl")) {
      if (!payload["sl"].is_string() || !payload.contains("si") || !payload["si"].is_number_integer()) bad = true;
      if (!bad) {
        const std::string list = payload["sl"].get<std::string>();
        const int64_t index = payload["si"].get<int64_t>();
        out.status.push_back({list, index, StatusPurpose::kRevocation});
        out.status.push_back({list + "-suspension", index, StatusPurpose::kSuspension});
      }
    }
    if (bad || out.licence_id.empty()) return Refuse("bad_signature", "verify.reason.payload");
    claims = {{"licence_id", out.licence_id},
              {"licence_type", out.licence_type},
              {"holder_id", payload.value("sub", "")},
              {"holder_name", payload.value("hn", "")}};
    if (payload.contains("parts")) claims["parts"] = payload["parts"];
  } else {
    return Refuse("bad_signature", "verify.reason.type");
  }
  for (const StatusPointer& p : out.status) {
    if (p.index < 0) return Refuse("bad_signature", "verify.reason.payload");
  }
  if (issuer.licence_types && !out.licence_type.empty() &&
      std::find(issuer.licence_types->begin(), issuer.licence_types->end(), out.licence_type) ==
          issuer.licence_types->end()) {
    return Refuse("unknown_issuer", "verify.reason.type_not_allowed", out.licence_type);
  }
  out.claims_json = Dump(claims);
  TokenCheck check;
  check.token = std::move(out);
  return check;
}

Result<ports::CheckedStatusList> JoseTokenCodec::CheckStatusList(std::string_view credential,
                                                                 const TrustList& trust) const {
  const auto bad = [](const char* key) { return MakeError(ErrorCode::kInvalidArgument, key); };
  std::map<std::string, std::string, std::less<>> keys;
  for (const auto& key : trust.status_keys) {
    if (auto raw = Base64UrlDecode(key.x)) keys[key.kid] = std::move(*raw);
  }
  while (!credential.empty() && std::isspace(static_cast<unsigned char>(credential.back()))) credential.remove_suffix(1);
  auto verified = VerifyJws(credential, [&keys](std::string_view kid) -> std::optional<std::string> {
    const auto it = keys.find(kid);
    if (it == keys.end()) return std::nullopt;
    return it->second;
  });
  if (!verified.ok()) return bad("verify.reason.status_list_signature");
  const Json payload = Json::parse(verified->payload, nullptr, false);
  if (verified->typ != kCredentialTyp || !payload.is_object()) return bad("verify.reason.status_list");
  const Json types = payload.value("type", Json::array());
  const Json subject = payload.value("credentialSubject", Json::object());
  if (!types.is_array() ||
      std::find(types.begin(), types.end(), Json("BitstringStatusListCredential")) == types.end() ||
      !subject.is_object() || subject.value("type", "") != "BitstringStatusList") {
    return bad("verify.reason.status_list");
  }
  const std::string purpose = subject.value("statusPurpose", "");
  // Another purpose than ours: not the list any pointer of ours names.
  if (purpose != "revocation" && purpose != "suspension") return bad("verify.reason.status_list_other");
  bool bad_time = false;
  const auto valid_until = TimeField(payload, "validUntil", bad_time);
  if (bad_time || !valid_until) return bad("verify.reason.status_list");
  auto bits = DecodeStatusList(subject.value("encodedList", ""));
  if (!bits.ok()) return bits.take_error();
  ports::CheckedStatusList out;
  out.list_id = ListIdOf(payload.value("id", ""));
  out.purpose = purpose == "revocation" ? StatusPurpose::kRevocation : StatusPurpose::kSuspension;
  out.valid_until = *valid_until;
  out.bytes = bits->bytes();
  return out;
}

Result<bool> JoseTokenCodec::StatusBitFromCredential(std::string_view credential, const StatusPointer& pointer,
                                                     const TrustList& trust, Timestamp now) const {
  const auto bad = [](const char* key) { return MakeError(ErrorCode::kInvalidArgument, key); };
  TB_ASSIGN_OR_RETURN(const ports::CheckedStatusList list, CheckStatusList(credential, trust));
  if (list.list_id != pointer.list_id || list.purpose != pointer.purpose) return bad("verify.reason.status_list_other");
  if (now > list.valid_until) return bad("verify.reason.status_list_expired");
  if (static_cast<uint64_t>(pointer.index) >= list.bytes.size() * 8) return bad("verify.reason.status_index");
  return Bitstring::FromBytes(list.bytes).Get(static_cast<size_t>(pointer.index));
}

Result<JoseTokenCodec::UnsignedPresentation> JoseTokenCodec::PreparePresentation(
    const ports::LicenceForPresentation& licence, const ports::PresentationRequest& request, std::string_view iss,
    Timestamp now, Timestamp expires_at) const {
  const Json claims = Json::parse(licence.claims_json, nullptr, false);
  if (!claims.is_object()) return MakeError(ErrorCode::kInternal, "licence claims are not a JSON object");
  for (const std::string& name : request.disclose) {
    if (!claims.contains(name) || name == "licence_type") {
      return Error{ErrorCode::kInvalidArgument, "error.presentation.unknown_claim",
                   {{"disclose", "error.presentation.unknown_claim", name}}};
    }
  }
  UnsignedPresentation out;
  std::vector<std::string> digests;
  for (const auto& [name, value] : claims.items()) {
    if (name == "licence_type") continue;  // in clear as vct
    const std::string disclosure = MakeDisclosure(NewSdSalt(), name, Dump(value));
    digests.push_back(DisclosureDigest(disclosure));
    if (std::find(request.disclose.begin(), request.disclose.end(), name) != request.disclose.end()) {
      out.disclosures.push_back(disclosure);
    }
  }
  // Sorted digests say nothing about the order or names of the claims (RFC 9901 section 4.2.4.1).
  std::sort(digests.begin(), digests.end());
  Json payload{{"iss", std::string(iss)},
               {"iat", Seconds(now)},
               {"exp", Seconds(expires_at)},
               {"vct", licence.type},
               {"nonce", request.nonce},
               {"_sd_alg", "sha-256"},
               {"_sd", digests}};
  if (!request.audience.empty()) payload["aud"] = request.audience;
  for (const StatusPointer& p : licence.status) {
    if (p.purpose == StatusPurpose::kRevocation) payload["status"] = {{"list", p.list_id}, {"index", p.index}};
  }
  out.payload = Dump(payload);
  return out;
}

}  // namespace tongban::crypto
