// The holder's inbox in SQL. Internal to storage.
#pragma once

#include "ports/message_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlMessages final : public ports::MessageRepository {
 public:
  explicit SqlMessages(const SqlAccess& sql) : sql_(sql) {}
  Status InsertMessage(const ports::Message& message) override;
  Result<ports::Message> GetMessage(const std::string& id) override;
  Result<ports::MessagePage> ListMessages(domain::ApplicantKind kind, const std::string& recipient_id,
                                          const std::string& after, int limit) override;
  Status MarkMessageRead(const std::string& id, Timestamp at) override;
  Result<int> CountUnreadMessages(domain::ApplicantKind kind, const std::string& recipient_id) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
