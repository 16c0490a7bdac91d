// Electronic licences (docs/product.md C6, C7): what a licence is, its status and what follows an
// industry licence's parts. Pure rules: no SQL, JSON or clock.
// Thread-safety: plain value types and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/time.h"
#include "domain/catalogue.h"

namespace tongban::domain {

// What the issuer decided. Expiry is not stored: it follows from valid_until and the time.
enum class LicenceStatus { kValid, kSuspended, kRevoked };
const char* LicenceStatusName(LicenceStatus status);  // "valid", "suspended", "revoked"
std::optional<LicenceStatus> ParseLicenceStatus(std::string_view name);

enum class LicenceAction { kSuspend, kRevoke, kReinstate };
const char* LicenceActionName(LicenceAction action);  // "suspend", "revoke", "reinstate"
std::optional<LicenceAction> ParseLicenceAction(std::string_view name);

// Every status list holds this many entries (W3C Bitstring Status List: at least 131,072).
inline constexpr int64_t kLicenceStatusListSize = 131072;
// A list takes new licences until it is this full, so a random free index is found in a few
// tries and an index is never reused.
inline constexpr int64_t kLicenceStatusListFill = kLicenceStatusListSize / 2;

struct Licence {
  std::string id;    // ULID
  std::string type;  // LicenceType code
  ApplicantKind holder_kind = ApplicantKind::kPerson;
  std::string holder_id;  // the person's ID number or the enterprise's credit code
  std::string holder_name;
  std::string issuer;          // Department code
  std::string application_id;  // the approved application; empty for an industry licence
  Timestamp issued_at{};
  std::optional<Timestamp> valid_until;  // none: no expiry
  std::optional<Timestamp> delivered_at;  // handed to the holder (the application was delivered)
  // The issuer's own decision, and the status in force: for an industry licence a suspended or
  // revoked part suspends the whole, so `status` can be kSuspended while own_status is kValid.
  LicenceStatus own_status = LicenceStatus::kValid;
  LicenceStatus status = LicenceStatus::kValid;
  std::vector<std::pair<std::string, std::string>> claims;  // (claim name, value) in the type's order
  std::vector<std::string> parts;  // the part licences' ids (industry licences)
  std::string status_list;  // the status list id
  int64_t status_index = 0;
  std::string credential;  // the signed W3C VC (compact JWS, typ vc+jwt)
  std::string qr_token;    // the signed QR token (compact JWS, typ lic+jwt)
  int64_t version = 1;

  bool Expired(Timestamp now) const { return valid_until && *valid_until <= now; }
};

// One change of a licence's status, with who made it and why.
struct LicenceStatusChange {
  std::string licence_id;
  int64_t seq = 0;
  LicenceStatus status = LicenceStatus::kValid;  // the status in force after the change
  std::string action;  // "issue", "suspend", "revoke", "reinstate", "part"
  std::string actor_user_id;
  Timestamp at{};
  std::string reason;
};

// The issuer's status after `action` on `own`: kConflict-worthy transitions answer nullopt
// (a revoked licence is final; suspend needs valid; reinstate needs suspended).
std::optional<LicenceStatus> AfterAction(LicenceStatus own, LicenceAction action);

// The status in force of an industry licence whose own status is `own`, given its parts' statuses
// in force: revoked stays revoked; any part not valid suspends it; otherwise its own status.
LicenceStatus IndustryStatus(LicenceStatus own, const std::vector<LicenceStatus>& parts);

// "310115********1013": an identity number or credit code with all but the first 6 and last 4
// characters masked, for the QR token and printed pages.
std::string MaskHolderId(std::string_view id);

// The id a licence holder has in credentials: urn:tongban:person:<id> or urn:tongban:enterprise:<code>.
std::string HolderUrn(const Licence& licence);

// The date a licence issued at `issued` stops being valid under `type`'s rule; none when it has
// no expiry.
std::optional<Timestamp> ValidUntil(const LicenceType& type, Timestamp issued);

}  // namespace tongban::domain
