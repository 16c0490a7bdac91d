// The raw ceiling for a pre-fill (docs/PERFORMANCE.md "Pre-fill", next to bench/prefill_bench.mjs):
// the reads a pre-fill of the newborn's household registration makes, on the same database file
// the server uses (a city `tongban demo generate` wrote), with no HTTP, JSON, services or access
// log around them. One form is one read transaction of five indexed lookups, as the store makes
// them (src/storage/sql_datasets.cc, sql_licences.cc):
//   dataset_records by (dataset, subject) for population, household registration and birth records;
//   licences by (holder, type), newest first, for the birth medical and the marriage certificates.
// Subjects are drawn at random from the population dataset (not in key order, as requests come).
// On PostgreSQL the same statements go through libpq, prepared once, in one read-only transaction
// per form. Prints "read_ceiling <forms per second> <p50 us> <p99 us> <forms>".
//
//   read_ceiling --db /tmp/city.db --seconds 10
//   read_ceiling --pg postgresql://.../city --seconds 10
//
// Single-threaded and read-only.
#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int Fail(sqlite3* db, const char* what) {
  std::fprintf(stderr, "read_ceiling: %s: %s\n", what, db != nullptr ? sqlite3_errmsg(db) : "");
  return 1;
}

// Steps `stmt` to its end with `subject` (and `type`, for a licence) bound; answers the rows seen.
int Run(sqlite3_stmt* stmt, const std::string& subject, const char* type) {
  sqlite3_reset(stmt);
  sqlite3_bind_text(stmt, 1, subject.data(), static_cast<int>(subject.size()), SQLITE_STATIC);
  if (type != nullptr) sqlite3_bind_text(stmt, 2, type, -1, SQLITE_STATIC);
  int rows = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    // Touch the text as the store does when it copies a row out.
    rows += sqlite3_column_bytes(stmt, 3) >= 0 ? 1 : 0;
  }
  return rows;
}

}  // namespace

// Times `form(subject)` (one form's reads; answers the rows found) for `seconds` over random
// subjects and prints the line; answers the process's exit status.
template <typename Form>
int Measure(const std::vector<std::string>& subjects, double seconds, Form form) {
  if (subjects.empty()) {
    std::fprintf(stderr, "read_ceiling: no population records (run tongban demo generate first)\n");
    return 1;
  }
  std::vector<double> micros;
  long long found = 0;
  std::mt19937_64 rng(2);
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  const auto t0 = Clock::now();
  while (Clock::now() < end) {
    const std::string& subject = subjects[rng() % subjects.size()];
    const auto start = Clock::now();
    found += form(subject);
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) { return micros[std::min(micros.size() - 1, static_cast<size_t>(micros.size() * q))]; };
  std::printf("read_ceiling %.0f %.1f %.1f %zu\n", micros.size() / elapsed, at(0.5), at(0.99), micros.size());
  if (found == 0) std::fprintf(stderr, "read_ceiling: no lookup found a row\n");
  return found == 0 ? 1 : 0;
}

// Parameters in order of appearance: SQLite numbers $N by first appearance, PostgreSQL by N.
constexpr const char* kRecordSql =
    "SELECT dataset, subject_id, record_id, fields_json, as_of FROM dataset_records WHERE subject_id = $1 AND dataset = $2";
constexpr const char* kLicenceSql =
    "SELECT id, type, holder_kind, holder_id, claims, credential FROM licences"
    " WHERE holder_kind = 'person' AND holder_id = $1 AND type = $2 ORDER BY id DESC LIMIT 1";
constexpr const char* kDatasets[] = {"population", "household_registration", "birth_record"};
constexpr const char* kLicenceTypes[] = {"birth_medical_certificate", "marriage_certificate"};
constexpr int kSample = 1000;

int RunSqlite(const std::string& path, double seconds) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return Fail(db, "open");
  // Subjects: a sample of the population, drawn by random key positions.
  std::vector<std::string> subjects;
  sqlite3_stmt* count = nullptr;
  sqlite3_stmt* nth = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM dataset_records WHERE dataset = 'population'", -1, &count,
                         nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "SELECT subject_id FROM dataset_records WHERE dataset = 'population' LIMIT 1 OFFSET ?",
                         -1, &nth, nullptr) != SQLITE_OK) {
    return Fail(db, "prepare sample");
  }
  sqlite3_step(count);
  const long long persons = sqlite3_column_int64(count, 0);
  std::mt19937_64 rng(1);
  for (int i = 0; persons > 0 && i < kSample; ++i) {
    sqlite3_reset(nth);
    sqlite3_bind_int64(nth, 1, static_cast<long long>(rng() % persons));
    if (sqlite3_step(nth) == SQLITE_ROW) subjects.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(nth, 0)));
  }
  sqlite3_finalize(count);
  sqlite3_finalize(nth);

  sqlite3_stmt* record = nullptr;
  sqlite3_stmt* licence = nullptr;
  sqlite3_stmt* begin = nullptr;
  sqlite3_stmt* commit = nullptr;
  if (sqlite3_prepare_v2(db, kRecordSql, -1, &record, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db, kLicenceSql, -1, &licence, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "BEGIN", -1, &begin, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "COMMIT", -1, &commit, nullptr) != SQLITE_OK) {
    return Fail(db, "prepare");
  }
  const int status = Measure(subjects, seconds, [&](const std::string& subject) {
    sqlite3_reset(begin);
    sqlite3_step(begin);
    int rows = 0;
    for (const char* dataset : kDatasets) rows += Run(record, subject, dataset);
    for (const char* type : kLicenceTypes) rows += Run(licence, subject, type);
    sqlite3_reset(commit);
    sqlite3_step(commit);
    return rows;
  });
  for (sqlite3_stmt* s : {record, licence, begin, commit}) sqlite3_finalize(s);
  sqlite3_close(db);
  return status;
}

// One statement on `pg`; answers its rows (-1 on an error, which is reported).
int PgRows(PGconn* pg, const char* name, const char* const* params, int n) {
  PGresult* r = name != nullptr ? PQexecPrepared(pg, name, n, params, nullptr, nullptr, 0) : PQexec(pg, params[0]);
  const ExecStatusType st = PQresultStatus(r);
  int rows = st == PGRES_TUPLES_OK ? PQntuples(r) : (st == PGRES_COMMAND_OK ? 0 : -1);
  if (rows < 0) std::fprintf(stderr, "read_ceiling: %s", PQerrorMessage(pg));
  PQclear(r);
  return rows;
}

int RunPg(const std::string& url, double seconds) {
  PGconn* pg = PQconnectdb(url.c_str());
  if (PQstatus(pg) != CONNECTION_OK) {
    std::fprintf(stderr, "read_ceiling: %s", PQerrorMessage(pg));
    return 1;
  }
  std::vector<std::string> subjects;
  PGresult* sample = PQexec(pg,
                            "SELECT subject_id FROM dataset_records TABLESAMPLE SYSTEM (1)"
                            " WHERE dataset = 'population' LIMIT 1000");
  for (int i = 0; PQresultStatus(sample) == PGRES_TUPLES_OK && i < PQntuples(sample); ++i) {
    subjects.emplace_back(PQgetvalue(sample, i, 0));
  }
  PQclear(sample);
  for (const auto& [name, sql] : {std::pair{"record", kRecordSql}, std::pair{"licence", kLicenceSql}}) {
    PGresult* r = PQprepare(pg, name, sql, 2, nullptr);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
      std::fprintf(stderr, "read_ceiling: prepare %s: %s", name, PQerrorMessage(pg));
      return 1;
    }
  }
  const int status = Measure(subjects, seconds, [&](const std::string& subject) {
    const char* begin[] = {"BEGIN READ ONLY"};
    const char* commit[] = {"COMMIT"};
    PgRows(pg, nullptr, begin, 0);
    int rows = 0;
    for (const char* dataset : kDatasets) {
      const char* params[] = {subject.c_str(), dataset};
      rows += std::max(0, PgRows(pg, "record", params, 2));
    }
    for (const char* type : kLicenceTypes) {
      const char* params[] = {subject.c_str(), type};
      rows += std::max(0, PgRows(pg, "licence", params, 2));
    }
    PgRows(pg, nullptr, commit, 0);
    return rows;
  });
  PQfinish(pg);
  return status;
}

int main(int argc, char** argv) {
  std::string path, url;
  double seconds = 10;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
      path = argv[++i];
    } else if (std::strcmp(argv[i], "--pg") == 0 && i + 1 < argc) {
      url = argv[++i];
    } else if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else {
      path.clear();
      url.clear();
      break;
    }
  }
  if ((path.empty() == url.empty()) || seconds <= 0) {
    std::fprintf(stderr, "usage: %s (--db FILE | --pg URL) [--seconds S]\n", argv[0]);
    return 2;
  }
  return url.empty() ? RunSqlite(path, seconds) : RunPg(url, seconds);
}
