// The small interface SqlStore speaks to a database through: connections, cached prepared
// statements, binds and column getters, error mapping, and the few dialect hooks SQL text needs.
// Everything dialect-specific (placeholder syntax, type names, how a write transaction begins,
// which native error means what) stays behind this interface; SqlStore's SQL is portable.
//
// Canonical SQL: statements given to Connection::Prepare number their parameters PostgreSQL
// style ($1, $2, ...); a driver whose database spells them differently rewrites them.
// Migration text may use {{name}} templates (e.g. {{blob}}) that Driver::TemplateValue fills.
//
// Thread-safety: a Driver is shared and immutable after construction; a Connection and the
// Statements it hands out belong to one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace tongban::storage {

class Statement {
 public:
  virtual ~Statement() = default;
  // Parameters are numbered from 1, as in the canonical SQL ($1 is index 1).
  virtual Status BindNull(int index) = 0;
  virtual Status BindInt64(int index, int64_t value) = 0;
  virtual Status BindText(int index, std::string_view value) = 0;
  virtual Status BindBlob(int index, std::string_view bytes) = 0;
  // Runs the statement to its next row. Returns true when a row is available, false when the
  // statement is done. Errors: kConflict on a unique or primary key violation, kNotFound on a
  // foreign key violation, kInvalidArgument on other constraint violations, kUnavailable when the
  // database is busy or locked, kInternal otherwise.
  virtual Result<bool> Step() = 0;
  // Rows inserted, updated or deleted by the statement once Step() answered false.
  virtual int64_t RowsChanged() = 0;
  // Column getters for the current row; columns are numbered from 0. NULL reads as 0 or "".
  virtual bool ColumnIsNull(int column) = 0;
  virtual int64_t ColumnInt64(int column) = 0;
  virtual std::string ColumnText(int column) = 0;
  virtual std::string ColumnBlob(int column) = 0;
  // Makes the statement ready to be bound and run again (clears bindings).
  virtual void Reset() = 0;
};

// A statement borrowed from a connection's cache; reset when the borrow ends, so the next
// Prepare of the same SQL finds it ready. Move-only.
class StatementRef {
 public:
  explicit StatementRef(Statement* statement) : statement_(statement) {}
  StatementRef(StatementRef&& other) noexcept : statement_(std::exchange(other.statement_, nullptr)) {}
  StatementRef& operator=(StatementRef&&) = delete;
  StatementRef(const StatementRef&) = delete;
  ~StatementRef() {
    if (statement_ != nullptr) statement_->Reset();
  }
  Statement* operator->() const { return statement_; }
  Statement& operator*() const { return *statement_; }

 private:
  Statement* statement_;
};

class Connection {
 public:
  virtual ~Connection() = default;
  // Runs one or more statements without parameters (DDL, BEGIN/COMMIT, SAVEPOINT).
  // Errors as Statement::Step.
  virtual Status Exec(std::string_view sql) = 0;
  // A prepared statement for canonical `sql`, prepared once per connection and cached.
  // kInternal when the SQL does not compile.
  virtual Result<StatementRef> Prepare(std::string_view sql) = 0;
  // True while a transaction is open (false after the database rolled one back by itself; true
  // while PostgreSQL holds a failed transaction that still needs its ROLLBACK).
  virtual bool InTransaction() = 0;
  // True when a statement of the current (or just ended) transaction failed only because of a
  // concurrent transaction (serialisation failure, deadlock): running the whole transaction again
  // may succeed. Kept on the connection, not in the error, because work may rewrap or swallow
  // the error it got.
  virtual bool SerializationFailed() { return false; }
  // False once the connection to the database is lost; the owner then replaces it.
  virtual bool Healthy() { return true; }
  // Bulk load: appends `rows` to `table`, each row one text value per column of `columns` in
  // order, inside the open transaction. PostgreSQL streams them with COPY FROM STDIN; a database
  // without a bulk path answers false from SupportsCopy() and the caller writes batched multi-row
  // INSERTs instead (which CopyRows then refuses with kInternal). Errors as Statement::Step; after
  // a failure the transaction must be rolled back.
  virtual bool SupportsCopy() const { return false; }
  virtual Status CopyRows(std::string_view table, const std::vector<std::string_view>& columns,
                          const std::vector<std::vector<std::string>>& rows) {
    (void)table, (void)columns, (void)rows;
    return MakeError(ErrorCode::kInternal, "this database has no bulk load: use batched INSERTs");
  }
};

struct DriverOptions {
  // How long a statement waits for a lock held by another connection before kUnavailable.
  std::chrono::milliseconds busy_timeout{5000};
};

class Driver {
 public:
  virtual ~Driver() = default;
  // A connection that may write (migrations and Store::Write): the single writer when
  // SingleWriter(), else one of the write pool.
  virtual Result<std::unique_ptr<Connection>> OpenWriter() = 0;
  // A connection that refuses writes, for Store::Read.
  virtual Result<std::unique_ptr<Connection>> OpenReader() = 0;

  // True when the database admits one writer at a time (SQLite): the store then funnels writes
  // through one thread and groups their commits. False when writers run concurrently, each on a
  // pooled connection in its own transaction (PostgreSQL).
  virtual bool SingleWriter() const { return true; }

  // Dialect hooks.
  // Starts a write transaction ("BEGIN IMMEDIATE" takes SQLite's write lock at once; PostgreSQL
  // runs writes in READ COMMITTED, see postgres_driver.h for why that is enough).
  virtual std::string_view BeginWriteSql() const = 0;
  // Starts a read transaction that sees one snapshot.
  virtual std::string_view BeginReadSql() const = 0;
  // The value of a {{name}} template in migration text ("blob" -> "BLOB" or "BYTEA"),
  // or nullopt when the driver does not know the name.
  virtual std::optional<std::string> TemplateValue(std::string_view name) const = 0;
  // "sqlite", "postgresql": for messages.
  virtual std::string_view Name() const = 0;
  // Run first inside each migration's write transaction so that servers migrating at once apply
  // each migration once; empty when BeginWriteSql already serialises writers (SQLite).
  virtual std::string_view MigrationLockSql() const { return {}; }
  // True when concurrent writers exist and a write transaction's read of a row it will update
  // must lock that row ("SELECT ... FOR UPDATE"), so that it reads the newest committed version
  // instead of one a concurrent writer is about to replace. False for SQLite, whose single
  // writer always reads the newest version and which has no FOR UPDATE.
  virtual bool LocksRowsReadForUpdate() const { return false; }
};

// The driver for a database URL: "sqlite:PATH" or "postgresql://USER@HOST:PORT/DB?..." (also
// "postgres://"; the URL goes to libpq as it is).
// kInvalidArgument for an empty path or an unknown scheme; kUnavailable for a known scheme whose
// driver is not part of this build.
Result<std::unique_ptr<Driver>> MakeDriver(const std::string& url, const DriverOptions& options);

}  // namespace tongban::storage
