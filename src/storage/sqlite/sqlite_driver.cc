#include "storage/sqlite/sqlite_driver.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <system_error>
#include <thread>
#include <utility>

namespace tongban::storage {
namespace {

// Maps an SQLite result code (extended codes are on) to the store's error codes.
Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  const int extended = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  std::string message = std::string(what) + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (extended) {
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_UNIQUE:
      return MakeError(ErrorCode::kConflict, std::move(message));
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return MakeError(ErrorCode::kNotFound, std::move(message));
    default:
      break;
  }
  switch (extended & 0xff) {
    case SQLITE_CONSTRAINT:
      return MakeError(ErrorCode::kInvalidArgument, std::move(message));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
      return MakeError(ErrorCode::kUnavailable, std::move(message));
    default:
      return MakeError(ErrorCode::kInternal, std::move(message));
  }
}

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  Status BindNull(int index) override { return Check(sqlite3_bind_null(stmt_, index)); }
  Status BindInt64(int index, int64_t value) override {
    return Check(sqlite3_bind_int64(stmt_, index, value));
  }
  Status BindText(int index, std::string_view value) override {
    // A null pointer would bind NULL; an empty string must stay an empty string.
    return Check(sqlite3_bind_text64(stmt_, index, value.empty() ? "" : value.data(), value.size(),
                                     SQLITE_TRANSIENT, SQLITE_UTF8));
  }
  Status BindBlob(int index, std::string_view bytes) override {
    return Check(sqlite3_bind_blob64(stmt_, index, bytes.empty() ? "" : bytes.data(), bytes.size(),
                                     SQLITE_TRANSIENT));
  }
  Result<bool> Step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) {
      changes_ = sqlite3_changes64(db_);
      return false;
    }
    return SqliteError(db_, rc, "sqlite step");
  }
  int64_t RowsChanged() override { return changes_; }
  bool ColumnIsNull(int column) override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  int64_t ColumnInt64(int column) override { return sqlite3_column_int64(stmt_, column); }
  std::string ColumnText(int column) override {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (text == nullptr) return {};
    return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  std::string ColumnBlob(int column) override {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    if (data == nullptr) return {};
    return std::string(data, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  void Reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    changes_ = 0;
  }

 private:
  Status Check(int rc) {
    if (rc == SQLITE_OK) return Ok();
    return SqliteError(db_, rc, "sqlite bind");
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int64_t changes_ = 0;
};

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    cache_.clear();  // statements are finalised before the connection closes
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Status Exec(std::string_view sql) override {
    const std::string text(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
    sqlite3_free(message);
    if (rc == SQLITE_OK) return Ok();
    return SqliteError(db_, rc, "sqlite exec");
  }

  Result<StatementRef> Prepare(std::string_view sql) override {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      const std::string native = SqliteDriver::RewritePlaceholders(sql);
      sqlite3_stmt* stmt = nullptr;
      const int rc = sqlite3_prepare_v3(db_, native.c_str(), static_cast<int>(native.size() + 1),
                                        SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        Error error = SqliteError(db_, rc, "sqlite prepare");
        if (error.code != ErrorCode::kUnavailable) error.code = ErrorCode::kInternal;
        error.message += " in: " + native;
        return error;
      }
      it = cache_.emplace(std::string(sql), std::make_unique<SqliteStatement>(db_, stmt)).first;
    }
    return StatementRef(it->second.get());
  }

  bool InTransaction() override { return sqlite3_get_autocommit(db_) == 0; }

 private:
  sqlite3* db_;
  std::map<std::string, std::unique_ptr<SqliteStatement>, std::less<>> cache_;
};

}  // namespace

SqliteDriver::SqliteDriver(std::string path, DriverOptions options)
    : path_(std::move(path)), options_(options) {}

Result<std::unique_ptr<Connection>> SqliteDriver::OpenWriter() { return Open(true); }
Result<std::unique_ptr<Connection>> SqliteDriver::OpenReader() { return Open(false); }

std::optional<std::string> SqliteDriver::TemplateValue(std::string_view name) const {
  if (name == "blob") return "BLOB";
  if (name == "text_bytewise") return "TEXT";  // SQLite's default collation (BINARY) is bytewise
  // V026's backfill of person_birthdays: a population record's birth date out of its JSON values.
  if (name == "birth_date_of_fields_json") return "json_extract(fields_json, '$.birth_date')";
  return std::nullopt;
}

std::string SqliteDriver::RewritePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '$' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out += '?';  // ?NNN keeps the number, so a parameter may appear more than once
      continue;
    }
    out += c;
  }
  return out;
}

namespace {

// Switching a new database to WAL needs the exclusive lock. When several servers open a new
// file at once, two of them can each hold a shared lock and want the exclusive one; SQLite then
// answers SQLITE_BUSY at once instead of calling the busy handler, since waiting would
// deadlock. The one refused lets go of its lock and tries again, within the busy timeout.
Status EnterWal(Connection& connection, sqlite3* db, std::chrono::milliseconds busy_timeout) {
  const auto deadline = std::chrono::steady_clock::now() + busy_timeout;
  while (true) {
    Status entered = connection.Exec("PRAGMA journal_mode=WAL");
    if (entered.ok() || (sqlite3_errcode(db) & 0xff) != SQLITE_BUSY ||
        std::chrono::steady_clock::now() >= deadline) {
      return entered;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

Result<std::unique_ptr<Connection>> SqliteDriver::Open(bool writer) {
  if (writer) {
    const std::filesystem::path parent = std::filesystem::path(path_).parent_path();
    std::error_code ignored;
    if (!parent.empty()) std::filesystem::create_directories(parent, ignored);
  }
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
  const int rc = sqlite3_open_v2(path_.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error error = SqliteError(db, rc, "cannot open SQLite database '" + path_ + "'");
    sqlite3_close_v2(db);
    error.code = ErrorCode::kUnavailable;
    return error;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(options_.busy_timeout.count()));
  auto connection = std::make_unique<SqliteConnection>(db);
  // journal_mode=WAL is persistent in the file; the writer sets it before any reader opens.
  // The writer commits a group of jobs as one transaction, each job in a savepoint. Its
  // statement journals (the undo of each savepoint) stay in memory instead of a temporary file
  // written page by page, and its page cache holds a whole group's changed pages, so that pages
  // are not spilled to the WAL before the commit. Durability is synchronous=FULL's either way.
  const char* pragmas = writer ? "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                                 " PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;"
                               : "PRAGMA query_only=ON; PRAGMA foreign_keys=ON;";
  if (writer) TB_RETURN_IF_ERROR(EnterWal(*connection, db, options_.busy_timeout));
  TB_RETURN_IF_ERROR(connection->Exec(pragmas));
  if (writer) {
    // Some file systems (network mounts) cannot do WAL; SQLite then quietly keeps another mode,
    // and readers would block the writer. Refuse rather than run slow and surprising.
    TB_ASSIGN_OR_RETURN(StatementRef mode, connection->Prepare("PRAGMA journal_mode"));
    TB_ASSIGN_OR_RETURN(const bool row, mode->Step());
    if (!row || mode->ColumnText(0) != "wal") {
      return MakeError(ErrorCode::kUnavailable,
                       "SQLite database '" + path_ + "' cannot use write-ahead logging: put it on a local disk");
    }
  }
  return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace tongban::storage
