// The databases a test can run on: SQLite always, PostgreSQL when TONGBAN_TEST_PG_URL names a
// cluster (scripts/pg-test-cluster.sh starts one). Each test gets a fresh, empty database.
// Shared by the storage contract suite and the service tests that run on every database.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>

#include "common/result.h"
#include "storage/driver.h"

namespace tongban::storage::testing {

// A database the contract suite runs on. NewUrl gives a fresh, empty database for one test;
// Cleanup removes what NewUrl made. group_commit: the store funnels writes through one writer
// thread (SQLite), so its batching can be observed.
struct StoreTarget {
  std::string name;
  std::function<std::string()> new_url;
  std::function<void(const std::string& url)> cleanup;
  bool group_commit = false;
};

inline std::string NewSqliteUrl() {
  static std::atomic<int> counter{0};
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "tongban-storage-tests";
  std::filesystem::create_directories(dir);
  const auto path = dir / ("store-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return "sqlite:" + path.string();
}

inline void RemoveSqlite(const std::string& url) {
  const std::string path = url.substr(std::string("sqlite:").size());
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ignored);
}

// The cluster the PostgreSQL instances run on (scripts/pg-test-cluster.sh prints it), or empty.
inline std::string PostgresAdminUrl() {
  const char* url = std::getenv("TONGBAN_TEST_PG_URL");
  return url != nullptr ? url : "";
}

// `url` with its database name replaced: postgresql://u@h:p/postgres?x -> postgresql://u@h:p/DB?x.
inline std::string WithDatabase(const std::string& url, const std::string& database) {
  const size_t authority = url.find("://");
  const size_t query = url.find('?');
  const size_t slash = url.find('/', authority == std::string::npos ? 0 : authority + 3);
  const size_t path_end = query == std::string::npos ? url.size() : query;
  const std::string rest = query == std::string::npos ? "" : url.substr(query);
  if (slash == std::string::npos || slash > path_end) return url.substr(0, path_end) + "/" + database + rest;
  return url.substr(0, slash + 1) + database + rest;
}

inline std::string DatabaseOf(const std::string& url) {
  const size_t query = url.find('?');
  const std::string path = url.substr(0, query);
  return path.substr(path.rfind('/') + 1);
}

// Runs `sql` on the admin database (CREATE/DROP DATABASE cannot run inside a transaction; a
// connection's Exec runs outside one).
inline Status PostgresAdmin(const std::string& sql) {
  TB_ASSIGN_OR_RETURN(std::unique_ptr<Driver> driver, MakeDriver(PostgresAdminUrl(), DriverOptions{}));
  TB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection, driver->OpenWriter());
  return connection->Exec(sql);
}

inline std::string NewPostgresUrl() {
  static std::atomic<int> counter{0};
  static const uint64_t salt = std::random_device{}();
  const std::string name =
      "t_" + std::to_string(::getpid()) + "_" + std::to_string(salt % 1000000) + "_" + std::to_string(counter++);
  const Status created = PostgresAdmin("CREATE DATABASE " + name);
  if (!created.ok()) ADD_FAILURE() << "CREATE DATABASE " << name << ": " << created.error().message;
  return WithDatabase(PostgresAdminUrl(), name);
}

inline void DropPostgres(const std::string& url) {
  // FORCE: a connection a failed test left open must not keep the database alive.
  const Status dropped = PostgresAdmin("DROP DATABASE IF EXISTS " + DatabaseOf(url) + " WITH (FORCE)");
  if (!dropped.ok()) ADD_FAILURE() << "DROP DATABASE " << DatabaseOf(url) << ": " << dropped.error().message;
}

inline StoreTarget SqliteTarget() { return StoreTarget{"sqlite", NewSqliteUrl, RemoveSqlite, /*group_commit=*/true}; }

// Every database this build can test: SQLite always, PostgreSQL when TONGBAN_TEST_PG_URL names a
// cluster (each test then gets its own database in it). The whole suite runs on each unchanged.
inline std::vector<StoreTarget> StoreTargets() {
  std::vector<StoreTarget> targets = {SqliteTarget()};
  if (!PostgresAdminUrl().empty()) {
    targets.push_back(StoreTarget{"postgres", NewPostgresUrl, DropPostgres, /*group_commit=*/false});
  }
  return targets;
}

// Names the parameter in test output instead of dumping its bytes.
inline void PrintTo(const StoreTarget& target, std::ostream* out) { *out << target.name; }

}  // namespace tongban::storage::testing
