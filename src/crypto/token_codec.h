// crypto::JoseTokenCodec: the ports::TokenCodec of licence-format.md, over crypto/jose.h (EdDSA
// compact JWS), crypto/sd_jwt.h (RFC 9901) and crypto/status_list.h (W3C Bitstring Status List).
// It checks form, algorithm, kid, issuer and signature, and reads claims; the validity period,
// status bits and nonces are services/verification.cc's.
// Thread-safety: stateless; safe from every thread.
#pragma once

#include "ports/verification.h"

namespace tongban::crypto {

// The JOSE "typ" of each token Tongban signs.
inline constexpr std::string_view kCredentialTyp = "vc+jwt";
inline constexpr std::string_view kQrTyp = "lic+jwt";
// SD-JWT VC's media type (draft-ietf-oauth-sd-jwt-vc: "dc+sd-jwt", formerly "vc+sd-jwt"); RFC
// 9901 section 9.11 recommends an explicit type.
inline constexpr std::string_view kPresentationTyp = "dc+sd-jwt";
inline constexpr std::string_view kTrustListTyp = "trust-list+jwt";

class JoseTokenCodec final : public ports::TokenCodec {
 public:
  std::string IdentityCodePayload(const ports::IdentityClaims& claims) const override;
  Result<ports::IdentityClaims> ParseIdentityCode(std::string_view payload) const override;
  std::string TrustListPayload(const ports::TrustList& list) const override;
  Result<ports::TrustList> ParseTrustList(std::string_view text, Timestamp now) const override;
  ports::TokenCheck Check(std::string_view token, const ports::TrustList& trust) const override;
  Result<bool> StatusBitFromCredential(std::string_view credential, const ports::StatusPointer& pointer,
                                       const ports::TrustList& trust, Timestamp now) const override;
  Result<ports::CheckedStatusList> CheckStatusList(std::string_view credential,
                                                   const ports::TrustList& trust) const override;
  Result<UnsignedPresentation> PreparePresentation(const ports::LicenceForPresentation& licence,
                                                   const ports::PresentationRequest& request, std::string_view iss,
                                                   Timestamp now, Timestamp expires_at) const override;
};

}  // namespace tongban::crypto
