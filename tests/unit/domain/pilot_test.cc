// Pilots (先行先试, issue 13 item 5): the one rule that gives each district its variant of an item,
// its bundles and its features, and keeps an application's variant after promotion or the end.
#include <gtest/gtest.h>

#include <string>

#include "domain/catalogue.h"

namespace tongban::domain {
namespace {

constexpr char kPudong[] = "310115";
constexpr char kHuangpu[] = "310101";

ServiceItem Dibao() {
  ServiceItem item;
  item.code = "civil.minimum-living-allowance";
  item.department = "civil";
  item.name = {"最低生活保障申请", "Minimum living allowance"};
  item.legal_limit_days = 30;
  item.promised_limit_days = 20;
  item.fully_online = false;
  item.channels = {Channel::kWeb, Channel::kWindow};
  item.materials = {{"household_members", {"家庭成员", "Household"}, MaterialSource::kSharedData, true, "population"},
                    {"income_proof", {"收入证明", "Income proof"}, MaterialSource::kUpload, true, ""}};
  return item;
}

Pilot VariantPilot(bool city = false) {
  Pilot p;
  p.code = "pudong-low-income-online";
  p.name = {"试点", "Pilot"};
  p.districts = {kPudong};
  p.city = city;
  ItemVariant v;
  v.item = "civil.minimum-living-allowance";
  v.promised_limit_days = 10;
  v.fully_online = true;
  v.dropped_materials = {"income_proof"};
  p.item_variant = v;
  return p;
}

CatalogueData Data() {
  CatalogueData d;
  d.departments = {{"civil", {"民政局", "Civil Affairs"}}};
  d.districts = {{kPudong, {"浦东新区", "Pudong New Area"}}, {kHuangpu, {"黄浦区", "Huangpu District"}}};
  ServiceItem other = Dibao();
  other.code = "civil.elderly-allowance";
  d.items = {Dibao(), other};
  d.bundles = {{"close-a-business", {"企业注销", "Close a business"}, {}, {"civil.minimum-living-allowance", "civil.elderly-allowance"}}};
  Pilot bundle;
  bundle.code = "pudong-close-a-business";
  bundle.districts = {kPudong};
  bundle.bundle = "close-a-business";
  Pilot feature;
  feature.code = "pudong-feature";
  feature.districts = {kPudong};
  feature.feature = "item-page.video-guide";
  d.pilots = {VariantPilot(), bundle, feature};
  return d;
}

TEST(PilotTest, AVariantIsSeenOnlyInItsDistrictUntilPromoted) {
  auto built = Catalogue::Build(Data());
  ASSERT_TRUE(built.ok()) << built.error().message;
  const Catalogue& c = **built;
  EXPECT_TRUE(c.HasDistrictPilots());

  const ServiceItem* pudong = c.ItemFor("civil.minimum-living-allowance", kPudong);
  ASSERT_NE(pudong, nullptr);
  EXPECT_EQ(pudong->promised_limit_days, 10);
  EXPECT_TRUE(pudong->fully_online);
  EXPECT_EQ(pudong->legal_limit_days, 30);
  ASSERT_EQ(pudong->materials.size(), 1u);
  EXPECT_EQ(pudong->materials[0].code, "household_members");
  ASSERT_NE(c.VariantPilot("civil.minimum-living-allowance", kPudong), nullptr);
  EXPECT_EQ(c.VariantPilot("civil.minimum-living-allowance", kPudong)->code, "pudong-low-income-online");

  for (const char* elsewhere : {kHuangpu, ""}) {
    const ServiceItem* item = c.ItemFor("civil.minimum-living-allowance", elsewhere);
    ASSERT_NE(item, nullptr);
    EXPECT_EQ(item, c.FindItem("civil.minimum-living-allowance")) << elsewhere;
    EXPECT_EQ(item->promised_limit_days, 20);
    EXPECT_EQ(item->materials.size(), 2u);
    EXPECT_EQ(c.VariantPilot("civil.minimum-living-allowance", elsewhere), nullptr);
  }
  // Another item is not touched, anywhere.
  EXPECT_EQ(c.ItemFor("civil.elderly-allowance", kPudong), c.FindItem("civil.elderly-allowance"));
  EXPECT_EQ(c.ItemFor("no.such-item", kPudong), nullptr);

  // Bundles and features of a pilot: only in its district.
  EXPECT_TRUE(c.BundleOffered("close-a-business", kPudong));
  EXPECT_FALSE(c.BundleOffered("close-a-business", kHuangpu));
  EXPECT_FALSE(c.BundleOffered("close-a-business", ""));
  EXPECT_TRUE(c.BundleOffered("some-other-bundle", kHuangpu));
  EXPECT_TRUE(c.FeatureEnabled("item-page.video-guide", kPudong));
  EXPECT_FALSE(c.FeatureEnabled("item-page.video-guide", kHuangpu));
  EXPECT_FALSE(c.FeatureEnabled("no-such-feature", kPudong));

  // Promoted: everyone, with or without a known district, gets the variant.
  CatalogueData promoted = Data();
  promoted.pilots[0].city = true;
  promoted.pilots[1].city = true;
  auto p = Catalogue::Build(std::move(promoted));
  ASSERT_TRUE(p.ok()) << p.error().message;
  for (const char* anywhere : {kPudong, kHuangpu, ""}) {
    EXPECT_EQ((*p)->ItemFor("civil.minimum-living-allowance", anywhere)->promised_limit_days, 10) << anywhere;
    EXPECT_TRUE((*p)->BundleOffered("close-a-business", anywhere)) << anywhere;
  }
}

TEST(PilotTest, AnApplicationKeepsTheVariantItWasCreatedWith) {
  // Ended: offered to nobody, but a case created under it keeps its variant.
  CatalogueData d = Data();
  d.pilots[0].ended = true;
  auto built = Catalogue::Build(std::move(d));
  ASSERT_TRUE(built.ok()) << built.error().message;
  const Catalogue& c = **built;
  EXPECT_EQ(c.ItemFor("civil.minimum-living-allowance", kPudong)->promised_limit_days, 20);
  EXPECT_EQ(c.ItemUnder("civil.minimum-living-allowance", "pudong-low-income-online")->promised_limit_days, 10);
  EXPECT_EQ(c.ItemUnder("civil.minimum-living-allowance", "")->promised_limit_days, 20);
  // A pilot that names another item (or none) does not change this one.
  EXPECT_EQ(c.ItemUnder("civil.elderly-allowance", "pudong-low-income-online"), c.FindItem("civil.elderly-allowance"));
  EXPECT_EQ(c.ItemUnder("civil.minimum-living-allowance", "pudong-close-a-business")->promised_limit_days, 20);
}

TEST(PilotTest, BuildRefusesUnknownCodesAndAVariantBeyondTheLegalLimit) {
  CatalogueData d = Data();
  d.pilots[0].districts = {"999999"};
  d.pilots[0].item_variant->promised_limit_days = 31;
  d.pilots[1].bundle = "no-such-bundle";
  auto built = Catalogue::Build(std::move(d));
  ASSERT_FALSE(built.ok());
  const std::string& m = built.error().message;
  EXPECT_NE(m.find("unknown district '999999'"), std::string::npos) << m;
  EXPECT_NE(m.find("greater than the item's legal_limit_days (30)"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown bundle 'no-such-bundle'"), std::string::npos) << m;

  CatalogueData none = Data();
  none.pilots[2].feature.clear();
  auto nothing = Catalogue::Build(std::move(none));
  ASSERT_FALSE(nothing.ok());
  EXPECT_NE(nothing.error().message.find("exactly one of item_variant, bundle and feature"), std::string::npos);
}

}  // namespace
}  // namespace tongban::domain
