// crypto::JoseFederationCodec: the ports::FederationCodec of federation (issue 14) over
// crypto/jose.h and the trust list format of crypto/token_codec.h.
// Thread-safety: stateless; safe from every thread.
#pragma once

#include <map>
#include <string>

#include "ports/federation.h"

namespace tongban::crypto {

// RFC 7638 section 3: the base64url SHA-256 of the JWK's required members (name -> string value),
// in lexicographic order of their names, without whitespace. JwkThumbprint (jose.h) is this with
// {crv: Ed25519, kty: OKP, x}; RFC 7638's own example (an RSA key: e, kty, n) checks it.
std::string JwkThumbprintOfMembers(const std::map<std::string, std::string>& required_members);

class JoseFederationCodec final : public ports::FederationCodec {
 public:
  Result<ports::PlatformIdentity> ParsePlatform(std::string_view json) const override;
  std::string PlatformJson(const ports::PlatformIdentity& platform) const override;
  Result<ports::TrustList> CheckPeerList(std::string_view jws, const ports::PublicSigningKey& key,
                                         Timestamp now) const override;
  std::string Thumbprint(std::string_view x) const override;
  std::string MessagePayload(const ports::FederationMessage& message) const override;
  Result<std::string> PeekMessageSender(std::string_view jws) const override;
  Result<ports::FederationMessage> CheckMessage(std::string_view jws, const ports::PublicSigningKey& key) const override;
  // crypto/federation_bodies.cc:
  std::string CaseForwardBody(const ports::CaseForward& forward) const override;
  Result<ports::CaseForward> ParseCaseForward(std::string_view body) const override;
  std::string CaseUpdateBody(const ports::CaseUpdate& update) const override;
  Result<ports::CaseUpdate> ParseCaseUpdate(std::string_view body) const override;
  std::string CrossProvinceItemJson(const domain::ServiceItem& item, const domain::LocalText& department) const override;
  Result<std::pair<domain::ServiceItem, domain::LocalText>> ParseCrossProvinceItem(std::string_view json) const override;
  std::string ItemListBody(const std::vector<std::string>& documents) const override;
  Result<std::vector<std::pair<std::string, std::string>>> ParseItemList(std::string_view body) const override;
};

}  // namespace tongban::crypto
