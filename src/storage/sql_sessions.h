// Sessions and sign-in throttling in SQL. Internal to storage.
#pragma once

#include "ports/session_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlSessions final : public ports::SessionRepository {
 public:
  explicit SqlSessions(const SqlAccess& sql) : sql_(sql) {}
  Status InsertSession(const domain::Session& session) override;
  Result<domain::Session> GetSession(const std::string& token_hash) override;
  Status DeleteSession(const std::string& token_hash) override;
  Status SetActingEnterprise(const std::string& token_hash, const std::string& enterprise) override;
  Status TouchSession(const std::string& token_hash, Timestamp expires_at) override;
  Status RecordThrottleHit(const std::string& key, Timestamp at) override;
  Result<ports::ThrottleCount> CountThrottleHits(const std::string& key, Timestamp since) override;
  Status ClearThrottleHits(const std::string& key) override;
  Result<int64_t> DeleteExpiredSessions(Timestamp before, int limit) override;
  Result<int64_t> DeleteThrottleHitsBefore(Timestamp before, int limit) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
