// What verification needs from the rest of the platform (issue 10 items 1, 5, 6):
//   TokenCodec      parses and checks tokens (credential vc+jwt, QR lic+jwt, SD-JWT presentation,
//                   status list credential, trust list) and writes the payloads Tongban signs;
//                   implemented by crypto::JoseTokenCodec (crypto/token_codec.h);
//   StatusSource    the server's own status bits, read at once (implemented by `lic` over its
//                   licences table); offline verifiers use a status list credential file instead;
//   LicenceSource   a licence's claims and holder, for presentations (implemented by `lic`);
//   PresentationNonceRepository  the one-time nonces of verified presentations (V014).
// Thread-safety: TokenCodec, StatusSource and LicenceSource implementations are safe from every
// request thread; the repository belongs to its Transaction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "domain/account.h"
#include "ports/key_store.h"

namespace tongban::ports {

class Transaction;

// One issuer of the trust list (licence-format.md section 4).
struct TrustedIssuer {
  std::string id;          // urn:tongban:<pf>:issuer:<dept>
  std::string department;  // the department code (KeyOwner code of its keys)
  std::string platform;    // <pf>
  std::string name_zh, name_en;
  std::vector<PublicSigningKey> keys;  // active and retired
  // The licence types it may issue; nullopt when the catalogue does not say (then any type).
  std::optional<std::vector<std::string>> licence_types;
};

struct TrustList {
  std::string iss;  // urn:tongban:<pf>:platform
  Timestamp issued_at{};
  Timestamp expires_at{};
  std::vector<TrustedIssuer> issuers;
  std::string status_issuer_id;               // urn:tongban:<pf>:issuer:platform
  std::vector<PublicSigningKey> status_keys;  // keys that sign status list credentials
  // The platform that signs the list (federation, issue 14): its code, names and public URL, and
  // its list keys (the "trust_list" purpose keys, active and retired), so a peer that trusts the
  // key that signed this list learns the key that will sign the next ones.
  std::string platform_code;
  std::string platform_name_zh, platform_name_en;
  std::string platform_url;
  std::vector<PublicSigningKey> list_keys;
};

enum class TokenKind { kCredential, kQr, kPresentation };
enum class StatusPurpose { kRevocation, kSuspension };

// A status list entry a token points to.
struct StatusPointer {
  std::string list_id;  // the <list> of /api/v1/status-lists/<list>
  int64_t index = 0;
  StatusPurpose purpose = StatusPurpose::kRevocation;
};

// Why a token is not valid, as a message key ("verify.reason.signature") with an optional detail.
struct VerifyReason {
  std::string code;
  std::string detail;
};

// What the codec read from a token whose signature, issuer and type check out (or why not).
struct CheckedToken {
  TokenKind kind = TokenKind::kCredential;
  std::string issuer_department;
  std::string licence_id;
  std::string licence_type;
  std::optional<Timestamp> valid_from;
  std::optional<Timestamp> valid_until;
  std::vector<StatusPointer> status;  // revocation and/or suspension entries
  // The claims to show: a credential's credentialSubject, a QR token's fields, or only what a
  // presentation disclosed. A JSON object as text.
  std::string claims_json = "{}";
  // Presentations: the audience and one-time nonce bound into the issuer-signed part.
  std::string audience;
  std::string nonce;
  // Credentials: the credentialSubject id (urn:tongban:person:<ID number> or
  // urn:tongban:enterprise:<credit code>), the same on every platform; "" for the other kinds.
  std::string holder;
};

// The outcome of TokenCodec::Check: either a checked token, or the status and reasons of refusal.
struct TokenCheck {
  std::optional<CheckedToken> token;
  std::string status;  // when !token: "bad_signature" or "unknown_issuer"
  std::vector<VerifyReason> reasons;
};

// A status list credential checked once (see TokenCodec::CheckStatusList): its list, purpose,
// validUntil and bits (8 entries a byte, the first the most significant bit of the first byte).
struct CheckedStatusList {
  std::string list_id;
  StatusPurpose purpose = StatusPurpose::kRevocation;
  Timestamp valid_until{};
  std::vector<uint8_t> bytes;
};

// A licence as a presentation needs it.
struct LicenceForPresentation {
  std::string id;
  std::string type;
  std::string issuer_department;
  std::string subject_id;      // urn:tongban:person:... or urn:tongban:enterprise:...
  std::string claims_json;     // the credential's credentialSubject claims (a JSON object)
  std::optional<Timestamp> valid_until;
  std::vector<StatusPointer> status;
};

// The request for a presentation of a licence.
struct PresentationRequest {
  std::vector<std::string> disclose;
  int64_t ttl_seconds = 0;
  std::string audience;
  std::string nonce;
};

// The claims of an identity code (随申码, issue 11 item 2): a short-lived signed token a person
// shows as a QR code at a window, a kiosk or to a relying party. It names the account (not the
// identity number, which only a clerk's online check reads) and carries what a checker shows.
// Its issuer is the platform whose identity key (kid) signed it; no "iss" or "iat", so that the
// token stays within a QR code of version 15 at level M, like a licence's.
struct IdentityClaims {
  std::string sub;        // the account's user id
  std::string kind;       // "person" or "enterprise"
  std::string name;       // the name to greet the person by
  std::string masked_id;  // "310115********1013" (domain::MaskHolderId)
  std::string jti;        // random (128 bits, base64url), unique per code
  Timestamp expires_at{};
};

class TokenCodec {
 public:
  virtual ~TokenCodec() = default;
  // An identity code's JWT payload as JSON text, and back. kInvalidArgument
  // (error.identity_code.malformed) for a payload that is not one.
  virtual std::string IdentityCodePayload(const IdentityClaims& claims) const = 0;
  virtual Result<IdentityClaims> ParseIdentityCode(std::string_view payload) const = 0;
  // The trust list's JWT payload (licence-format.md section 4) as JSON text.
  virtual std::string TrustListPayload(const TrustList& list) const = 0;
  // A trust list from a file: the signed JWS (typ trust-list+jwt) or its JSON payload. A signed
  // one is checked against `signer_keys` when given (its signature) and always for expiry at `now`.
  // kInvalidArgument (verify.reason.trust_list) when it does not parse, verify or has expired.
  virtual Result<TrustList> ParseTrustList(std::string_view text, Timestamp now) const = 0;
  // Checks a token's form, algorithm (EdDSA only), kid (in `trust`, issuer allowed the type where
  // known) and signature, and reads its claims; a presentation's disclosures are checked against
  // its _sd digests. Validity period and status are the caller's.
  virtual TokenCheck Check(std::string_view token, const TrustList& trust) const = 0;
  // The status bit of `pointer` in a status list credential (a JWS signed by a status key of
  // `trust`, within its validUntil at `now`). kInvalidArgument (verify.reason.status_list*) when
  // the credential does not verify, has expired, is another list or the index is out of range.
  virtual Result<bool> StatusBitFromCredential(std::string_view credential, const StatusPointer& pointer,
                                               const TrustList& trust, Timestamp now) const = 0;
  // The same checks but the list, the time and the index, once for many bits: the signature, the
  // type and the encoding (kInvalidArgument verify.reason.status_list*); the caller checks the list
  // and purpose, valid_until and the index (services::StatusBit).
  virtual Result<CheckedStatusList> CheckStatusList(std::string_view credential, const TrustList& trust) const = 0;
  // An SD-JWT presentation's issuer-signed payload and disclosures for `licence`: every claim a
  // salted digest, only `request.disclose` disclosed. Answers {payload JSON, disclosures};
  // kInvalidArgument (error.presentation.*) for a claim name the licence does not have.
  struct UnsignedPresentation {
    std::string payload;
    std::vector<std::string> disclosures;
  };
  virtual Result<UnsignedPresentation> PreparePresentation(const LicenceForPresentation& licence,
                                                           const PresentationRequest& request, std::string_view iss,
                                                           Timestamp now, Timestamp expires_at) const = 0;
};

// The server's own status bits: online verification sees a change at once.
class StatusSource {
 public:
  virtual ~StatusSource() = default;
  // Whether the bit is set; kNotFound when the list is unknown or the index out of range.
  virtual Result<bool> IsSet(const StatusPointer& pointer) = 0;
};

class LicenceSource {
 public:
  virtual ~LicenceSource() = default;
  // The licence `id` when `caller` holds it (its person, or an agent of its enterprise);
  // kNotFound (error.presentation.licence_not_found) when there is none or it is someone else's.
  virtual Result<LicenceForPresentation> HeldBy(const domain::User& caller, const std::string& id) = 0;
};

// At most this many expired nonces are purged by one PurgeExpired call (keeps it short).
inline constexpr int kMaxNoncePurge = 1000;

class PresentationNonceRepository {
 public:
  virtual ~PresentationNonceRepository() = default;
  // Records the nonce as used until `expires_at`. kConflict (error.presentation.replayed) when it
  // was used already: a presentation is accepted once.
  virtual Status UseNonce(const std::string& nonce_key, Timestamp expires_at) = 0;
  // Deletes at most `limit` nonces that expired before `now`; answers how many.
  virtual Result<int64_t> PurgeExpiredNonces(Timestamp now, int limit) = 0;
};

}  // namespace tongban::ports
