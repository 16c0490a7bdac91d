// The key store's rows in SQL (migrations/V009__signing_keys.sql). Internal to storage.
#pragma once

#include "ports/key_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlKeys final : public ports::KeyRepository {
 public:
  explicit SqlKeys(const SqlAccess& sql) : sql_(sql) {}
  Status InsertSigningKey(const ports::SigningKeyRow& key) override;
  Result<int64_t> RetireActiveSigningKey(const ports::KeyOwner& owner, Timestamp at) override;
  Result<ports::SigningKeyRow> GetActiveSigningKey(const ports::KeyOwner& owner) override;
  Result<ports::SigningKeyRow> GetSigningKey(const std::string& kid) override;
  Result<std::vector<ports::SigningKeyRow>> ListSigningKeys(const std::string& after_kid, int limit) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
