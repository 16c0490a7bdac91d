// Catalogue versions: the storage contract on every database.
#include "store_contract.h"

namespace tongban::storage {
namespace {

// ---- catalogue versions ----

TEST_P(StoreContractTest, CatalogueVersionsAreNumberedAndKeptWithWhoAndWhy) {
  EXPECT_EQ(*ReadValue<int64_t>([](ports::Transaction& tx) { return tx.catalogue().LatestCatalogueVersion(); }), 0);
  const std::string files = R"({"departments.yaml":"departments: []\n","items/a.yaml":"中文 text"})";
  const ports::CatalogueVersion v1{1, Timestamp{std::chrono::seconds{1790000000}}, "cli", "first", files, "abc"};
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.catalogue().InsertCatalogueVersion(v1); }));
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.catalogue().InsertCatalogueVersion(v1); }), ErrorCode::kConflict);
  ports::CatalogueVersion v2 = v1;
  v2.version = 2;
  v2.reason = "second";
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.catalogue().InsertCatalogueVersion(v2); }));
  EXPECT_EQ(*ReadValue<int64_t>([](ports::Transaction& tx) { return tx.catalogue().LatestCatalogueVersion(); }), 2);
  const auto got = ReadValue<ports::CatalogueVersion>([](ports::Transaction& tx) { return tx.catalogue().GetCatalogueVersion(1); });
  ASSERT_OK(got);
  EXPECT_EQ(got->files_json, files);
  EXPECT_EQ(got->reason, "first");
  EXPECT_EQ(got->published_by, "cli");
  EXPECT_EQ(got->published_at, v1.published_at);
  EXPECT_EQ(got->sha256, "abc");
  EXPECT_CODE(ReadValue<ports::CatalogueVersion>([](ports::Transaction& tx) { return tx.catalogue().GetCatalogueVersion(3); }),
              ErrorCode::kNotFound);
}

}  // namespace
}  // namespace tongban::storage
