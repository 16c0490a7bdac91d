// How a licence is written down (the shared contract /work/briefs/licence-format.md): the W3C VC
// 2.0 credential, the compact QR token, the Bitstring Status List credential payloads, and the QR
// images. Services decide what a licence says; this port only writes it. Implemented by
// crypto::JsonLicenceFormat.
// Thread-safety: implementations are stateless and safe from every thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "domain/licence.h"

namespace tongban::ports {

// What a licence's documents say besides the licence itself.
struct LicenceDocumentContext {
  std::string platform_code;  // config platform_code, e.g. "sh"
  std::string base_url;       // where status lists are published: public_url or http://<listen>
  std::string issuer_name;    // the issuing department's Chinese name
  std::string type_class;     // the type in PascalCase, e.g. "BusinessLicence"
};

// The largest QR symbol a licence uses: version 15 at error correction level M, which holds
// kMaxQrTokenBytes bytes. A token is the header {"alg","kid" (43 characters),"typ":"lic+jwt"} (111
// characters of base64url), the payload and an Ed25519 signature (86), joined by two dots: so the
// payload JSON may be at most kMaxQrPayloadBytes long.
inline constexpr int kMaxQrVersion = 15;
inline constexpr size_t kMaxQrTokenBytes = 412;
inline constexpr size_t kMaxQrPayloadBytes = (kMaxQrTokenBytes - 111 - 86 - 2) / 4 * 3;

class LicenceFormat {
 public:
  virtual ~LicenceFormat() = default;
  // The credential's payload: JSON text (licence-format.md 1).
  virtual std::string CredentialPayload(const domain::Licence& licence, const LicenceDocumentContext& c) = 0;
  // The QR token's payload: JSON text with short keys (licence-format.md 2). `parts` are the
  // compact references of an industry licence's parts ("<status list>:<index>").
  virtual std::string QrPayload(const domain::Licence& licence, const LicenceDocumentContext& c,
                                const std::vector<std::string>& parts) = 0;
  // The credential's credentialSubject but its "id" (the claims a presentation may disclose):
  // JSON text.
  virtual std::string SubjectClaims(const domain::Licence& licence) = 0;
  // The QR code of `text` at level M as an SVG document, or a PNG image. kInvalidArgument
  // (error.licence.qr_too_large) when it needs a version above kMaxQrVersion.
  virtual Result<std::string> QrSvg(std::string_view text) = 0;
  virtual Result<std::string> QrPng(std::string_view text, int module_pixels = 4) = 0;
  // The Bitstring Status List credential's payload (licence-format.md 3): the list
  // `list_credential` ("<list>" for revocation, "<list>-suspension") with the bits `set` set
  // (each < domain::kLicenceStatusListSize), valid from `from` to `until`, a TTL of `ttl_seconds`.
  virtual std::string StatusListPayload(const std::string& list_credential, std::string_view purpose,
                                        const std::vector<int64_t>& set, Timestamp from, Timestamp until,
                                        int ttl_seconds, const LicenceDocumentContext& c) = 0;
  // The QR version `text` needs at level M.
  virtual Result<int> QrVersion(std::string_view text) = 0;
};

}  // namespace tongban::ports
