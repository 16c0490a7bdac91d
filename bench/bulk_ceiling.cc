// The raw bulk-load ceiling for `tongban demo generate` (docs/PERFORMANCE.md): how many rows
// shaped like dataset records (dataset code, an 18-character subject id, a record id, a ~250-byte
// JSON text, an integer as-of) the database itself takes, with no generator, JSON or store
// around it, into a table with the same columns and primary key as
// migrations/V011__dataset_records.sql:
//   SQLite      multi-row INSERTs of 200 rows prepared once, 50,000 rows per transaction, WAL,
//               synchronous=FULL (what the server opens);
//   PostgreSQL  COPY FROM STDIN (libpq PQputCopyData), 50,000 rows per transaction.
// Subject ids are random like the generator's (not in key order). Prints
// "<database> <rows per second> <rows> <seconds>".
//
//   bulk_ceiling --sqlite /tmp/x.db --rows 1000000
//   bulk_ceiling --pg postgresql://... --rows 1000000
//
// Single-threaded; it creates its table (dropping one of the same name) and leaves it.
#include <libpq-fe.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr int kRowsPerTransaction = 50000;
constexpr int kRowsPerInsert = 200;
const char* kDatasets[] = {"population", "household_registration", "medical_insurance", "social_security_card",
                           "social_insurance", "employment_registration", "housing_fund_account", "marriage"};

struct Row {
  std::string dataset, subject, record, json;
  long long as_of;
};

Row MakeRow(std::mt19937_64& rng, long long i) {
  char subject[19];
  std::snprintf(subject, sizeof subject, "3101%014llu", static_cast<unsigned long long>(rng() % 100000000000000ULL));
  Row r{kDatasets[i % 8], subject, std::to_string(i % 3),
        "{\"name\":\"张伟伟\",\"id_number\":\"" + std::string(subject) +
            "\",\"sex\":\"男\",\"birth_date\":\"1988-06-18\",\"ethnicity\":\"汉族\",\"nationality\":\"中国\","
            "\"address\":\"上海市浦东新区世纪大道100号1201室\",\"district\":\"310115\",\"photo_hash\":\"0123456789abcdef\"}",
        1790000000};
  return r;
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "bulk_ceiling: %s\n", what.c_str());
  return 1;
}

int RunSqlite(const std::string& path, long long rows) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return Fail("cannot open " + path);
  char* error = nullptr;
  if (sqlite3_exec(db,
                   "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                   "CREATE TABLE dataset_records (dataset TEXT NOT NULL, subject_id TEXT NOT NULL, record_id TEXT NOT NULL,"
                   " fields_json TEXT NOT NULL, as_of BIGINT NOT NULL, PRIMARY KEY (dataset, subject_id, record_id));",
                   nullptr, nullptr, &error) != SQLITE_OK) {
    return Fail(error != nullptr ? error : "schema");
  }
  std::string sql = "INSERT INTO dataset_records VALUES ";
  for (int i = 0; i < kRowsPerInsert; ++i) sql += i == 0 ? "(?,?,?,?,?)" : ",(?,?,?,?,?)";
  sqlite3_stmt* many = nullptr;
  sqlite3_stmt* one = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &many, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "INSERT INTO dataset_records VALUES (?,?,?,?,?)", -1, &one, nullptr) != SQLITE_OK) {
    return Fail(sqlite3_errmsg(db));
  }
  std::mt19937_64 rng(1);
  const auto start = std::chrono::steady_clock::now();
  long long done = 0;
  std::vector<Row> batch;
  while (done < rows) {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    const long long in_tx = std::min<long long>(kRowsPerTransaction, rows - done);
    batch.clear();
    for (long long i = 0; i < in_tx; ++i) batch.push_back(MakeRow(rng, done + i));
    size_t at = 0;
    while (at < batch.size()) {
      const int n = batch.size() - at >= kRowsPerInsert ? kRowsPerInsert : 1;
      sqlite3_stmt* s = n == kRowsPerInsert ? many : one;
      for (int k = 0; k < n; ++k) {
        const Row& r = batch[at + k];
        sqlite3_bind_text(s, k * 5 + 1, r.dataset.data(), static_cast<int>(r.dataset.size()), SQLITE_STATIC);
        sqlite3_bind_text(s, k * 5 + 2, r.subject.data(), static_cast<int>(r.subject.size()), SQLITE_STATIC);
        sqlite3_bind_text(s, k * 5 + 3, r.record.data(), static_cast<int>(r.record.size()), SQLITE_STATIC);
        sqlite3_bind_text(s, k * 5 + 4, r.json.data(), static_cast<int>(r.json.size()), SQLITE_STATIC);
        sqlite3_bind_int64(s, k * 5 + 5, r.as_of);
      }
      const int rc = sqlite3_step(s);
      if (rc != SQLITE_DONE && rc != SQLITE_CONSTRAINT) return Fail(sqlite3_errmsg(db));
      sqlite3_reset(s);
      at += n;
    }
    if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, &error) != SQLITE_OK) return Fail(error != nullptr ? error : "commit");
    done += in_tx;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("sqlite %.0f %lld %.1f\n", done / seconds, done, seconds);
  sqlite3_finalize(many);
  sqlite3_finalize(one);
  sqlite3_close(db);
  return 0;
}

int RunPostgres(const std::string& url, long long rows) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) return Fail(PQerrorMessage(conn));
  auto exec = [&](const char* sql) {
    PGresult* r = PQexec(conn, sql);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok;
  };
  if (!exec("DROP TABLE IF EXISTS bulk_ceiling_records") ||
      !exec("CREATE TABLE bulk_ceiling_records (dataset TEXT NOT NULL, subject_id TEXT NOT NULL, record_id TEXT NOT NULL,"
            " fields_json TEXT NOT NULL, as_of BIGINT NOT NULL, PRIMARY KEY (dataset, subject_id, record_id))")) {
    return Fail(PQerrorMessage(conn));
  }
  std::mt19937_64 rng(1);
  const auto start = std::chrono::steady_clock::now();
  long long done = 0;
  std::string chunk;
  while (done < rows) {
    const long long in_tx = std::min<long long>(kRowsPerTransaction, rows - done);
    if (!exec("BEGIN")) return Fail(PQerrorMessage(conn));
    PGresult* r = PQexec(conn, "COPY bulk_ceiling_records FROM STDIN");
    if (PQresultStatus(r) != PGRES_COPY_IN) return Fail(PQerrorMessage(conn));
    PQclear(r);
    chunk.clear();
    for (long long i = 0; i < in_tx; ++i) {
      const Row row = MakeRow(rng, done + i);
      chunk += row.dataset + '\t' + row.subject + '\t' + row.record + '\t' + row.json + '\t' + std::to_string(row.as_of) + '\n';
      if (chunk.size() >= (1 << 20)) {
        PQputCopyData(conn, chunk.data(), static_cast<int>(chunk.size()));
        chunk.clear();
      }
    }
    if (!chunk.empty()) PQputCopyData(conn, chunk.data(), static_cast<int>(chunk.size()));
    PQputCopyEnd(conn, nullptr);
    r = PQgetResult(conn);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) return Fail(PQerrorMessage(conn));
    PQclear(r);
    while ((r = PQgetResult(conn)) != nullptr) PQclear(r);
    if (!exec("COMMIT")) return Fail(PQerrorMessage(conn));
    done += in_tx;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("postgresql %.0f %lld %.1f\n", done / seconds, done, seconds);
  PQfinish(conn);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string sqlite, pg;
  long long rows = 1000000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--sqlite") == 0) sqlite = argv[i + 1];
    else if (std::strcmp(argv[i], "--pg") == 0) pg = argv[i + 1];
    else if (std::strcmp(argv[i], "--rows") == 0) rows = std::atoll(argv[i + 1]);
  }
  if (sqlite.empty() == pg.empty() || rows <= 0) {
    std::fprintf(stderr, "usage: bulk_ceiling (--sqlite FILE | --pg URL) [--rows N]\n");
    return 2;
  }
  return sqlite.empty() ? RunPostgres(pg, rows) : RunSqlite(sqlite, rows);
}
