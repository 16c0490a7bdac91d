#include "storage/postgres/postgres_driver.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <map>
#include <utility>
#include <vector>

namespace tongban::storage {
namespace {

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

constexpr const char* kSavepoint = "SAVEPOINT tb_statement";
constexpr const char* kRelease = "RELEASE SAVEPOINT tb_statement";
constexpr const char* kRollbackToSavepoint = "ROLLBACK TO SAVEPOINT tb_statement; RELEASE SAVEPOINT tb_statement";

std::string SqlState(const PGresult* result) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  return state != nullptr ? state : "";
}

std::string TrimmedMessage(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// True for statements that may write, which get a savepoint inside a transaction.
bool MayWrite(std::string_view sql) {
  const size_t start = sql.find_first_not_of(" \t\n");
  if (start == std::string_view::npos) return false;
  const std::string_view head = sql.substr(start, 6);
  if (head.size() < 6) return true;
  for (size_t i = 0; i < 6; ++i) {
    if ((head[i] & ~0x20) != "SELECT"[i]) return true;
  }
  return false;
}

class PostgresConnection;

class PostgresStatement final : public Statement {
 public:
  PostgresStatement(PostgresConnection& connection, std::string name, bool may_write)
      : connection_(connection), name_(std::move(name)), may_write_(may_write) {}

  Status BindNull(int index) override { return Set(index, std::nullopt, 0); }
  Status BindInt64(int index, int64_t value) override { return Set(index, std::to_string(value), 0); }
  Status BindText(int index, std::string_view value) override {
    // Text parameters travel NUL-terminated, and PostgreSQL text cannot hold NUL anyway.
    if (value.find('\0') != std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "text contains a NUL character");
    }
    return Set(index, std::string(value), 0);
  }
  // Binary format: the bytes go as they are, no escaping.
  Status BindBlob(int index, std::string_view bytes) override { return Set(index, std::string(bytes), 1); }

  Result<bool> Step() override;
  int64_t RowsChanged() override { return changed_; }
  bool ColumnIsNull(int column) override { return PQgetisnull(result_.get(), row_, column) != 0; }
  int64_t ColumnInt64(int column) override {
    const char* text = PQgetvalue(result_.get(), row_, column);
    const int length = PQgetlength(result_.get(), row_, column);
    int64_t value = 0;
    std::from_chars(text, text + length, value);
    return value;
  }
  std::string ColumnText(int column) override {
    return std::string(PQgetvalue(result_.get(), row_, column),
                       static_cast<size_t>(PQgetlength(result_.get(), row_, column)));
  }
  // Results come as text; bytea text is hex ("\x0102..."), decoded here.
  std::string ColumnBlob(int column) override {
    if (ColumnIsNull(column)) return {};
    size_t length = 0;
    unsigned char* bytes =
        PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row_, column)), &length);
    if (bytes == nullptr) return {};
    std::string out(reinterpret_cast<const char*>(bytes), length);
    PQfreemem(bytes);
    return out;
  }
  void Reset() override {
    result_.reset();
    executed_ = false;
    row_ = -1;
    changed_ = 0;
    values_.clear();
    formats_.clear();
  }

 private:
  Status Set(int index, std::optional<std::string> value, int format) {
    if (index < 1) return MakeError(ErrorCode::kInternal, "postgresql bind: parameters are numbered from 1");
    if (static_cast<size_t>(index) > values_.size()) {
      values_.resize(static_cast<size_t>(index));
      formats_.resize(static_cast<size_t>(index), 0);
    }
    values_[static_cast<size_t>(index) - 1] = std::move(value);
    formats_[static_cast<size_t>(index) - 1] = format;
    return Ok();
  }

  PostgresConnection& connection_;
  const std::string name_;
  const bool may_write_;
  std::vector<std::optional<std::string>> values_;
  std::vector<int> formats_;
  PgResult result_;
  bool executed_ = false;
  int row_ = -1;
  int64_t changed_ = 0;
};

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override {
    cache_.clear();
    PQfinish(conn_);
  }
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Status Exec(std::string_view sql) override {
    NoteTransactionStart();
    // COMMIT of a failed transaction answers "ROLLBACK" without an error: that must not pass for
    // a successful commit.
    if (sql == "COMMIT" && PQtransactionStatus(conn_) == PQTRANS_INERROR) {
      PgResult ignored(PQexec(conn_, "ROLLBACK"));
      return MakeError(serialization_failed_ ? ErrorCode::kConflict : ErrorCode::kInternal,
                       "postgresql: the transaction was rolled back because a statement in it failed: " +
                           last_error_);
    }
    const std::string text(sql);
    PgResult result(PQexec(conn_, text.c_str()));
    const ExecStatusType status = result != nullptr ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) return Ok();
    return Fail(result.get(), "postgresql exec");
  }

  Result<StatementRef> Prepare(std::string_view sql) override {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      const std::string name = "tb" + std::to_string(cache_.size() + 1);
      const std::string text(sql);
      PgResult result(PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr));
      if (result == nullptr || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
        Error error = Fail(result.get(), "postgresql prepare");
        if (error.code != ErrorCode::kUnavailable) error.code = ErrorCode::kInternal;
        error.message += " in: " + text;
        return error;
      }
      it = cache_.emplace(text, std::make_unique<PostgresStatement>(*this, name, MayWrite(sql))).first;
    }
    return StatementRef(it->second.get());
  }

  bool InTransaction() override {
    const PGTransactionStatusType status = PQtransactionStatus(conn_);
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
  }
  bool SerializationFailed() override { return serialization_failed_; }
  bool Healthy() override { return PQstatus(conn_) == CONNECTION_OK; }

  bool SupportsCopy() const override { return true; }
  // COPY table (columns) FROM STDIN in text format: values escaped (backslash, tab, newline,
  // carriage return), sent in chunks of about 1 MB with PQputCopyData.
  Status CopyRows(std::string_view table, const std::vector<std::string_view>& columns,
                  const std::vector<std::vector<std::string>>& rows) override {
    std::string sql = "COPY " + std::string(table) + " (";
    for (size_t i = 0; i < columns.size(); ++i) sql += (i == 0 ? "" : ", ") + std::string(columns[i]);
    sql += ") FROM STDIN";
    PgResult started(PQexec(conn_, sql.c_str()));
    if (started == nullptr || PQresultStatus(started.get()) != PGRES_COPY_IN) return Fail(started.get(), "postgresql copy");
    std::string chunk;
    chunk.reserve(1 << 20);
    bool sent = true;
    auto flush = [&] {
      if (!chunk.empty() && PQputCopyData(conn_, chunk.data(), static_cast<int>(chunk.size())) != 1) sent = false;
      chunk.clear();
    };
    for (const std::vector<std::string>& row : rows) {
      for (size_t i = 0; i < row.size(); ++i) {
        if (i > 0) chunk += '\t';
        for (char c : row[i]) {
          switch (c) {
            case '\\': chunk += "\\\\"; break;
            case '\t': chunk += "\\t"; break;
            case '\n': chunk += "\\n"; break;
            case '\r': chunk += "\\r"; break;
            default: chunk += c;
          }
        }
      }
      chunk += '\n';
      if (chunk.size() >= (1 << 20)) flush();
      if (!sent) break;
    }
    flush();
    const int ended = PQputCopyEnd(conn_, sent ? nullptr : "the client stopped sending");
    PgResult result(PQgetResult(conn_));
    Status status = Ok();
    if (ended != 1 || result == nullptr || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      status = Fail(result.get(), "postgresql copy");
    }
    while (PGresult* rest = PQgetResult(conn_)) PQclear(rest);  // drain to be ready for the next command
    return status;
  }

  // Runs prepared statement `name`. Inside a transaction a statement that may write runs between
  // SAVEPOINT and RELEASE, all three sent at once in pipeline mode; on failure the transaction
  // is rolled back to the savepoint and stays usable.
  Result<PgResult> Run(const std::string& name, bool may_write, int count, const char* const* values,
                       const int* lengths, const int* formats) {
    NoteTransactionStart();
    if (!may_write || PQtransactionStatus(conn_) != PQTRANS_INTRANS) {
      PgResult result(PQexecPrepared(conn_, name.c_str(), count, values, lengths, formats, 0));
      const ExecStatusType status = result != nullptr ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
      if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return Fail(result.get(), "postgresql");
      return result;
    }
    if (PQenterPipelineMode(conn_) != 1) return Fail(nullptr, "postgresql pipeline");
    (void)(PQsendQueryParams(conn_, kSavepoint, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1 &&
           PQsendQueryPrepared(conn_, name.c_str(), count, values, lengths, formats, 0) == 1 &&
           PQsendQueryParams(conn_, kRelease, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1);
    (void)PQpipelineSync(conn_);
    PgResult statement_result;
    PgResult first_error;
    int query = 0;  // 0 SAVEPOINT, 1 the statement, 2 RELEASE; each query's results end in a null
    int idle = 0;
    while (true) {
      PGresult* raw = PQgetResult(conn_);
      if (raw == nullptr) {
        if (PQstatus(conn_) != CONNECTION_OK || ++idle > 8) break;  // lost, or nothing more is coming
        ++query;
        continue;
      }
      idle = 0;
      PgResult result(raw);
      const ExecStatusType status = PQresultStatus(raw);
      if (status == PGRES_PIPELINE_SYNC) break;
      if (status == PGRES_FATAL_ERROR) {
        if (first_error == nullptr) first_error = std::move(result);
      } else if (query == 1 && statement_result == nullptr) {
        statement_result = std::move(result);
      }
    }
    (void)PQexitPipelineMode(conn_);
    if (first_error != nullptr || statement_result == nullptr) {
      Error error = Fail(first_error.get(), "postgresql");
      if (PQtransactionStatus(conn_) == PQTRANS_INERROR) {
        PgResult ignored(PQexec(conn_, kRollbackToSavepoint));
      }
      return error;
    }
    return statement_result;
  }

 private:
  // A new transaction (or a statement outside one) starts with no serialisation failure.
  void NoteTransactionStart() {
    if (PQtransactionStatus(conn_) == PQTRANS_IDLE) serialization_failed_ = false;
  }

  Error Fail(const PGresult* result, std::string_view what) {
    const std::string state = SqlState(result);
    std::string message = TrimmedMessage(result != nullptr ? PQresultErrorMessage(result) : nullptr);
    if (message.empty()) message = TrimmedMessage(PQerrorMessage(conn_));
    last_error_ = message;
    if (PostgresDriver::IsSerializationFailure(state)) serialization_failed_ = true;
    const ErrorCode code =
        PQstatus(conn_) != CONNECTION_OK ? ErrorCode::kUnavailable : PostgresDriver::CodeForSqlState(state);
    return MakeError(code, std::string(what) + (state.empty() ? "" : " [" + state + "]") + ": " + message);
  }

  PGconn* conn_;
  bool serialization_failed_ = false;
  std::string last_error_;
  std::map<std::string, std::unique_ptr<PostgresStatement>, std::less<>> cache_;
};

Result<bool> PostgresStatement::Step() {
  if (!executed_) {
    const size_t count = values_.size();
    std::vector<const char*> values(count);
    std::vector<int> lengths(count);
    for (size_t i = 0; i < count; ++i) {
      values[i] = values_[i] ? values_[i]->c_str() : nullptr;
      lengths[i] = values_[i] ? static_cast<int>(values_[i]->size()) : 0;
    }
    TB_ASSIGN_OR_RETURN(result_, connection_.Run(name_, may_write_, static_cast<int>(count), values.data(),
                                                 lengths.data(), formats_.data()));
    executed_ = true;
    row_ = -1;
    const char* tuples = PQcmdTuples(result_.get());
    changed_ = tuples != nullptr && *tuples != '\0' ? std::strtoll(tuples, nullptr, 10) : 0;
  }
  ++row_;
  return row_ < PQntuples(result_.get());
}

void IgnoreNotice(void*, const char*) {}

}  // namespace

PostgresDriver::PostgresDriver(std::string url, DriverOptions options) : url_(std::move(url)), options_(options) {}

Result<std::unique_ptr<Connection>> PostgresDriver::OpenWriter() { return Open(); }
Result<std::unique_ptr<Connection>> PostgresDriver::OpenReader() { return Open(); }

std::optional<std::string> PostgresDriver::TemplateValue(std::string_view name) const {
  if (name == "blob") return "BYTEA";
  // Text compared byte by byte, so a prefix is one range of an index whatever the database's locale.
  if (name == "text_bytewise") return "TEXT COLLATE \"C\"";
  // V026's backfill of person_birthdays: a population record's birth date out of its JSON values.
  if (name == "birth_date_of_fields_json") return "(fields_json::json ->> 'birth_date')";
  return std::nullopt;
}

ErrorCode PostgresDriver::CodeForSqlState(std::string_view sqlstate) {
  if (sqlstate == "23505") return ErrorCode::kConflict;
  if (sqlstate == "23503") return ErrorCode::kNotFound;
  if (IsSerializationFailure(sqlstate)) return ErrorCode::kConflict;
  if (sqlstate.starts_with("23") || sqlstate.starts_with("22")) return ErrorCode::kInvalidArgument;
  // Connection exceptions, insufficient resources, operator intervention (statement timeout,
  // shutdown), lock_timeout.
  if (sqlstate.starts_with("08") || sqlstate.starts_with("53") || sqlstate.starts_with("57") ||
      sqlstate == "55P03") {
    return ErrorCode::kUnavailable;
  }
  return ErrorCode::kInternal;
}

bool PostgresDriver::IsSerializationFailure(std::string_view sqlstate) {
  return sqlstate == "40001" || sqlstate == "40P01";
}

Result<std::unique_ptr<Connection>> PostgresDriver::Open() {
  // Defaults first: keywords later in the arrays win, so whatever the URL says overrides them.
  const char* keywords[] = {"connect_timeout", "application_name", "client_encoding", "dbname", nullptr};
  const char* values[] = {"10", "tongban", "UTF8", url_.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) return MakeError(ErrorCode::kUnavailable, "cannot connect to PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    Error error = MakeError(ErrorCode::kUnavailable, "cannot connect to PostgreSQL: " + TrimmedMessage(PQerrorMessage(conn)));
    PQfinish(conn);
    return error;
  }
  // NOTICEs ("relation already exists, skipping") would go to stderr by default.
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  auto connection = std::make_unique<PostgresConnection>(conn);
  // The busy timeout bounds waiting for another transaction's locks, as on SQLite.
  TB_RETURN_IF_ERROR(
      connection->Exec("SET lock_timeout = " + std::to_string(options_.busy_timeout.count())));
  return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace tongban::storage
