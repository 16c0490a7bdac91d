// Catalogue versions in SQL. Internal to storage.
#pragma once

#include "ports/catalogue_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlCatalogue final : public ports::CatalogueRepository {
 public:
  explicit SqlCatalogue(const SqlAccess& sql) : sql_(sql) {}
  Result<int64_t> LatestCatalogueVersion() override;
  Result<ports::CatalogueVersion> GetCatalogueVersion(int64_t version) override;
  Status InsertCatalogueVersion(const ports::CatalogueVersion& version) override;
  Result<std::vector<ports::CatalogueVersion>> ListCatalogueVersions(int64_t before, int limit) override;
  Result<std::map<std::string, std::string>> GetCatalogueFiles(int64_t version) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
