// Pilots (先行先试, issue 13 item 5) are catalogue data: `tongban catalogue check` refuses unknown
// districts, items and bundles, and a variant that breaks its item's rules, at their line.
#include <gtest/gtest.h>

#include <string>

#include "app/catalogue_loader.h"

namespace tongban::app {
namespace {

const std::string kPilots =
    "pilots:\n"                                            // 1
    "  - code: pudong-dibao\n"                             // 2
    "    name: {zh: 试点, en: Pilot}\n"                    // 3
    "    districts: [\"310115\"]\n"                        // 4
    "    item_variant:\n"                                  // 5
    "      item: civil.minimum-living-allowance\n"         // 6
    "      promised_limit_days: 10\n"                      // 7
    "      fully_online: true\n"                           // 8
    "      drop_materials: [income_proof]\n"               // 9
    "  - code: pudong-bundle\n"                            // 10
    "    name: {zh: 试点, en: Pilot}\n"                    // 11
    "    districts: [\"310115\"]\n"                        // 12
    "    bundle: close-a-business\n";                      // 13

class PilotReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto files = ReadCatalogueFiles(std::string(TONGBAN_SOURCE_DIR) + "/catalogue");
    ASSERT_TRUE(files.ok()) << files.error().message;
    files_ = *files;
  }
  // The problems of the demo catalogue with pilots.yaml `from` replaced by `to` ("" when it loads).
  std::string Problems(const std::string& from, const std::string& to) {
    std::string text = kPilots;
    if (!from.empty()) text.replace(text.find(from), from.size(), to);
    CatalogueFiles files = files_;
    files["pilots.yaml"] = text;
    auto loaded = LoadCatalogueFiles(files, "cat");
    return loaded.ok() ? std::string() : loaded.error().message;
  }
  CatalogueFiles files_;
};

TEST_F(PilotReaderTest, TheDemoPilotsLoad) {
  ASSERT_TRUE(files_.contains("pilots.yaml"));
  auto loaded = LoadCatalogueFiles(files_, "cat");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const domain::Catalogue& c = *loaded->catalogue;
  ASSERT_GE(c.pilots().size(), 2u);
  const domain::ServiceItem* variant = c.ItemFor("civil.minimum-living-allowance", "310115");
  const domain::ServiceItem* item = c.FindItem("civil.minimum-living-allowance");
  ASSERT_NE(variant, item);
  EXPECT_LT(variant->promised_limit_days, item->promised_limit_days);
  EXPECT_TRUE(variant->fully_online);
  EXPECT_EQ(c.ItemFor("civil.minimum-living-allowance", "310101"), item);
  EXPECT_TRUE(c.BundleOffered("close-a-business", "310115"));
  EXPECT_FALSE(c.BundleOffered("close-a-business", "310101"));
}

TEST_F(PilotReaderTest, ProblemsAreReportedAtTheirLine) {
  EXPECT_EQ(Problems("", ""), "");
  EXPECT_NE(Problems("[\"310115\"]", "[\"999999\"]").find("cat/pilots.yaml:4: unknown district '999999'"),
            std::string::npos)
      << Problems("[\"310115\"]", "[\"999999\"]");
  EXPECT_NE(Problems("item: civil.minimum-living-allowance", "item: civil.no-such-item")
                .find("cat/pilots.yaml:6: unknown item 'civil.no-such-item'"),
            std::string::npos);
  const std::string late = Problems("promised_limit_days: 10", "promised_limit_days: 31");
  EXPECT_NE(late.find("cat/pilots.yaml:7: promised_limit_days (31) is greater than the item's legal_limit_days (30)"),
            std::string::npos)
      << late;
  EXPECT_NE(Problems("[income_proof]", "[no_such_material]").find("cat/pilots.yaml:9: item "), std::string::npos);
  EXPECT_NE(Problems("bundle: close-a-business", "bundle: no-such-bundle").find("cat/pilots.yaml:13: unknown bundle"),
            std::string::npos);
  EXPECT_NE(Problems("    bundle: close-a-business\n", "").find("exactly one of item_variant, bundle and feature"),
            std::string::npos);
  EXPECT_NE(Problems("    districts: [\"310115\"]\n    bundle", "    bundle").find("city: true"), std::string::npos);
  EXPECT_NE(Problems("      fully_online: true\n", "      fully_online: true\n      channels: [window]\n")
                .find("a fully_online variant must offer the web channel"),
            std::string::npos);
}

}  // namespace
}  // namespace tongban::app
