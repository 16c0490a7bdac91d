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

// The failures recorded for one key at or after a time.
struct LoginFailureCount {
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

  // Login throttling: failures per key in a time window. Keys are short fixed-size names the
  // services derive by hashing (an account, an address); a key longer than kMaxLoginFailureKey is
  // refused (kInvalidArgument) and stores nothing.
  virtual Status RecordLoginFailure(const std::string& key, Timestamp at) = 0;
  virtual Result<LoginFailureCount> CountLoginFailures(const std::string& key, Timestamp since) = 0;
  virtual Status ClearLoginFailures(const std::string& key) = 0;

  // Housekeeping: delete at most `limit` sessions that expired before `before` (or login failures
  // recorded before it); answer how many were deleted.
  virtual Result<int64_t> DeleteExpiredSessions(Timestamp before, int limit) = 0;
  virtual Result<int64_t> DeleteLoginFailuresBefore(Timestamp before, int limit) = 0;
};

}  // namespace tongban::ports
