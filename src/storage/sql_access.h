// SqlAccess: what every repository of the SQL store shares: the transaction's connection, whether
// it may write, and the one prepare / bind / step / map-not-found sequence every statement runs.
// A repository (sql_accounts.cc, sql_applications.cc, ...) holds a SqlAccess and its own SQL as
// named constants; it binds parameters with a lambda over a Binder and maps rows with a function
// over Columns. Internal to storage.
//
// Thread-safety: none; it belongs to the thread running the transaction's work.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "storage/driver.h"
#include "storage/sql_columns.h"

namespace tongban::storage {

// Binds nothing: for statements without parameters.
inline constexpr auto kNoParameters = [](Binder&) {};

class SqlAccess {
 public:
  // lock_reads: a writable transaction reads the rows it may update with FOR UPDATE
  // (Driver::LocksRowsReadForUpdate).
  SqlAccess(Connection& connection, bool writable, bool lock_reads)
      : connection_(connection), writable_(writable), lock_reads_(writable && lock_reads) {}

  Connection& connection() const { return connection_; }
  bool lock_reads() const { return lock_reads_; }

  // kInternal inside Store::Read.
  Status RequireWritable() const {
    if (writable_) return Ok();
    return MakeError(ErrorCode::kInternal, "a write method was called inside Store::Read: use Store::Write");
  }

  // `sql` prepared (from the connection's cache) with its parameters bound by bind(Binder&).
  template <typename Bind>
  Result<StatementRef> Prepare(std::string_view sql, Bind&& bind) const {
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(sql));
    Binder binder(*statement);
    bind(binder);
    TB_RETURN_IF_ERROR(binder.status());
    return statement;
  }

  // Runs a statement that writes and returns no rows; answers how many rows it changed.
  template <typename Bind>
  Result<int64_t> Execute(std::string_view sql, Bind&& bind) const {
    TB_RETURN_IF_ERROR(RequireWritable());
    TB_ASSIGN_OR_RETURN(StatementRef statement, Prepare(sql, std::forward<Bind>(bind)));
    TB_RETURN_IF_ERROR(RunToEnd(*statement));
    return statement->RowsChanged();
  }

  // Execute, when the count does not matter.
  template <typename Bind>
  Status Run(std::string_view sql, Bind&& bind) const {
    TB_ASSIGN_OR_RETURN(const int64_t changed, Execute(sql, std::forward<Bind>(bind)));
    (void)changed;
    return Ok();
  }

  // The first row mapped by read(Statement&) -> Result<T>, or kNotFound with `not_found` (a
  // message key) when there is none.
  template <typename T, typename Bind, typename Read>
  Result<T> One(std::string_view sql, Bind&& bind, std::string_view not_found, Read&& read) const {
    TB_ASSIGN_OR_RETURN(StatementRef statement, Prepare(sql, std::forward<Bind>(bind)));
    TB_ASSIGN_OR_RETURN(const bool row, statement->Step());
    if (!row) return MakeError(ErrorCode::kNotFound, std::string(not_found));
    return read(*statement);
  }

  // Every row mapped by read(Statement&) -> Result<T>; at most `limit` when limit >= 0.
  template <typename T, typename Bind, typename Read>
  Result<std::vector<T>> All(std::string_view sql, Bind&& bind, Read&& read) const {
    TB_ASSIGN_OR_RETURN(StatementRef statement, Prepare(sql, std::forward<Bind>(bind)));
    std::vector<T> rows;
    while (true) {
      TB_ASSIGN_OR_RETURN(const bool row, statement->Step());
      if (!row) break;
      TB_ASSIGN_OR_RETURN(T value, read(*statement));
      rows.push_back(std::move(value));
    }
    return rows;
  }

 private:
  Connection& connection_;
  const bool writable_;
  const bool lock_reads_;
};

// Housekeeping deletes run in batches: `sql` takes the cut-off time ($1) and the batch size ($2).
inline Result<int64_t> DeleteBatch(const SqlAccess& sql, std::string_view statement, Timestamp before, int limit) {
  return sql.Execute(statement, [&](Binder& b) { b.Int(Seconds(before)).Int(limit); });
}

}  // namespace tongban::storage
