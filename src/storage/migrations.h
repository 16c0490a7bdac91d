// Versioned schema migrations. Each migration is a file migrations/VNNN__name.sql embedded into
// the binary; applied migrations are recorded in schema_migrations (version, name, applied_at).
// Each pending migration runs in its own write transaction together with its record, so a failing
// migration leaves the database as it was (PostgreSQL's DDL is transactional too). Applying is
// idempotent and safe against a second process migrating at the same time: the version is
// re-checked under the write lock (SQLite) or the driver's migration lock (PostgreSQL's advisory
// lock).
// Thread-safety: functions only; the connection passed in belongs to the calling thread.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/driver.h"

namespace tongban::storage {

struct Migration {
  int version = 0;
  std::string name;  // from the file name: V001__init.sql -> "init"
  std::string sql;   // may contain {{name}} templates filled by the driver
};

// A .sql file as embedded by embed_migrations.cmake.
struct EmbeddedSql {
  const char* file_name;
  const char* sql;
};
const std::vector<EmbeddedSql>& EmbeddedMigrationFiles();  // generated

// The migrations built into this binary, by version. kInternal when a file name is not
// VNNN__name.sql or two files share a version (a build defect).
Result<std::vector<Migration>> BuiltinMigrations();

// Replaces every {{name}} in `sql` with the driver's value. kInvalidArgument for an unknown name.
Result<std::string> ExpandTemplates(std::string_view sql, const Driver& driver);

// Applies the pending `migrations` (sorted by version) on `connection`, a writer of `driver`.
// kInvalidArgument when the database records a version newer than any in `migrations` (it was
// migrated by a newer build); the failing migration's error otherwise, with nothing of it applied.
Status ApplyMigrations(Connection& connection, const Driver& driver, std::span<const Migration> migrations);

// Opens the database at `url` ("sqlite:PATH", ...) and applies the built-in migrations.
// Errors as MakeDriver and ApplyMigrations.
Status Migrate(const std::string& url);

// The versions recorded in schema_migrations, ascending (empty before the first migration).
Result<std::vector<int>> AppliedVersions(Connection& connection);

}  // namespace tongban::storage
