// The SQLite driver: one database file in WAL mode. The writer connection runs with
// synchronous=FULL (a committed transaction survives kill -9 and power loss), foreign_keys=ON and
// a busy timeout; readers are WAL readers with query_only=ON.
// Thread-safety: SqliteDriver is immutable and shared; each connection is used by one thread at
// a time (connections are opened with SQLITE_OPEN_NOMUTEX).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "storage/driver.h"

namespace tongban::storage {

class SqliteDriver final : public Driver {
 public:
  // `path` is the database file; its parent directory is created when missing.
  SqliteDriver(std::string path, DriverOptions options);

  Result<std::unique_ptr<Connection>> OpenWriter() override;
  Result<std::unique_ptr<Connection>> OpenReader() override;
  std::string_view BeginWriteSql() const override { return "BEGIN IMMEDIATE"; }
  std::string_view BeginReadSql() const override { return "BEGIN"; }
  std::optional<std::string> TemplateValue(std::string_view name) const override;
  std::string_view Name() const override { return "sqlite"; }

  // Canonical SQL ($1, $2, ...) in SQLite's spelling (?1, ?2, ...); text inside quotes is kept.
  static std::string RewritePlaceholders(std::string_view sql);

 private:
  Result<std::unique_ptr<Connection>> Open(bool writer);

  std::string path_;
  DriverOptions options_;
};

}  // namespace tongban::storage
