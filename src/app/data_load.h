// `tongban data load DATASET FILE` (issue 9 item 2): a data owner's file of records, CSV with a
// header row (.csv) or JSON Lines (.jsonl, .ndjson), checked row by row against the dataset's
// fields and written all or nothing.
//
// Columns (CSV header) or keys (JSON Lines): subject_id (required: the resident id or credit code
// the record is about), record_id (optional; default: the subject id, one record per subject),
// as_of (optional: YYYY-MM-DD or RFC 3339; default: now) and the dataset's field names. Every
// row is checked (subject id valid, known fields only, required fields present, each value of its
// type, a key not repeated); every bad row is reported as "FILE:LINE: reason" (LINE counts from
// 1; a CSV row that spans lines is reported at its first). When any row is bad nothing is
// written; otherwise every record is written in one transaction, replacing records of the same key.
// Thread-safety: call from one thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "services/context.h"

namespace tongban::app {

struct LoadReport {
  int64_t rows = 0;                 // data rows read
  int64_t bad_rows = 0;             // rows with a problem (all of them counted)
  std::vector<std::string> problems;  // "FILE:LINE: reason", at most max_problems
  bool written = false;             // true when the records were written
};

// Checks and loads FILE into DATASET. Returns the report (written false when any row is bad);
// kInvalidArgument for an unknown dataset, one served over HTTP, a file that cannot be read or of
// another kind; the store's errors otherwise.
Result<LoadReport> LoadDatasetFile(const services::Context& ctx, const std::string& dataset, const std::string& path,
                                   size_t max_problems = 100);

}  // namespace tongban::app
