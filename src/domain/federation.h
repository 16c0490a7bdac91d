// Federation (issue 14): the peers this platform trusts, each pinned by the RFC 7638 thumbprint of
// its list key, with the last trust list it fetched from them and why the last refresh failed.
// Thread-safety: plain values and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/time.h"

namespace tongban::domain {

// A platform code: 1-16 lower-case letters or digits (sh, zj, js, ah).
bool IsPlatformCode(std::string_view code);

struct Peer {
  std::string code;         // the peer's platform code
  std::string url;          // its public URL (http[s]://host[:port], no trailing slash)
  std::string name_zh, name_en;
  // The thumbprint (kid) of the list key trusted now: the administrator's fingerprint, then the
  // key a rotation announced in a list that the key trusted before signed.
  std::string fingerprint;
  std::string list_key;     // that key's public key, base64url (the JWK's "x")
  std::string list_jws;     // the last valid trust list (compact JWS), "" before the first
  std::optional<Timestamp> valid_until;  // that list's "exp"
  std::optional<Timestamp> fetched_at;   // when it was fetched
  Timestamp refresh_at{};   // when the refresh job fetches the list again
  std::string last_error;   // the i18n key of the last failed refresh, "" after a good one
  std::string last_error_detail;
  std::optional<Timestamp> last_error_at;
  Timestamp added_at{};
};

// A cross-province case (跨省通办, issue 14 item 4) as one side keeps it beside its application row.
enum class CaseSide { kOrigin, kHandler };  // 收件地 (where the person applied), 办理地 (who handles it)
const char* CaseSideName(CaseSide side);   // "origin", "handler"
std::optional<CaseSide> ParseCaseSide(std::string_view name);

struct FederatedCase {
  std::string application_id;    // the case here
  CaseSide side = CaseSide::kOrigin;
  std::string peer;              // the other platform
  std::string peer_application;  // the case's id there ("" until the origin learns it)
  std::string peer_reference;
  std::string item_name_zh, item_name_en;
  std::string department_zh, department_en;  // the handling department, as the handler names it
  CaseSide delivery = CaseSide::kOrigin;     // where the result is delivered
  std::string delivery_address;
  std::optional<Timestamp> forwarded_at;     // origin: when the handler took it; nullopt: waiting
  int64_t peer_seq = 0;                      // origin: the handler's last event mirrored here
};

// Whether the peer's cached list may still be used at `now` (fetched and not expired).
bool PeerListServes(const Peer& peer, Timestamp now);
// When to fetch a list valid from `fetched_at` until `valid_until` again: halfway through its
// validity, and no later than an hour before it ends.
Timestamp NextRefresh(Timestamp fetched_at, Timestamp valid_until);
// When to try again after a failed refresh at `now` (5 minutes later, never after the cached list
// ends when it still serves).
Timestamp RetryAfterFailure(const Peer& peer, Timestamp now);

}  // namespace tongban::domain
