// The PostgreSQL driver (libpq): a URL as libpq takes it, several concurrent writers, each
// statement prepared once per connection and run with text parameters (binary for bytea).
//
// Isolation: writes run in READ COMMITTED. The workflow's only read-modify-write races are on an
// application's row. A write transaction reads that row with FOR UPDATE (LocksRowsReadForUpdate),
// so a second writer waits for the first to commit and then decides on the row as it now is (an
// action no longer allowed answers 409); a deadlock victim run again reads the winner's row
// rather than the one before it. UpdateApplication still checks the version in its WHERE clause
// as a second guard. "Only one" rules rest on unique constraints. Reads run in REPEATABLE
// READ READ ONLY, one snapshot per Read.
//
// A failed statement aborts a PostgreSQL transaction, whereas work may carry on after an expected
// error (InsertPerson answering kConflict). So a writing statement inside a transaction runs
// between SAVEPOINT and RELEASE, sent in one round trip (libpq pipeline mode), and a failure rolls
// back to the savepoint only.
//
// Errors: SQLSTATE 23505 -> kConflict, 23503 -> kNotFound, other 23xxx and 22xxx ->
// kInvalidArgument, 40001/40P01 -> kConflict with Connection::SerializationFailed() set (the
// store runs the work again), 08xxx, a lost connection, lock and statement timeouts ->
// kUnavailable, anything else -> kInternal.
//
// Thread-safety: PostgresDriver is immutable and shared; each connection is used by one thread at
// a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "storage/driver.h"

namespace tongban::storage {

class PostgresDriver final : public Driver {
 public:
  // `url` is "postgresql://..." or "postgres://..." and reaches PQconnectdbParams unchanged.
  PostgresDriver(std::string url, DriverOptions options);

  // Both open a plain connection; reads are kept read-only by BeginReadSql.
  // kUnavailable when the server cannot be reached or refuses the connection.
  Result<std::unique_ptr<Connection>> OpenWriter() override;
  Result<std::unique_ptr<Connection>> OpenReader() override;
  bool SingleWriter() const override { return false; }
  std::string_view BeginWriteSql() const override { return "BEGIN ISOLATION LEVEL READ COMMITTED"; }
  std::string_view BeginReadSql() const override { return "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"; }
  std::optional<std::string> TemplateValue(std::string_view name) const override;
  std::string_view Name() const override { return "postgresql"; }
  // Released at the end of the migration's transaction. A second server waits as long as the
  // first one's migration takes, not just the busy timeout.
  std::string_view MigrationLockSql() const override {
    return "SET LOCAL lock_timeout = 0; SELECT pg_advisory_xact_lock(7426931001)";
  }
  bool LocksRowsReadForUpdate() const override { return true; }

  // The error code for a SQLSTATE (five characters; empty when the connection is lost).
  static ErrorCode CodeForSqlState(std::string_view sqlstate);
  // True for the SQLSTATEs after which the whole transaction may succeed when run again.
  static bool IsSerializationFailure(std::string_view sqlstate);

 private:
  Result<std::unique_ptr<Connection>> Open();

  std::string url_;
  DriverOptions options_;
};

}  // namespace tongban::storage
