// The SQLite driver's own behaviour, and how database URLs are told apart.
#include "storage/sqlite/sqlite_driver.h"

#include <gtest/gtest.h>

#include "storage/driver.h"
#include "storage/migrations.h"
#include "storage/sql_store.h"

namespace tongban::storage {
namespace {

TEST(SqliteDriverTest, RewritesCanonicalPlaceholders) {
  const struct {
    const char* canonical;
    const char* sqlite;
  } cases[] = {
      {"SELECT a FROM t WHERE id = $1", "SELECT a FROM t WHERE id = ?1"},
      {"VALUES ($1, $2, $10, $1)", "VALUES (?1, ?2, ?10, ?1)"},
      {"SELECT '$1', \"$2\" FROM t WHERE x = $3", "SELECT '$1', \"$2\" FROM t WHERE x = ?3"},
      {"SELECT 'it''s $1' WHERE y = $2", "SELECT 'it''s $1' WHERE y = ?2"},
      {"SELECT $ FROM t", "SELECT $ FROM t"},
  };
  for (const auto& c : cases) EXPECT_EQ(SqliteDriver::RewritePlaceholders(c.canonical), c.sqlite) << c.canonical;
}

TEST(SqliteDriverTest, FillsTheBlobTemplate) {
  const SqliteDriver driver("unused.db", DriverOptions{});
  const Result<std::string> sql = ExpandTemplates("CREATE TABLE b (data {{blob}} NOT NULL)", driver);
  ASSERT_TRUE(sql.ok());
  EXPECT_EQ(*sql, "CREATE TABLE b (data BLOB NOT NULL)");
  EXPECT_EQ(ExpandTemplates("x {{json}}", driver).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ExpandTemplates("x {{blob", driver).error().code, ErrorCode::kInvalidArgument);
}

TEST(OpenStoreTest, TellsDatabaseUrlsApart) {
  const struct {
    const char* url;
    ErrorCode code;
  } cases[] = {
      {"mysql://localhost/tongban", ErrorCode::kInvalidArgument},
      {"var/tongban.db", ErrorCode::kInvalidArgument},
      {"sqlite:", ErrorCode::kInvalidArgument},
      {"sqlite::memory:", ErrorCode::kInvalidArgument},
      {"postgresql://tongban@127.0.0.1:1/tongban", ErrorCode::kUnavailable},  // nothing listens there
      {"postgres://tongban@127.0.0.1:1/tongban", ErrorCode::kUnavailable},
  };
  for (const auto& c : cases) {
    const Result<std::unique_ptr<ports::Store>> store = OpenStore(c.url);
    ASSERT_FALSE(store.ok()) << c.url;
    EXPECT_EQ(store.error().code, c.code) << c.url << ": " << store.error().message;
    EXPECT_FALSE(store.error().message.empty());
  }
  EXPECT_NE(OpenStore("mysql://x").error().message.find("mysql"), std::string::npos);
}

TEST(MigrationsTest, BuiltinMigrationsAreNumberedFromOne) {
  const Result<std::vector<Migration>> migrations = BuiltinMigrations();
  ASSERT_TRUE(migrations.ok()) << migrations.error().message;
  ASSERT_FALSE(migrations->empty());
  EXPECT_EQ(migrations->front().version, 1);
  EXPECT_EQ(migrations->front().name, "init");
  EXPECT_NE(migrations->front().sql.find("CREATE TABLE applications"), std::string::npos);
  EXPECT_EQ(migrations->front().sql.find("AUTOINCREMENT"), std::string::npos);
}

}  // namespace
}  // namespace tongban::storage
