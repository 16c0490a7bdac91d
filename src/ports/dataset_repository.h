// The records of the city's datasets (issue 9 item 2): what each department holds on a person or
// an enterprise, keyed by (dataset, subject id, record id), values as a JSON object of the
// dataset's fields (domain/dataset.h describes the fields), with the time the owner vouches for
// them (as-of: pre-fill shows it as provenance). Every read names one subject or one page: nothing
// loads a whole dataset.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"

namespace tongban::ports {

struct DatasetRecord {
  std::string dataset;      // the dataset's code
  std::string subject_id;   // resident id or credit code, canonical (upper case)
  std::string record_id;    // unique within (dataset, subject_id)
  std::string fields_json;  // a JSON object {"field": "value"}; values are strings
  Timestamp as_of{};
  bool operator==(const DatasetRecord&) const = default;
};

// At most this many records per page of ListRecords and per subject of RecordsOf.
inline constexpr int kMaxDatasetRecordsPage = 1000;

// How InsertRecords treats a record whose key exists.
enum class RecordWrite {
  kAppend,   // fresh keys only: kConflict on an existing key (the fastest path: COPY on PostgreSQL)
  kReplace,  // an existing record is replaced by the new values
};

class DatasetRepository {
 public:
  virtual ~DatasetRepository() = default;
  // Writes `records` (any number; sent in batches). kConflict (kAppend) when a key exists or
  // repeats; kInvalidArgument when the database refuses a value. On error the caller's transaction must
  // be abandoned (return the error from the work): part of the records may have been written.
  virtual Status InsertRecords(const std::vector<DatasetRecord>& records, RecordWrite mode) = 0;
  // The subject's records in `dataset` in record id order, at most `limit` (1..kMaxDatasetRecordsPage).
  virtual Result<std::vector<DatasetRecord>> RecordsOf(const std::string& dataset, const std::string& subject_id,
                                                       int limit) = 0;
  // One record; kNotFound (error.dataset.record_not_found).
  virtual Result<DatasetRecord> GetRecord(const std::string& dataset, const std::string& subject_id,
                                          const std::string& record_id) = 0;
  // A page of `dataset` in (subject id, record id) order after the given key (empty subject: from
  // the first), at most `limit` (1..kMaxDatasetRecordsPage).
  virtual Result<std::vector<DatasetRecord>> ListRecords(const std::string& dataset, const std::string& after_subject,
                                                         const std::string& after_record, int limit) = 0;
  // Whether `dataset` holds any record (serve --demo generates a small city when none does).
  virtual Result<bool> HasRecords(const std::string& dataset) = 0;
};

}  // namespace tongban::ports
