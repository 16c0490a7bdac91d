// The access log's rows in SQL (migrations/V012__access_log.sql). Internal to storage.
#pragma once

#include "ports/access_log_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlAccessLog final : public ports::AccessLogRepository {
 public:
  explicit SqlAccessLog(const SqlAccess& sql) : sql_(sql) {}
  Status EnqueueAccessLogRow(const ports::AccessLogRow& row) override;
  Result<bool> TryLockSequencer() override;
  Result<std::vector<ports::AccessLogRow>> ListQueuedAccessLogRows(int limit) override;
  Result<std::vector<ports::AccessLogRow>> SequenceOldest(uint64_t first_index, int limit) override;
  Result<std::string> GetLogTile(int level, uint64_t index) override;
  Status PutLogTile(int level, uint64_t index, const std::string& hashes) override;
  Status InsertTreeHead(const ports::TreeHead& head) override;
  Result<ports::TreeHead> LatestTreeHead() override;
  Result<std::vector<ports::AccessLogRow>> ListSubjectLeaves(const std::string& subject_id, uint64_t before_index,
                                                             int limit) override;
  Result<std::vector<ports::AccessLogRow>> ListSubjectQueued(const std::string& subject_id, int limit) override;
  Result<ports::AccessLogRow> GetLeaf(uint64_t leaf_index) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
