// Consents in SQL (migrations/V015__consents.sql). Internal to storage.
#pragma once

#include "ports/consent_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlConsents final : public ports::ConsentRepository {
 public:
  explicit SqlConsents(const SqlAccess& sql) : sql_(sql) {}
  Status InsertConsent(const ports::Consent& consent) override;
  Result<ports::Consent> GetConsent(const std::string& id) override;
  Result<ports::Consent> ActiveConsent(const std::string& subject_id, const std::string& purpose) override;
  Result<std::vector<ports::Consent>> ListConsents(const std::string& subject_id, Timestamp after_given_at,
                                                   const std::string& after_id, int limit) override;
  Status RevokeConsent(const std::string& id, Timestamp at) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
