// Flags on the city's data in SQL (migrations/V016__data_flags.sql). Internal to storage.
#pragma once

#include "ports/data_flag_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlDataFlags final : public ports::DataFlagRepository {
 public:
  explicit SqlDataFlags(const SqlAccess& sql) : sql_(sql) {}
  Status InsertFlag(const domain::DataFlag& flag) override;
  Result<domain::DataFlag> GetFlag(const std::string& id) override;
  Result<std::vector<domain::DataFlag>> FlagsOfDepartment(const std::string& department, domain::DataFlagState state,
                                                          const std::string& after_id, int limit) override;
  Result<std::vector<domain::DataFlag>> FlagsOfSubject(const std::string& subject_id, const std::string& before_id,
                                                       int limit) override;
  Status AnswerFlag(const domain::DataFlag& flag) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
