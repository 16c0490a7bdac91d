// Contact settings and expiry reminders in SQL. Internal to storage.
#pragma once

#include "ports/contact_repository.h"
#include "ports/reminder_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlContacts final : public ports::ContactRepository {
 public:
  explicit SqlContacts(const SqlAccess& sql) : sql_(sql) {}
  Result<ports::ContactSettings> GetContactSettings(const std::string& user_id) override;
  Status PutContactSettings(const ports::ContactSettings& settings) override;
  Result<std::optional<ports::ContactSettings>> ContactOfPerson(const std::string& person_id) override;
  Result<std::optional<ports::ContactSettings>> ContactOfEnterprise(const std::string& credit_code) override;

 private:
  const SqlAccess& sql_;
};

class SqlReminders final : public ports::ReminderRepository {
 public:
  explicit SqlReminders(const SqlAccess& sql) : sql_(sql) {}
  Result<std::vector<ports::ExpiringLicence>> ListLicencesExpiring(Timestamp from, Timestamp to, int days,
                                                                   const ports::ExpiryCursor& cursor,
                                                                   int limit) override;
  Result<bool> ClaimReminder(const std::string& licence_id, int days, const std::string& message_id,
                             Timestamp at) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
