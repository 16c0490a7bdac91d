// Flags on the city's data (issue 9 item 4; domain/data_flag.h): the correction requests persons
// raise on a dataset's value and its owner department answers. Every list names one department or
// one subject and is a page after a flag id.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "domain/data_flag.h"

namespace tongban::ports {

// At most this many flags per page.
inline constexpr int kMaxDataFlagsPage = 100;

class DataFlagRepository {
 public:
  virtual ~DataFlagRepository() = default;
  // Stores a new flag. kConflict when its id exists.
  virtual Status InsertFlag(const domain::DataFlag& flag) = 0;
  // One flag (locked for update in a writable transaction); kNotFound (error.flag.not_found).
  virtual Result<domain::DataFlag> GetFlag(const std::string& id) = 0;
  // The department's flags in `state`, oldest first, ids after `after_id` ("" from the first), at
  // most `limit` (1..kMaxDataFlagsPage; else kInvalidArgument error.page_size).
  virtual Result<std::vector<domain::DataFlag>> FlagsOfDepartment(const std::string& department,
                                                                  domain::DataFlagState state,
                                                                  const std::string& after_id, int limit) = 0;
  // The subject's flags, newest first, ids before `before_id` ("" from the newest), at most
  // `limit` (1..kMaxDataFlagsPage).
  virtual Result<std::vector<domain::DataFlag>> FlagsOfSubject(const std::string& subject_id,
                                                               const std::string& before_id, int limit) = 0;
  // Records the answer of an open flag (state, answer, corrected, answered_by, answered_at of
  // `flag`). kConflict (error.flag.answered) when it is not open any more; kNotFound when absent.
  virtual Status AnswerFlag(const domain::DataFlag& flag) = 0;
};

}  // namespace tongban::ports
