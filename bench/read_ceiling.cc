// The raw ceiling for a pre-fill (docs/PERFORMANCE.md "Pre-fill", next to bench/prefill_bench.mjs):
// the reads a pre-fill of the newborn's household registration makes, on the same database file
// the server uses (a city `tongban demo generate` wrote), with no HTTP, JSON, services or access
// log around them. One form is one read transaction of five indexed lookups, as the store makes
// them (src/storage/sql_datasets.cc, sql_licences.cc):
//   dataset_records by (dataset, subject) for population, household registration and birth records;
//   licences by (holder, type), newest first, for the birth medical and the marriage certificates.
// Subjects are drawn at random from the population dataset (not in key order, as requests come).
// Prints "read_ceiling <forms per second> <p50 us> <p99 us> <forms>".
//
//   read_ceiling --db /tmp/city.db --seconds 10
//
// Single-threaded and read-only.
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

int main(int argc, char** argv) {
  std::string path;
  double seconds = 10;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
      path = argv[++i];
    } else if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s --db FILE [--seconds S]\n", argv[0]);
      return 2;
    }
  }
  if (path.empty() || seconds <= 0) {
    std::fprintf(stderr, "usage: %s --db FILE [--seconds S]\n", argv[0]);
    return 2;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return Fail(db, "open");

  // Subjects: a sample of the population, drawn by random key positions.
  std::vector<std::string> subjects;
  {
    sqlite3_stmt* count = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM dataset_records WHERE dataset = 'population'", -1, &count,
                           nullptr) != SQLITE_OK) {
      return Fail(db, "prepare count");
    }
    sqlite3_step(count);
    const long long persons = sqlite3_column_int64(count, 0);
    sqlite3_finalize(count);
    if (persons == 0) return Fail(db, "no population records (run tongban demo generate first)");
    sqlite3_stmt* nth = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT subject_id FROM dataset_records WHERE dataset = 'population' LIMIT 1 OFFSET ?",
                           -1, &nth, nullptr) != SQLITE_OK) {
      return Fail(db, "prepare sample");
    }
    std::mt19937_64 rng(1);
    for (int i = 0; i < 1000; ++i) {
      sqlite3_reset(nth);
      sqlite3_bind_int64(nth, 1, static_cast<long long>(rng() % persons));
      if (sqlite3_step(nth) == SQLITE_ROW) subjects.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(nth, 0)));
    }
    sqlite3_finalize(nth);
  }

  sqlite3_stmt* record = nullptr;
  sqlite3_stmt* licence = nullptr;
  sqlite3_stmt* begin = nullptr;
  sqlite3_stmt* commit = nullptr;
  if (sqlite3_prepare_v2(db,
                         "SELECT dataset, subject_id, record_id, fields_json, as_of FROM dataset_records"
                         " WHERE dataset = ?2 AND subject_id = ?1",
                         -1, &record, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db,
                         "SELECT id, type, holder_kind, holder_id, claims, credential FROM licences"
                         " WHERE holder_kind = 'person' AND holder_id = ?1 AND type = ?2 ORDER BY id DESC LIMIT 1",
                         -1, &licence, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "BEGIN", -1, &begin, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "COMMIT", -1, &commit, nullptr) != SQLITE_OK) {
    return Fail(db, "prepare");
  }

  std::vector<double> micros;
  long long found = 0;
  std::mt19937_64 rng(2);
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  const auto t0 = Clock::now();
  while (Clock::now() < end) {
    const std::string& subject = subjects[rng() % subjects.size()];
    const auto start = Clock::now();
    sqlite3_reset(begin);
    sqlite3_step(begin);
    for (const char* dataset : {"population", "household_registration", "birth_record"}) found += Run(record, subject, dataset);
    for (const char* type : {"birth_medical_certificate", "marriage_certificate"}) found += Run(licence, subject, type);
    sqlite3_reset(commit);
    sqlite3_step(commit);
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) { return micros[std::min(micros.size() - 1, static_cast<size_t>(micros.size() * q))]; };
  std::printf("read_ceiling %.0f %.1f %.1f %zu\n", micros.size() / elapsed, at(0.5), at(0.99), micros.size());
  if (found == 0) std::fprintf(stderr, "read_ceiling: no lookup found a row\n");
  for (sqlite3_stmt* s : {record, licence, begin, commit}) sqlite3_finalize(s);
  sqlite3_close(db);
  return found == 0 ? 1 : 0;
}
