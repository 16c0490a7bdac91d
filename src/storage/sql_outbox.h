// The outbox in SQL. Internal to storage.
#pragma once

#include "ports/outbox_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlOutbox final : public ports::OutboxRepository {
 public:
  explicit SqlOutbox(const SqlAccess& sql) : sql_(sql) {}
  Status EnqueueMessage(const ports::OutboxMessage& message) override;
  Result<std::vector<ports::OutboxMessage>> ClaimOutboxMessages(Timestamp now, const std::string& worker,
                                                                Timestamp lease_until, int limit) override;
  Status FinishOutboxAttempt(const std::string& id, const std::string& worker, ports::OutboxState state,
                             Timestamp next_attempt_at, const std::string& error, Timestamp at) override;
  Result<ports::OutboxMessage> GetOutboxMessage(const std::string& id) override;
  Result<int64_t> DeleteSentOutboxMessagesBefore(Timestamp before, int limit) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
