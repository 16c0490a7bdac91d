// ports::LicenceFormat in JSON (nlohmann), with QR codes from libqrencode and PNG written with
// zlib: the documents of /work/briefs/licence-format.md.
// Thread-safety: stateless; safe from every thread.
#pragma once

#include "ports/licence_format.h"

namespace tongban::crypto {

class JsonLicenceFormat final : public ports::LicenceFormat {
 public:
  std::string CredentialPayload(const domain::Licence& licence, const ports::LicenceDocumentContext& c) override;
  std::string QrPayload(const domain::Licence& licence, const ports::LicenceDocumentContext& c,
                        const std::vector<std::string>& parts) override;
  std::string SubjectClaims(const domain::Licence& licence) override;
  Result<std::string> QrSvg(std::string_view text) override;
  Result<std::string> QrPng(std::string_view text, int module_pixels = 4) override;
  Result<int> QrVersion(std::string_view text) override;
  std::string StatusListPayload(const std::string& list_credential, std::string_view purpose,
                                const std::vector<int64_t>& set, Timestamp from, Timestamp until, int ttl_seconds,
                                const ports::LicenceDocumentContext& c) override;
};

}  // namespace tongban::crypto
