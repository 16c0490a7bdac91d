// The PostgreSQL driver's own behaviour that needs no server: error mapping and templates.
// Everything that needs a server is in the contract suite (TONGBAN_TEST_PG_URL).
#include "storage/postgres/postgres_driver.h"

#include <gtest/gtest.h>

#include "storage/migrations.h"

namespace tongban::storage {
namespace {

TEST(PostgresDriverTest, MapsSqlStatesToErrorCodes) {
  const struct {
    const char* sqlstate;
    ErrorCode code;
    bool retry;
  } cases[] = {
      {"23505", ErrorCode::kConflict, false},         // unique_violation
      {"23503", ErrorCode::kNotFound, false},         // foreign_key_violation
      {"23502", ErrorCode::kInvalidArgument, false},  // not_null_violation
      {"23514", ErrorCode::kInvalidArgument, false},  // check_violation
      {"22021", ErrorCode::kInvalidArgument, false},  // character_not_in_repertoire
      {"40001", ErrorCode::kConflict, true},          // serialization_failure
      {"40P01", ErrorCode::kConflict, true},          // deadlock_detected
      {"08006", ErrorCode::kUnavailable, false},      // connection_failure
      {"53300", ErrorCode::kUnavailable, false},      // too_many_connections
      {"57014", ErrorCode::kUnavailable, false},      // query_canceled (statement timeout)
      {"55P03", ErrorCode::kUnavailable, false},      // lock_not_available (lock timeout)
      {"42P01", ErrorCode::kInternal, false},         // undefined_table: a defect
      {"25P02", ErrorCode::kInternal, false},         // in_failed_sql_transaction
      {"", ErrorCode::kInternal, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(PostgresDriver::CodeForSqlState(c.sqlstate), c.code) << c.sqlstate;
    EXPECT_EQ(PostgresDriver::IsSerializationFailure(c.sqlstate), c.retry) << c.sqlstate;
  }
}

TEST(PostgresDriverTest, FillsTheBlobTemplateAndWritesConcurrently) {
  const PostgresDriver driver("postgresql://unused@127.0.0.1:1/unused", DriverOptions{});
  const Result<std::string> sql = ExpandTemplates("CREATE TABLE b (data {{blob}} NOT NULL)", driver);
  ASSERT_TRUE(sql.ok());
  EXPECT_EQ(*sql, "CREATE TABLE b (data BYTEA NOT NULL)");
  EXPECT_FALSE(driver.SingleWriter());
  EXPECT_FALSE(driver.MigrationLockSql().empty());
}

}  // namespace
}  // namespace tongban::storage
