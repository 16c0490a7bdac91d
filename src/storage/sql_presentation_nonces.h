// The one-time nonces of presentations in SQL (migrations/V014__presentation_nonces.sql).
// Internal to storage.
#pragma once

#include "ports/verification.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlPresentationNonces final : public ports::PresentationNonceRepository {
 public:
  explicit SqlPresentationNonces(const SqlAccess& sql) : sql_(sql) {}
  Status UseNonce(const std::string& nonce_key, Timestamp expires_at) override;
  Result<int64_t> PurgeExpiredNonces(Timestamp now, int limit) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
