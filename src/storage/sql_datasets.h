// The records of the city's datasets in SQL (migrations/V011__dataset_records.sql). Writes go in
// batches: COPY on a database that has it (PostgreSQL), else multi-row INSERTs of kInsertBatch
// rows, each statement prepared once per connection. Internal to storage.
#pragma once

#include "ports/dataset_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlDatasets final : public ports::DatasetRepository {
 public:
  explicit SqlDatasets(const SqlAccess& sql) : sql_(sql) {}
  Status InsertRecords(const std::vector<ports::DatasetRecord>& records, ports::RecordWrite mode) override;
  Result<std::vector<ports::DatasetRecord>> RecordsOf(const std::string& dataset, const std::string& subject_id,
                                                      int limit) override;
  Result<ports::DatasetRecord> GetRecord(const std::string& dataset, const std::string& subject_id,
                                         const std::string& record_id) override;
  Result<std::vector<ports::DatasetRecord>> ListRecords(const std::string& dataset, const std::string& after_subject,
                                                        const std::string& after_record, int limit) override;
  Result<bool> HasRecords(const std::string& dataset) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
