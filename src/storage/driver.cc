#include "storage/driver.h"

#include "storage/postgres/postgres_driver.h"
#include "storage/sqlite/sqlite_driver.h"

namespace tongban::storage {

Result<std::unique_ptr<Driver>> MakeDriver(const std::string& url, const DriverOptions& options) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite)) {
    std::string path = url.substr(kSqlite.size());
    if (path.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "database URL '" + url + "' has no file path: write sqlite:PATH, e.g. sqlite:var/tongban.db");
    }
    if (path == ":memory:") {
      return MakeError(ErrorCode::kInvalidArgument,
                       "sqlite::memory: is not supported (the store uses several connections): use a file path");
    }
    return std::unique_ptr<Driver>(std::make_unique<SqliteDriver>(std::move(path), options));
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return std::unique_ptr<Driver>(std::make_unique<PostgresDriver>(url, options));
  }
  const size_t colon = url.find(':');
  const std::string scheme = colon == std::string::npos ? std::string() : url.substr(0, colon);
  return MakeError(ErrorCode::kInvalidArgument,
                   (scheme.empty() ? "database URL '" + url + "' has no scheme"
                                   : "unknown database URL scheme '" + scheme + "'") +
                       ": use sqlite:PATH or postgresql://USER@HOST/DB");
}

}  // namespace tongban::storage
