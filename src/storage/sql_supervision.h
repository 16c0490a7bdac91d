// Supervision records and API keys in SQL. Internal to storage.
#pragma once

#include "ports/supervision_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlSupervision final : public ports::SupervisionRepository {
 public:
  explicit SqlSupervision(const SqlAccess& sql) : sql_(sql) {}
  Status InsertSupervisionRecord(const domain::SupervisionRecord& record) override;
  Result<domain::SupervisionRecord> GetSupervisionRecord(const std::string& id) override;
  Result<std::vector<domain::SupervisionRecord>> ListSupervisionRecords(const std::string& credit_code,
                                                                       const ports::SupervisionCursor& cursor,
                                                                       int limit) override;
  Result<domain::SupervisionSummary> SummariseSupervision(const std::string& credit_code, Date since) override;
  Status InsertApiKey(const ports::ApiKey& key) override;
  Result<ports::ApiKey> GetApiKey(const std::string& id) override;
  Result<ports::ApiKey> FindApiKeyByHash(const std::string& key_hash) override;
  Result<bool> RevokeApiKey(const std::string& id, const std::string& by, Timestamp at) override;
  Result<std::vector<ports::ApiKey>> ListApiKeys(int limit) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
