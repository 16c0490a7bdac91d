// Window visits in SQL. Internal to storage.
#pragma once

#include "ports/window_visit_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlWindowVisits final : public ports::WindowVisitRepository {
 public:
  explicit SqlWindowVisits(const SqlAccess& sql) : sql_(sql) {}
  Status InsertVisit(const ports::WindowVisit& visit) override;
  Result<ports::WindowVisit> GetVisit(const std::string& id) override;
  Result<ports::WindowVisit> GetVisitByCode(const std::string& jti) override;
  Result<std::vector<ports::WindowVisit>> ListOpenVisits(const std::string& clerk_user_id, Timestamp now,
                                                         int limit) override;
  Status CloseVisit(const std::string& id, Timestamp at) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
