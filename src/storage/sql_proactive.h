// Benefits without applying in SQL (migrations/V026__proactive_offers.sql): the birth-date index
// and the offers. person_birthdays is written by SqlDatasets with the population records
// (WriteBirthdays below). Internal to storage.
#pragma once

#include <vector>

#include "ports/dataset_repository.h"
#include "ports/proactive_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlProactive final : public ports::ProactiveRepository {
 public:
  explicit SqlProactive(const SqlAccess& sql) : sql_(sql) {}
  Result<std::vector<ports::Birthday>> ListBornBetween(const std::string& from, const std::string& to,
                                                       const ports::Birthday& after, int limit) override;
  Result<bool> ClaimOffer(const ports::ProactiveOffer& offer) override;
  Status ReleaseOffer(const std::string& item, const std::string& subject_id, const std::string& period) override;
  Status SetAnswerBy(const std::string& application_id, Timestamp answer_by) override;
  Result<ports::ProactiveOffer> GetOffer(const std::string& application_id) override;
  Result<bool> CloseOffer(const std::string& application_id) override;
  Result<std::vector<ports::ProactiveOffer>> ListOffersDue(Timestamp now, int limit) override;

 private:
  const SqlAccess& sql_;
};

// Keeps person_birthdays up to date for the population records among `records` (their
// birth_date field, a YYYY-MM-DD date; a record without one changes nothing): called by
// SqlDatasets::InsertRecords in the same transaction, for every way records are written.
Status WriteBirthdays(const SqlAccess& sql, const std::vector<ports::DatasetRecord>& records);

}  // namespace tongban::storage
