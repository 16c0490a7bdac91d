// Published versions of the service catalogue, with who published each and why.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"

namespace tongban::ports {

inline constexpr int kMaxCatalogueVersionPage = 100;

// One published version of the service catalogue.
struct CatalogueVersion {
  int64_t version = 0;
  Timestamp published_at{};
  std::string published_by;
  std::string reason;
  std::string files_json;  // {"relative/path.yaml": "YAML text", ...}
  std::string sha256;      // of files_json
};

class CatalogueRepository {
 public:
  virtual ~CatalogueRepository() = default;
  // LatestCatalogueVersion answers 0 when none was published; InsertCatalogueVersion answers
  // kConflict when the version number exists.
  virtual Result<int64_t> LatestCatalogueVersion() = 0;
  virtual Result<CatalogueVersion> GetCatalogueVersion(int64_t version) = 0;
  virtual Status InsertCatalogueVersion(const CatalogueVersion& version) = 0;
  // Versions newest first without their files (files_json empty): those numbered below `before`
  // (0: from the latest), at most `limit` (1..kMaxCatalogueVersionPage).
  virtual Result<std::vector<CatalogueVersion>> ListCatalogueVersions(int64_t before, int limit) = 0;
  // One version's files, relative path -> YAML text (its files_json read). kNotFound
  // (error.catalogue.version_not_found) when there is no such version.
  virtual Result<std::map<std::string, std::string>> GetCatalogueFiles(int64_t version) = 0;
};

}  // namespace tongban::ports
