// Bundle cases in SQL. Internal to storage.
#pragma once

#include "ports/bundle_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlBundles final : public ports::BundleRepository {
 public:
  explicit SqlBundles(const SqlAccess& sql) : sql_(sql) {}
  Status InsertBundleCase(const domain::BundleCase& bundle_case) override;
  Result<domain::BundleCase> GetBundleCase(const std::string& id) override;
  Status UpdateBundleCase(const domain::BundleCase& bundle_case) override;
  Status InsertSubCase(const domain::BundleSubCase& sub_case) override;
  Result<std::vector<domain::BundleSubCase>> ListSubCases(const std::string& bundle_case_id) override;
  Result<domain::BundleSubCase> GetSubCase(const std::string& application_id) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
