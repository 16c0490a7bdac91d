// Sessions and sign-in throttling, with their housekeeping.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/result.h"
#include "common/time.h"
#include "domain/account.h"

namespace tongban::ports {

inline constexpr size_t kMaxLoginFailureKey = 80;

// The throttle hits recorded for one key at or after a time.
struct ThrottleCount {
  int count = 0;
  Timestamp latest{};  // the newest of them; meaningless when count is 0
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  // Sessions, looked up by the SHA-256 of their token.
  virtual Status InsertSession(const domain::Session& session) = 0;
  virtual Result<domain::Session> GetSession(const std::string& token_hash) = 0;
  virtual Status DeleteSession(const std::string& token_hash) = 0;
  // Sets the enterprise (credit code) the session's agent acts for; "" acts for themselves. An
  // unknown session changes nothing and is not an error.
  virtual Status SetActingEnterprise(const std::string& token_hash, const std::string& enterprise) = 0;
  // Moves the session's expiry to `expires_at` (the sliding expiry of kiosk sessions). An unknown
  // session changes nothing and is not an error.
  virtual Status TouchSession(const std::string& token_hash, Timestamp expires_at) = 0;

  // Throttling: hits per key in a time window, shared by every server (rows, not memory). A hit is
  // a failed sign-in (keys "acct:" and "addr:", services/accounts.cc) or an anonymous walk-in
  // ticket ("walk:", services/queue.cc). Keys are short fixed-size names the services derive by
  // hashing; a key longer than kMaxLoginFailureKey is refused (kInvalidArgument), stores nothing.
  virtual Status RecordThrottleHit(const std::string& key, Timestamp at) = 0;
  virtual Result<ThrottleCount> CountThrottleHits(const std::string& key, Timestamp since) = 0;
  virtual Status ClearThrottleHits(const std::string& key) = 0;

  // Housekeeping: delete at most `limit` sessions that expired before `before` (or throttle hits
  // recorded before it); answer how many were deleted.
  virtual Result<int64_t> DeleteExpiredSessions(Timestamp before, int limit) = 0;
  virtual Result<int64_t> DeleteThrottleHitsBefore(Timestamp before, int limit) = 0;
};

}  // namespace tongban::ports
