#include "storage/sql_catalogue.h"

#include <algorithm>
#include <limits>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tongban::storage {
namespace {

constexpr std::string_view kLatestCatalogueVersion = "SELECT MAX(version) FROM catalogue_versions";
constexpr std::string_view kSelectCatalogueVersion =
    "SELECT version, published_at, published_by, reason, files, sha256 FROM catalogue_versions WHERE version = $1";
constexpr std::string_view kInsertCatalogueVersion =
    "INSERT INTO catalogue_versions (version, published_at, published_by, reason, files, sha256) "
    "VALUES ($1, $2, $3, $4, $5, $6)";

// Through the primary key, newest first; the files stay in the table.
constexpr std::string_view kListCatalogueVersions =
    "SELECT version, published_at, published_by, reason, '', sha256 FROM catalogue_versions WHERE version < $1"
    " ORDER BY version DESC LIMIT $2";

Result<ports::CatalogueVersion> ReadVersion(Statement& statement) {
  Columns c(statement);
  ports::CatalogueVersion v;
  v.version = c.Int();
  v.published_at = FromSeconds(c.Int());
  v.published_by = c.Text();
  v.reason = c.Text();
  v.files_json = c.Text();
  v.sha256 = c.Text();
  return v;
}

}  // namespace

Result<int64_t> SqlCatalogue::LatestCatalogueVersion() {
  return sql_.One<int64_t>(kLatestCatalogueVersion, kNoParameters, "a MAX answered no row",
                           [](Statement& s) -> Result<int64_t> { return Columns(s).OptionalInt().value_or(0); });
}

Result<ports::CatalogueVersion> SqlCatalogue::GetCatalogueVersion(int64_t version) {
  return sql_.One<ports::CatalogueVersion>(kSelectCatalogueVersion, [&](Binder& b) { b.Int(version); },
                                           "error.catalogue.version_not_found", ReadVersion);
}

Status SqlCatalogue::InsertCatalogueVersion(const ports::CatalogueVersion& v) {
  return sql_.Run(kInsertCatalogueVersion, [&](Binder& b) {
    b.Int(v.version).Int(Seconds(v.published_at)).Text(v.published_by).Text(v.reason).Text(v.files_json).Text(v.sha256);
  });
}

Result<std::vector<ports::CatalogueVersion>> SqlCatalogue::ListCatalogueVersions(int64_t before, int limit) {
  const int64_t below = before > 0 ? before : std::numeric_limits<int64_t>::max();
  const int n = std::clamp(limit, 1, ports::kMaxCatalogueVersionPage);
  return sql_.All<ports::CatalogueVersion>(kListCatalogueVersions, [&](Binder& b) { b.Int(below).Int(n); }, ReadVersion);
}

Result<std::map<std::string, std::string>> SqlCatalogue::GetCatalogueFiles(int64_t version) {
  TB_ASSIGN_OR_RETURN(const ports::CatalogueVersion v, GetCatalogueVersion(version));
  const auto j = nlohmann::json::parse(v.files_json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return MakeError(ErrorCode::kInternal, "stored catalogue is not a JSON object");
  std::map<std::string, std::string> files;
  for (const auto& [name, content] : j.items()) {
    if (!content.is_string()) return MakeError(ErrorCode::kInternal, "stored catalogue file " + name + " is not text");
    files[name] = content.get<std::string>();
  }
  return files;
}

}  // namespace tongban::storage
