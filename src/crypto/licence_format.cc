#include "crypto/licence_format.h"

#include <qrencode.h>
#include <zlib.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "crypto/status_list.h"

namespace tongban::crypto {
namespace {

using Json = nlohmann::ordered_json;

int64_t EpochSeconds(Timestamp at) { return at.time_since_epoch().count(); }

std::string IssuerUrn(const ports::LicenceDocumentContext& c, const std::string& department) {
  return "urn:tongban:" + c.platform_code + ":issuer:" + department;
}

Json StatusEntry(const domain::Licence& l, const ports::LicenceDocumentContext& c, const std::string& purpose) {
  const std::string list_id = purpose == "revocation" ? l.status_list : l.status_list + "-suspension";
  const std::string list_url = c.base_url + "/api/v1/status-lists/" + list_id;
  return Json{{"id", list_url + "#" + std::to_string(l.status_index)},
              {"type", "BitstringStatusListEntry"},
              {"statusPurpose", purpose},
              {"statusListIndex", std::to_string(l.status_index)},
              {"statusListCredential", list_url}};
}

struct QrDeleter {
  void operator()(QRcode* code) const { QRcode_free(code); }
};
using QrPtr = std::unique_ptr<QRcode, QrDeleter>;

// The symbol of `text` at level M in byte mode, the smallest version that holds it.
Result<QrPtr> Encode(std::string_view text) {
  QrPtr code(QRcode_encodeData(static_cast<int>(text.size()), reinterpret_cast<const unsigned char*>(text.data()), 0,
                               QR_ECLEVEL_M));
  if (!code) return MakeError(ErrorCode::kInvalidArgument, "error.licence.qr_too_large");
  if (code->version > ports::kMaxQrVersion) return MakeError(ErrorCode::kInvalidArgument, "error.licence.qr_too_large");
  return code;
}

constexpr int kQuietZone = 4;  // modules of white border the standard asks for

void PutChunk(std::string& png, const char* type, const std::string& data) {
  auto put32 = [&](uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) png.push_back(static_cast<char>((v >> shift) & 0xff));
  };
  put32(static_cast<uint32_t>(data.size()));
  const std::string body = std::string(type, 4) + data;
  png += body;
  put32(static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
}

// The credential's claims about its holder, but the holder's id.
Json SubjectClaimsJson(const domain::Licence& l) {
  Json subject{{"licence_type", l.type}, {"holder_name", l.holder_name}};
  for (const auto& [name, value] : l.claims) subject[name] = value;
  if (!l.parts.empty()) subject["parts"] = l.parts;
  return subject;
}

}  // namespace

std::string JsonLicenceFormat::SubjectClaims(const domain::Licence& l) { return SubjectClaimsJson(l).dump(); }

std::string JsonLicenceFormat::CredentialPayload(const domain::Licence& l, const ports::LicenceDocumentContext& c) {
  Json types = Json::array({"VerifiableCredential", "TongbanLicence"});
  if (!c.type_class.empty()) types.push_back(c.type_class);
  Json subject = SubjectClaimsJson(l);
  subject["id"] = domain::HolderUrn(l);
  Json vc{{"@context", Json::array({"https://www.w3.org/ns/credentials/v2"})},
          {"type", std::move(types)},
          {"id", "urn:tongban:licence:" + l.id},
          {"issuer", Json{{"id", IssuerUrn(c, l.issuer)}, {"name", c.issuer_name}}},
          {"validFrom", FormatRfc3339(l.issued_at)}};
  if (l.valid_until) vc["validUntil"] = FormatRfc3339(*l.valid_until);
  vc["credentialSubject"] = std::move(subject);
  vc["credentialStatus"] = Json::array({StatusEntry(l, c, "revocation"), StatusEntry(l, c, "suspension")});
  return vc.dump();
}

std::string JsonLicenceFormat::QrPayload(const domain::Licence& l, const ports::LicenceDocumentContext& c,
                                         const std::vector<std::string>& parts) {
  // The token must stay within QR version 15 at level M (412 bytes): with the header (kid) and the
  // signature that leaves ports::kMaxQrPayloadBytes of payload JSON. What a checker can do without
  // goes first, in this order: iat; v; pf and iss (the kid's trust-list entry names the issuer and
  // its platform); then the holder's name is shortened (the credential and an online check have
  // it whole).
  std::string name = l.holder_name;
  for (int drop = 0;; ++drop) {
    Json q = Json::object();
    if (drop < 2) q["v"] = 1;
    q["lid"] = l.id;
    q["lt"] = l.type;
    if (drop < 3) q["iss"] = l.issuer;
    if (drop < 3) q["pf"] = c.platform_code;
    q["sub"] = domain::MaskHolderId(l.holder_id);
    if (!name.empty()) q["hn"] = name;
    if (drop < 1) q["iat"] = EpochSeconds(l.issued_at);
    if (l.valid_until) q["exp"] = EpochSeconds(*l.valid_until);
    q["sl"] = l.status_list;
    q["si"] = l.status_index;
    if (!parts.empty()) q["parts"] = parts;
    std::string text = q.dump();
    if (text.size() <= ports::kMaxQrPayloadBytes || (drop >= 3 && name.empty())) return text;
    if (drop >= 3) {
      // One UTF-8 character shorter.
      while (!name.empty() && (static_cast<unsigned char>(name.back()) & 0xC0) == 0x80) name.pop_back();
      if (!name.empty()) name.pop_back();  // its lead byte, or an ASCII character
    }
  }
}

std::string JsonLicenceFormat::StatusListPayload(const std::string& list_credential, std::string_view purpose,
                                                 const std::vector<int64_t>& set, Timestamp from, Timestamp until,
                                                 int ttl_seconds, const ports::LicenceDocumentContext& c) {
  Bitstring bits(static_cast<size_t>(domain::kLicenceStatusListSize));
  for (const int64_t index : set) bits.Set(static_cast<size_t>(index), true);
  const std::string id = c.base_url + "/api/v1/status-lists/" + list_credential;
  Json vc{{"@context", Json::array({"https://www.w3.org/ns/credentials/v2"})},
          {"type", Json::array({"VerifiableCredential", "BitstringStatusListCredential"})},
          {"id", id},
          {"issuer", Json{{"id", "urn:tongban:" + c.platform_code + ":issuer:platform"}}},
          {"validFrom", FormatRfc3339(from)},
          {"validUntil", FormatRfc3339(until)},
          {"credentialSubject", Json{{"id", id + "#list"},
                                     {"type", "BitstringStatusList"},
                                     {"statusPurpose", std::string(purpose)},
                                     {"encodedList", EncodeStatusList(bits)},
                                     {"ttl", static_cast<int64_t>(ttl_seconds) * 1000}}}};
  return vc.dump();
}

Result<int> JsonLicenceFormat::QrVersion(std::string_view text) {
  QrPtr code(QRcode_encodeData(static_cast<int>(text.size()), reinterpret_cast<const unsigned char*>(text.data()), 0,
                               QR_ECLEVEL_M));
  if (!code) return MakeError(ErrorCode::kInvalidArgument, "error.licence.qr_too_large");
  return code->version;
}

Result<std::string> JsonLicenceFormat::QrSvg(std::string_view text) {
  TB_ASSIGN_OR_RETURN(QrPtr code, Encode(text));
  const int size = code->width + 2 * kQuietZone;
  std::string path;
  for (int y = 0; y < code->width; ++y) {
    for (int x = 0; x < code->width; ++x) {
      if (code->data[y * code->width + x] & 1) {
        path += "M" + std::to_string(x + kQuietZone) + " " + std::to_string(y + kQuietZone) + "h1v1h-1z";
      }
    }
  }
  const std::string s = std::to_string(size);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + s + " " + s +
         "\" shape-rendering=\"crispEdges\" class=\"qr\"><rect width=\"" + s + "\" height=\"" + s +
         "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

Result<std::string> JsonLicenceFormat::QrPng(std::string_view text, int module_pixels) {
  TB_ASSIGN_OR_RETURN(QrPtr code, Encode(text));
  const int scale = std::max(1, std::min(module_pixels, 16));
  const int modules = code->width + 2 * kQuietZone;
  const int pixels = modules * scale;
  // 8-bit grey scale, filter byte 0 (none) before every row.
  std::string raw;
  raw.reserve(static_cast<size_t>(pixels) * (pixels + 1));
  for (int py = 0; py < pixels; ++py) {
    raw.push_back(0);
    const int y = py / scale - kQuietZone;
    for (int px = 0; px < pixels; ++px) {
      const int x = px / scale - kQuietZone;
      const bool dark = x >= 0 && y >= 0 && x < code->width && y < code->width && (code->data[y * code->width + x] & 1);
      raw.push_back(dark ? 0 : static_cast<char>(0xff));
    }
  }
  uLongf compressed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string compressed(compressed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(compressed.data()), &compressed_size, reinterpret_cast<const Bytef*>(raw.data()),
                static_cast<uLong>(raw.size()), Z_BEST_COMPRESSION) != Z_OK) {
    return MakeError(ErrorCode::kInternal, "zlib could not compress the QR image");
  }
  compressed.resize(compressed_size);
  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string header;
  for (int v : {pixels, pixels}) {
    for (int shift = 24; shift >= 0; shift -= 8) header.push_back(static_cast<char>((v >> shift) & 0xff));
  }
  header += std::string("\x08\x00\x00\x00\x00", 5);  // 8 bits, grey scale, deflate, no filter set, no interlace
  PutChunk(png, "IHDR", header);
  PutChunk(png, "IDAT", compressed);
  PutChunk(png, "IEND", "");
  return png;
}

}  // namespace tongban::crypto
