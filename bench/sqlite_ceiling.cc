// The raw SQLite ceiling for durable submissions (docs/PERFORMANCE.md): how many "submissions"
// SQLite itself can make durable on this disk, with no HTTP, JSON or services around it. A
// submission is what POST /api/v1/applications writes: the day's reference counter incremented,
// one row shaped like an application (ids, integers, a ~600-byte JSON text column, its reference
// number and applicant's name) and one event row, into tables with the same columns and indexes as
// the migrations give them (V001, V007, V008: keep this schema in step when a migration adds an
// index to applications or events). The database is in WAL mode with synchronous=FULL, as the
// server opens it.
//
// Two shapes are measured, each for --seconds on a fresh file:
//   per_transaction  one transaction per submission (one WAL fsync each), what the server does;
//   batch_64         64 submissions per transaction (the group-commit shape).
// Prints one line per shape: "<shape> <submissions per second> <submissions> <seconds>".
//
//   sqlite_ceiling --dir /tmp/x --seconds 10
//
// Single-threaded; it owns its files and removes them at the end.
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

namespace {

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
PRAGMA foreign_keys=ON;
CREATE TABLE applications (
  id TEXT PRIMARY KEY, item TEXT NOT NULL, department TEXT NOT NULL, applicant_user_id TEXT NOT NULL,
  person_id TEXT, enterprise TEXT, channel TEXT NOT NULL, centre TEXT, state TEXT NOT NULL,
  fields TEXT NOT NULL, materials TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
  submitted_at BIGINT, deadline TEXT, version BIGINT NOT NULL, catalogue_version BIGINT NOT NULL DEFAULT 0,
  reference TEXT, applicant_name TEXT, assignee_user_id TEXT);
CREATE INDEX applications_applicant ON applications (applicant_user_id, id);
CREATE INDEX applications_person ON applications (person_id, id);
CREATE INDEX applications_enterprise ON applications (enterprise, id);
CREATE INDEX applications_department_state ON applications (department, state, id);
CREATE INDEX applications_department ON applications (department, id);
CREATE INDEX applications_centre ON applications (centre, id);
CREATE UNIQUE INDEX applications_reference ON applications (reference);
CREATE INDEX applications_department_deadline ON applications (department, deadline, id);
CREATE INDEX applications_department_state_deadline ON applications (department, state, deadline, id);
CREATE INDEX applications_centre_deadline ON applications (centre, deadline, id);
CREATE INDEX applications_assignee_deadline ON applications (assignee_user_id, deadline, id);
CREATE INDEX applications_department_name ON applications (department, applicant_name, id);
CREATE INDEX applications_centre_name ON applications (centre, applicant_name, id);
CREATE TABLE reference_counters (day TEXT PRIMARY KEY, last BIGINT NOT NULL);
CREATE TABLE events (
  id TEXT PRIMARY KEY, application_id TEXT NOT NULL REFERENCES applications (id), seq BIGINT NOT NULL,
  action TEXT NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL, actor_user_id TEXT NOT NULL,
  actor_role TEXT NOT NULL, channel TEXT NOT NULL, at BIGINT NOT NULL, reason TEXT NOT NULL,
  UNIQUE (application_id, seq));
)sql";

constexpr const char* kInsertApplication =
    "INSERT INTO applications (id, item, department, applicant_user_id, person_id, enterprise, channel, centre, "
    "state, fields, materials, created_at, updated_at, submitted_at, deadline, version, catalogue_version, "
    "reference, applicant_name) "
    "VALUES (?1, 'hrss.social-security-card', 'hrss', ?2, ?3, NULL, 'web', NULL, 'submitted', ?4, ?5, ?6, ?6, ?6, "
    "'2026-12-08', 1, 1, ?7, '张伟')";
constexpr const char* kNextReference =
    "INSERT INTO reference_counters (day, last) VALUES ('2026-11-29', 1)"
    " ON CONFLICT (day) DO UPDATE SET last = reference_counters.last + 1 RETURNING last";
constexpr const char* kInsertEvent =
    "INSERT INTO events (id, application_id, seq, action, from_state, to_state, actor_user_id, actor_role, channel, "
    "at, reason) VALUES (?1, ?2, 1, 'submit', 'draft', 'submitted', ?3, 'citizen', 'web', ?4, '')";

[[noreturn]] void Die(sqlite3* db, const char* what) {
  std::fprintf(stderr, "sqlite_ceiling: %s: %s\n", what, db ? sqlite3_errmsg(db) : "out of memory");
  std::exit(1);
}

void Exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite_ceiling: %s\n", message ? message : "exec failed");
    std::exit(1);
  }
}

// 26 Crockford base-32 characters: 48 bits of milliseconds, 80 random bits (a ULID).
std::string Ulid(std::mt19937_64& rng) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const auto ms = static_cast<unsigned long long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  std::string id(26, '0');
  for (int i = 9; i >= 0; --i) id[static_cast<size_t>(9 - i)] = kAlphabet[(ms >> (5 * i)) & 31];
  unsigned long long r1 = rng(), r2 = rng();
  for (size_t i = 10; i < 26; ++i) {
    id[i] = kAlphabet[r1 & 31];
    r1 = (r1 >> 5) | (r2 << 59);
    r2 >>= 5;
  }
  return id;
}

// The fields JSON of a submission, padded to about 600 bytes like a real form with a few values.
std::string FieldsJson(std::mt19937_64& rng) {
  std::string json = R"({"applicant_name":"张伟","applicant_id_number":"11010519491231002X",)"
                     R"("delivery_address":"上海市浦东新区世纪大道100号)";
  json += std::to_string(rng() % 10000);
  json += R"(室","contact_phone":"13800138000","note":")";
  while (json.size() < 598) json += "说明";
  json += "\"}";
  return json;
}

struct Run {
  long long submissions = 0;
  double seconds = 0;
};

Run Measure(const std::filesystem::path& file, int batch, double seconds) {
  std::filesystem::remove(file);
  sqlite3* db = nullptr;
  if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) Die(db, "open");
  Exec(db, kSchema);
  sqlite3_stmt* app = nullptr;
  sqlite3_stmt* event = nullptr;
  if (sqlite3_prepare_v2(db, kInsertApplication, -1, &app, nullptr) != SQLITE_OK) Die(db, "prepare application");
  if (sqlite3_prepare_v2(db, kInsertEvent, -1, &event, nullptr) != SQLITE_OK) Die(db, "prepare event");
  sqlite3_stmt* counter = nullptr;
  if (sqlite3_prepare_v2(db, kNextReference, -1, &counter, nullptr) != SQLITE_OK) Die(db, "prepare counter");
  sqlite3_stmt* begin = nullptr;
  sqlite3_stmt* commit = nullptr;
  if (sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, nullptr) != SQLITE_OK) Die(db, "prepare begin");
  if (sqlite3_prepare_v2(db, "COMMIT", -1, &commit, nullptr) != SQLITE_OK) Die(db, "prepare commit");

  std::mt19937_64 rng(42);
  const std::string materials = "[]";
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  Run run;
  while (Clock::now() < end) {
    if (sqlite3_step(begin) != SQLITE_DONE) Die(db, "begin");
    sqlite3_reset(begin);
    for (int i = 0; i < batch; ++i) {
      const std::string id = Ulid(rng);
      char user[16];
      std::snprintf(user, sizeof user, "U%08llu", static_cast<unsigned long long>(rng() % 25000000));
      const std::string person = std::to_string(110105194900000000ULL + rng() % 99999999ULL);
      const std::string fields = FieldsJson(rng);
      const long long now = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count();
      if (sqlite3_step(counter) != SQLITE_ROW) Die(db, "reference counter");
      const std::string reference = "SH-2026-1129-" + std::to_string(sqlite3_column_int64(counter, 0));
      sqlite3_reset(counter);
      sqlite3_bind_text(app, 1, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(app, 2, user, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(app, 3, person.data(), static_cast<int>(person.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(app, 4, fields.data(), static_cast<int>(fields.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(app, 5, materials.data(), static_cast<int>(materials.size()), SQLITE_STATIC);
      sqlite3_bind_int64(app, 6, now);
      sqlite3_bind_text(app, 7, reference.data(), static_cast<int>(reference.size()), SQLITE_TRANSIENT);
      if (sqlite3_step(app) != SQLITE_DONE) Die(db, "insert application");
      sqlite3_reset(app);
      const std::string event_id = Ulid(rng);
      sqlite3_bind_text(event, 1, event_id.data(), static_cast<int>(event_id.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(event, 2, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(event, 3, user, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(event, 4, now);
      if (sqlite3_step(event) != SQLITE_DONE) Die(db, "insert event");
      sqlite3_reset(event);
    }
    if (sqlite3_step(commit) != SQLITE_DONE) Die(db, "commit");
    sqlite3_reset(commit);
    run.submissions += batch;
  }
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (sqlite3_stmt* s : {app, event, counter, begin, commit}) sqlite3_finalize(s);
  sqlite3_close(db);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path dir = std::filesystem::temp_directory_path();
  double seconds = 10;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s [--dir DIR] [--seconds S]\n", argv[0]);
      return 2;
    }
  }
  if (seconds <= 0) {
    std::fprintf(stderr, "sqlite_ceiling: --seconds must be positive\n");
    return 2;
  }
  const auto file = dir / "sqlite_ceiling.db";
  for (const auto& [shape, batch] : {std::pair{"per_transaction", 1}, std::pair{"batch_64", 64}}) {
    const Run run = Measure(file, batch, seconds);
    std::printf("%s %.0f %lld %.1f\n", shape, static_cast<double>(run.submissions) / run.seconds, run.submissions,
                run.seconds);
    std::fflush(stdout);
  }
  return 0;
}
