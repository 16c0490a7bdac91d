#include "domain/catalogue.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tongban::domain {
namespace {

ServiceItem Item(std::string code, std::string department, LocalText name, LocalText description,
                 ApplicantKind applicant = ApplicantKind::kPerson, std::vector<std::string> keywords = {}) {
  ServiceItem item;
  item.code = std::move(code);
  item.department = std::move(department);
  item.name = std::move(name);
  item.description = std::move(description);
  item.applicant = applicant;
  item.keywords = std::move(keywords);
  item.channels = {Channel::kWeb};
  return item;
}

CatalogueData SampleData() {
  CatalogueData d;
  d.departments = {{"market", {"市场监督管理局", "Administration for Market Regulation"}},
                   {"police", {"公安局", "Public Security Bureau"}},
                   {"housing", {"住房和城乡建设管理委员会", "Housing Commission"}}};
  d.districts = {{"310115", {"浦东新区", "Pudong New Area"}}, {"310151", {"崇明区", "Chongming District"}},
                 {"310101", {"黄浦区", "Huangpu District"}}};
  d.centres = {{"pudong-centre", {"浦东新区市民中心", "Pudong Citizens' Centre"}, "310115", CentreLevel::kDistrict, {}},
               {"chongming-community", {"社区中心", "Community centre"}, "310151", CentreLevel::kCommunity, {}}};
  d.items = {
      Item("market.business-licence", "market", {"企业设立登记（营业执照）", "Business licence (establishment)"},
           {"新设立企业", "Registers a new company"}, ApplicantKind::kEnterprise, {"开公司"}),
      Item("market.individual-business", "market", {"个体工商户登记", "Individual business registration"},
           {"领取营业执照", "Receive a business licence as a sole trader"}, ApplicantKind::kPerson),
      Item("market.food-business-permit", "market", {"食品经营许可", "Food business permit"},
           {"餐饮服务", "Catering and food retail"}, ApplicantKind::kEnterprise, {"restaurant"}),
      Item("police.residence-permit", "police", {"居住证申领", "Residence permit"},
           {"在本市居住半年以上", "For people living in the city"}, ApplicantKind::kPerson),
      Item("housing.provident-fund-withdrawal", "housing", {"住房公积金提取", "Housing provident fund withdrawal"},
           {"租房提取", "Withdraw savings to pay rent"}, ApplicantKind::kPerson, {"公积金"}),
  };
  d.bundles = {{"start", {"开办", "Start"}, {}, {"market.business-licence", "market.food-business-permit"},
                BundleRouting::kSequential, {}, "catering"}};
  return d;
}

std::shared_ptr<const Catalogue> Sample() {
  auto built = Catalogue::Build(SampleData());
  EXPECT_TRUE(built.ok()) << built.error().message;
  return built.ok() ? built.value() : nullptr;
}

std::vector<std::string> Codes(const std::vector<const ServiceItem*>& items) {
  std::vector<std::string> codes;
  for (const ServiceItem* i : items) codes.push_back(i->code);
  return codes;
}

using CodeList = std::vector<std::string>;

TEST(CatalogueTest, FindsByCode) {
  auto c = Sample();
  ASSERT_NE(c, nullptr);
  ASSERT_NE(c->FindItem("police.residence-permit"), nullptr);
  EXPECT_EQ(c->FindItem("police.residence-permit")->name.en, "Residence permit");
  EXPECT_EQ(c->FindItem("police.nope"), nullptr);
  EXPECT_NE(c->FindBundle("start"), nullptr);
  EXPECT_NE(c->FindDepartment("housing"), nullptr);
  EXPECT_NE(c->FindDistrict("310115"), nullptr);
  EXPECT_NE(c->FindCentre("chongming-community"), nullptr);
  EXPECT_EQ(c->FindDistrict("310000"), nullptr);
}

TEST(CatalogueTest, SearchChineseMatchesWithoutSpaces) {
  auto c = Sample();
  ASSERT_NE(c, nullptr);
  auto [items, total] = c->Search({.q = "营业执照"});
  // Name hit first, then the item that mentions it only in its description.
  EXPECT_EQ(Codes(items), (CodeList{"market.business-licence", "market.individual-business"}));
  EXPECT_EQ(total, 2u);
}

TEST(CatalogueTest, SearchEnglishIsCaseInsensitive) {
  auto c = Sample();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Codes(c->Search({.q = "business licence"}).first),
            (CodeList{"market.business-licence", "market.individual-business"}));
  EXPECT_EQ(Codes(c->Search({.q = "BUSINESS Licence"}).first),
            (CodeList{"market.business-licence", "market.individual-business"}));
}

TEST(CatalogueTest, SearchNeedsEveryWord) {
  auto c = Sample();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Codes(c->Search({.q = "business permit"}).first), (CodeList{"market.food-business-permit"}));
  // Words may come from different parts: a keyword and the department's name.
  EXPECT_EQ(Codes(c->Search({.q = "restaurant  market"}).first), (CodeList{"market.food-business-permit"}));
  // The ideographic space separates words too.
  EXPECT_EQ(Codes(c->Search({.q = "公积金\xE3\x80\x80租房"}).first), (CodeList{"housing.provident-fund-withdrawal"}));
}

TEST(CatalogueTest, SearchMatchesKeywordsCodesAndDepartments) {
  auto c = Sample();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Codes(c->Search({.q = "开公司"}).first), (CodeList{"market.business-licence"}));
  EXPECT_EQ(Codes(c->Search({.q = "residence-permit"}).first), (CodeList{"police.residence-permit"}));
  EXPECT_EQ(Codes(c->Search({.q = "公安局"}).first), (CodeList{"police.residence-permit"}));
}

TEST(CatalogueTest, SearchFiltersByDepartment) {
  auto c = Sample();
  ASSERT_NE(c, nullptr);
  auto [items, total] = c->Search({.department = "market"});
  EXPECT_EQ(Codes(items),
            (CodeList{"market.business-licence", "market.food-business-permit", "market.individual-business"}));
  EXPECT_EQ(total, 3u);
  EXPECT_EQ(Codes(c->Search({.q = "licence", .department = "police"}).first), CodeList{});
}

TEST(CatalogueTest, SearchFiltersByDistrictCentres) {
  auto c = Sample();
  ASSERT_NE(c, nullptr);
  // Pudong has a district centre: everything.
  EXPECT_EQ(c->Search({.district = "310115"}).second, 5u);
  // Chongming has only a community centre here: personal items only.
  EXPECT_EQ(Codes(c->Search({.district = "310151"}).first),
            (CodeList{"housing.provident-fund-withdrawal", "market.individual-business", "police.residence-permit"}));
  // Huangpu has no centre in this sample; an unknown district has none either.
  EXPECT_EQ(c->Search({.district = "310101"}).second, 0u);
  EXPECT_EQ(c->Search({.district = "999999"}).second, 0u);
}

TEST(CatalogueTest, SearchPaginates) {
  auto c = Sample();
  ASSERT_NE(c, nullptr);
  auto [first, total] = c->Search({.offset = 0, .limit = 2});
  EXPECT_EQ(total, 5u);
  EXPECT_EQ(Codes(first), (CodeList{"housing.provident-fund-withdrawal", "market.business-licence"}));
  auto [second, total2] = c->Search({.offset = 2, .limit = 2});
  EXPECT_EQ(total2, 5u);
  EXPECT_EQ(Codes(second), (CodeList{"market.food-business-permit", "market.individual-business"}));
  EXPECT_EQ(Codes(c->Search({.offset = 4, .limit = 2}).first), (CodeList{"police.residence-permit"}));
  auto [past, total3] = c->Search({.offset = 10, .limit = 2});
  EXPECT_TRUE(past.empty());
  EXPECT_EQ(total3, 5u);
}

TEST(CatalogueTest, SearchWithoutMatchIsEmpty) {
  auto c = Sample();
  ASSERT_NE(c, nullptr);
  auto [items, total] = c->Search({.q = "spaceship 宇宙飞船"});
  EXPECT_TRUE(items.empty());
  EXPECT_EQ(total, 0u);
  // A word must not match across two parts of an item (name "...licence" + description).
  EXPECT_EQ(c->Search({.q = "establishment)registers"}).second, 0u);
}

// Issue 8, finding 12: an item done at a window says where to go: the centres that take its
// applicant kind (district centres take everything, community centres personal items only).
TEST(CatalogueTest, Finding12CentresForAnOfflineItem) {
  CatalogueData d = SampleData();
  for (ServiceItem& item : d.items) item.channels = {Channel::kWeb, Channel::kWindow};
  d.items.back().channels = {Channel::kWeb};  // housing.provident-fund-withdrawal: online only
  auto built = Catalogue::Build(std::move(d));
  ASSERT_TRUE(built.ok()) << built.error().message;
  const Catalogue& c = **built;
  auto codes = [&](std::string_view item) {
    std::vector<std::string> out;
    for (const ServiceCentre* centre : c.CentresFor(*c.FindItem(item))) out.push_back(centre->code);
    return out;
  };
  EXPECT_EQ(codes("police.residence-permit"), (CodeList{"pudong-centre", "chongming-community"}));
  EXPECT_EQ(codes("market.business-licence"), (CodeList{"pudong-centre"}));
  EXPECT_EQ(codes("housing.provident-fund-withdrawal"), CodeList{});
}

TEST(CatalogueTest, BuildRejectsDuplicatesAndDanglingReferences) {
  CatalogueData d = SampleData();
  d.items.push_back(d.items[0]);
  d.items[1].department = "nowhere";
  d.centres[0].district = "000000";
  d.bundles[0].items.push_back("market.missing");
  auto built = Catalogue::Build(std::move(d));
  ASSERT_FALSE(built.ok());
  EXPECT_EQ(built.error().code, ErrorCode::kInvalidArgument);
  const std::string& m = built.error().message;
  EXPECT_NE(m.find("item code 'market.business-licence' repeats"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown department 'nowhere'"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown district '000000'"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown item 'market.missing'"), std::string::npos) << m;
}

TEST(CatalogueTest, EnumNamesRoundTrip) {
  for (Channel ch : {Channel::kWeb, Channel::kMobile, Channel::kKiosk, Channel::kWindow}) {
    EXPECT_EQ(ParseChannel(ChannelName(ch)), ch);
  }
  for (MaterialSource s : {MaterialSource::kSharedData, MaterialSource::kLicence, MaterialSource::kUpload}) {
    EXPECT_EQ(ParseMaterialSource(MaterialSourceName(s)), s);
  }
  for (int i = 0; i <= static_cast<int>(FieldType::kAddress); ++i) {
    const auto t = static_cast<FieldType>(i);
    EXPECT_EQ(ParseFieldType(FieldTypeName(t)), t);
  }
  EXPECT_STREQ(FieldTypeName(FieldType::kIdNumber), "id_number");
  EXPECT_STREQ(MaterialSourceName(MaterialSource::kSharedData), "shared_data");
  EXPECT_STREQ(ApplicantKindName(ApplicantKind::kEnterprise), "enterprise");
  EXPECT_EQ(ParseChannel("Web"), std::nullopt);
  EXPECT_EQ(ParseFieldType("txt"), std::nullopt);
  EXPECT_EQ(ParseMaterialSource(""), std::nullopt);
}

TEST(CatalogueTest, ItemLookupsByName) {
  ServiceItem item = Item("x.y", "market", {"甲", "A"}, {"", ""});
  item.fields.push_back({.name = "applicant_name"});
  item.materials.push_back({.code = "lease"});
  EXPECT_NE(item.FindField("applicant_name"), nullptr);
  EXPECT_EQ(item.FindField("applicant"), nullptr);
  EXPECT_NE(item.FindMaterial("lease"), nullptr);
  EXPECT_EQ(item.FindMaterial("photo"), nullptr);
  EXPECT_TRUE(item.HasChannel(Channel::kWeb));
  EXPECT_FALSE(item.HasChannel(Channel::kKiosk));
}

// Review leftover: a published version used to be built twice (WithPublishedVersion rebuilt the
// whole catalogue, indexes and all, to stamp the version). The version is now part of the data,
// so one Build gives a catalogue that says its version and searches its own data.
TEST(CatalogueTest, PublishedVersionIsCarriedInTheDataAndBuiltOnce) {
  CatalogueData data = SampleData();
  data.published_version = 7;
  auto built = Catalogue::Build(std::move(data));
  ASSERT_TRUE(built.ok()) << built.error().message;
  EXPECT_EQ((*built)->published_version(), 7);
  ItemQuery q;
  q.q = "食品";
  const auto [found, total] = (*built)->Search(q);
  ASSERT_EQ(total, 1u);
  EXPECT_EQ(found.front(), (*built)->FindItem("market.food-business-permit"));  // points into its own data
  auto folder = Catalogue::Build(SampleData());
  ASSERT_TRUE(folder.ok());
  EXPECT_EQ((*folder)->published_version(), 0);
}

}  // namespace
}  // namespace tongban::domain
