#include "storage/migrations.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <string_view>

namespace tongban::storage {
namespace {

constexpr std::string_view kCreateSchemaMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";
constexpr std::string_view kSelectAppliedVersions = "SELECT version FROM schema_migrations ORDER BY version";
constexpr std::string_view kSelectVersionApplied = "SELECT 1 FROM schema_migrations WHERE version = $1";
constexpr std::string_view kInsertMigration =
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)";

// "V001__init.sql" -> {1, "init"}.
Result<Migration> ParseFileName(std::string_view file_name) {
  const auto bad = [&] {
    return MakeError(ErrorCode::kInternal,
                     "migration file '" + std::string(file_name) + "' is not named VNNN__name.sql");
  };
  if (file_name.size() < 4 || file_name.front() != 'V' || !file_name.ends_with(".sql")) return bad();
  const size_t separator = file_name.find("__");
  if (separator == std::string_view::npos || separator < 2) return bad();
  Migration migration;
  const auto [end, ec] = std::from_chars(file_name.data() + 1, file_name.data() + separator, migration.version);
  if (ec != std::errc() || end != file_name.data() + separator || migration.version <= 0) return bad();
  migration.name = std::string(file_name.substr(separator + 2, file_name.size() - separator - 2 - 4));
  if (migration.name.empty()) return bad();
  return migration;
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Begins a write transaction holding the driver's migration lock.
Status BeginLocked(Connection& connection, const Driver& driver) {
  TB_RETURN_IF_ERROR(connection.Exec(driver.BeginWriteSql()));
  if (driver.MigrationLockSql().empty()) return Ok();
  Status locked = connection.Exec(driver.MigrationLockSql());
  if (!locked.ok() && connection.InTransaction()) (void)connection.Exec("ROLLBACK");
  return locked;
}

// Creates schema_migrations under the migration lock: two PostgreSQL servers running
// CREATE TABLE IF NOT EXISTS at once could otherwise both try to create it.
Status CreateSchemaMigrations(Connection& connection, const Driver& driver) {
  TB_RETURN_IF_ERROR(BeginLocked(connection, driver));
  Status created = connection.Exec(kCreateSchemaMigrations);
  if (created.ok()) created = connection.Exec("COMMIT");
  if (!created.ok() && connection.InTransaction()) (void)connection.Exec("ROLLBACK");
  return created;
}

Status ApplyOne(Connection& connection, const Driver& driver, const Migration& migration) {
  TB_ASSIGN_OR_RETURN(const std::string sql, ExpandTemplates(migration.sql, driver));
  TB_RETURN_IF_ERROR(BeginLocked(connection, driver));
  const auto run = [&]() -> Result<bool> {
    {
      TB_ASSIGN_OR_RETURN(StatementRef check, connection.Prepare(kSelectVersionApplied));
      TB_RETURN_IF_ERROR(check->BindInt64(1, migration.version));
      TB_ASSIGN_OR_RETURN(const bool applied, check->Step());
      if (applied) return false;  // another process got there first
    }
    TB_RETURN_IF_ERROR(connection.Exec(sql));
    TB_ASSIGN_OR_RETURN(StatementRef insert, connection.Prepare(kInsertMigration));
    TB_RETURN_IF_ERROR(insert->BindInt64(1, migration.version));
    TB_RETURN_IF_ERROR(insert->BindText(2, migration.name));
    TB_RETURN_IF_ERROR(insert->BindInt64(3, NowSeconds()));
    TB_ASSIGN_OR_RETURN(const bool row, insert->Step());
    (void)row;
    return true;
  };
  Result<bool> ran = run();
  if (!ran.ok()) {
    if (connection.InTransaction()) (void)connection.Exec("ROLLBACK");
    Error error = ran.take_error();
    error.message = "migration V" + std::to_string(migration.version) + "__" + migration.name +
                    " failed and was rolled back: " + error.message;
    return error;
  }
  Status committed = connection.Exec("COMMIT");
  if (!committed.ok()) {
    if (connection.InTransaction()) (void)connection.Exec("ROLLBACK");
    return committed;
  }
  return Ok();
}

}  // namespace

Result<std::vector<Migration>> BuiltinMigrations() {
  std::vector<Migration> migrations;
  for (const EmbeddedSql& file : EmbeddedMigrationFiles()) {
    TB_ASSIGN_OR_RETURN(Migration migration, ParseFileName(file.file_name));
    migration.sql = file.sql;
    migrations.push_back(std::move(migration));
  }
  std::sort(migrations.begin(), migrations.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version == migrations[i - 1].version) {
      return MakeError(ErrorCode::kInternal,
                       "two migration files share version " + std::to_string(migrations[i].version));
    }
  }
  return migrations;
}

Result<std::string> ExpandTemplates(std::string_view sql, const Driver& driver) {
  std::string out;
  out.reserve(sql.size());
  size_t at = 0;
  while (true) {
    const size_t open = sql.find("{{", at);
    if (open == std::string_view::npos) break;
    const size_t close = sql.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "unterminated {{ template in migration SQL");
    }
    const std::string_view name = sql.substr(open + 2, close - open - 2);
    std::optional<std::string> value = driver.TemplateValue(name);
    if (!value) {
      return MakeError(ErrorCode::kInvalidArgument, "migration template {{" + std::string(name) +
                                                        "}} is unknown to the " + std::string(driver.Name()) +
                                                        " driver");
    }
    out.append(sql.substr(at, open - at));
    out += *value;
    at = close + 2;
  }
  out.append(sql.substr(at));
  return out;
}

Result<std::vector<int>> AppliedVersions(Connection& connection) {
  TB_RETURN_IF_ERROR(connection.Exec(kCreateSchemaMigrations));
  TB_ASSIGN_OR_RETURN(StatementRef select, connection.Prepare(kSelectAppliedVersions));
  std::vector<int> versions;
  while (true) {
    TB_ASSIGN_OR_RETURN(const bool row, select->Step());
    if (!row) break;
    versions.push_back(static_cast<int>(select->ColumnInt64(0)));
  }
  return versions;
}

Status ApplyMigrations(Connection& connection, const Driver& driver, std::span<const Migration> migrations) {
  TB_RETURN_IF_ERROR(CreateSchemaMigrations(connection, driver));
  TB_ASSIGN_OR_RETURN(const std::vector<int> applied, AppliedVersions(connection));
  const int known = migrations.empty() ? 0 : migrations.back().version;
  if (!applied.empty() && applied.back() > known) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the database is at schema version " + std::to_string(applied.back()) +
                         " but this build knows versions up to " + std::to_string(known) +
                         ": run a newer tongban against it");
  }
  for (const Migration& migration : migrations) {
    if (std::binary_search(applied.begin(), applied.end(), migration.version)) continue;
    TB_RETURN_IF_ERROR(ApplyOne(connection, driver, migration));
  }
  return Ok();
}

Status Migrate(const std::string& url) {
  TB_ASSIGN_OR_RETURN(std::unique_ptr<Driver> driver, MakeDriver(url, DriverOptions{}));
  TB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection, driver->OpenWriter());
  TB_ASSIGN_OR_RETURN(const std::vector<Migration> migrations, BuiltinMigrations());
  return ApplyMigrations(*connection, *driver, migrations);
}

}  // namespace tongban::storage
