#include "domain/search.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace tongban::domain {
namespace {

using CodeList = std::vector<std::string>;

ServiceItem Item(std::string code, std::string department, LocalText name, ApplicantKind applicant,
                 std::vector<std::string> aliases = {}, std::vector<std::string> keywords = {},
                 LocalText description = {}) {
  ServiceItem item;
  item.code = std::move(code);
  item.department = std::move(department);
  item.name = std::move(name);
  item.description = std::move(description);
  item.applicant = applicant;
  item.aliases = std::move(aliases);
  item.keywords = std::move(keywords);
  item.channels = {Channel::kWeb, Channel::kWindow};
  return item;
}

// A small city: the items and bundles of the findings' examples, with their pinyin.
CatalogueData CityData() {
  CatalogueData d;
  d.departments = {{"market", {"市场监督管理局", "Market Regulation"}},
                   {"hrss", {"人力资源和社会保障局", "Human Resources and Social Security"}},
                   {"health", {"卫生健康委员会", "Health Commission"}},
                   {"civil", {"民政局", "Civil Affairs"}}};
  d.districts = {{"310115", {"浦东新区", "Pudong"}}};
  d.centres = {{"pudong", {"浦东新区市民中心", "Pudong Citizens' Centre"}, "310115", CentreLevel::kDistrict, {}}};
  d.items = {
      Item("market.business-licence", "market", {"企业设立登记（营业执照）", "Business licence"},
           ApplicantKind::kEnterprise, {"营业执照办理"}, {"开公司"},
           {"同步完成税务、社保登记", "Tax and social insurance registration at the same time"}),
      Item("market.food-business-permit", "market", {"食品经营许可证核发", "Food business permit"},
           ApplicantKind::kEnterprise, {}, {"餐饮", "restaurant"}),
      Item("hrss.social-security-card", "hrss", {"社会保障卡申领", "Social security card"}, ApplicantKind::kPerson,
           {"社保"}, {"社保卡"}),
      Item("hrss.employment-registration", "hrss", {"用人单位招用人员就业登记", "Employment registration"},
           ApplicantKind::kEnterprise, {}, {"社保增员"}),
      Item("health.birth-certificate", "health", {"出生医学证明", "Birth medical certificate"}, ApplicantKind::kPerson),
      Item("civil.minimum-living-allowance", "civil", {"最低生活保障申请", "Minimum living allowance"},
           ApplicantKind::kPerson),
  };
  d.bundles = {
      {"open-a-restaurant", {"开办餐饮店“一件事”", "Open a restaurant"}, {"一次办好", "All in one"},
       {"market.business-licence", "market.food-business-permit"}, BundleRouting::kSequential, {}, "catering",
       {"开餐馆"}},
      {"baby-is-born", {"新生儿出生“一件事”", "A baby is born"}, {"", ""},
       {"health.birth-certificate", "hrss.social-security-card"}, BundleRouting::kSequential, {}, "", {"生孩子"}},
  };
  const char* table[][2] = {
      {"企", "qi"},   {"业", "ye"},   {"设", "she"},  {"立", "li"},   {"登", "deng"}, {"记", "ji"},   {"营", "ying"},
      {"执", "zhi"},  {"照", "zhao"}, {"办", "ban"},  {"理", "li"},   {"食", "shi"},  {"品", "pin"},  {"经", "jing"},
      {"许", "xu"},   {"可", "ke"},   {"证", "zheng"}, {"核", "he"},  {"发", "fa"},   {"社", "she"},  {"会", "hui"},
      {"保", "bao"},  {"障", "zhang"}, {"卡", "ka"},  {"申", "shen"}, {"领", "ling"}, {"用", "yong"}, {"人", "ren"},
      {"单", "dan"},  {"位", "wei"},  {"招", "zhao"}, {"员", "yuan"}, {"就", "jiu"},  {"出", "chu"},  {"生", "sheng"},
      {"医", "yi"},   {"学", "xue"},  {"明", "ming"}, {"最", "zui"},  {"低", "di"},   {"活", "huo"},  {"请", "qing"},
      {"开", "kai"},  {"餐", "can"},  {"饮", "yin"},  {"店", "dian"}, {"一", "yi"},   {"件", "jian"}, {"事", "shi"},
      {"馆", "guan"}, {"新", "xin"},  {"儿", "er"},   {"孩", "hai"},  {"子", "zi"},
  };
  for (const auto& [c, r] : table) d.pinyin[c] = {r};
  d.pinyin["行"] = {"xing", "hang"};
  return d;
}

std::shared_ptr<const Catalogue> City() {
  auto built = Catalogue::Build(CityData());
  EXPECT_TRUE(built.ok()) << built.error().message;
  return built.ok() ? built.value() : nullptr;
}

// "item:code" or "bundle:code", best first.
CodeList Found(const Catalogue& c, SearchQuery q) {
  CodeList out;
  for (const SearchHit& hit : c.Find(q).hits) {
    out.push_back(hit.item != nullptr ? "item:" + hit.item->code : "bundle:" + hit.bundle->code);
  }
  return out;
}

CodeList Found(const Catalogue& c, std::string q) { return Found(c, SearchQuery{.q = std::move(q)}); }

std::string First(const Catalogue& c, std::string q) {
  CodeList found = Found(c, std::move(q));
  return found.empty() ? "" : found.front();
}

// Issue 8, finding 11: aliases per item and bundle find what people type.
TEST(SearchTest, Finding11AliasesFindItemsAndBundles) {
  auto c = City();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Found(*c, "营业执照办理"), (CodeList{"item:market.business-licence"}));
  EXPECT_EQ(Found(*c, "开餐馆"), (CodeList{"bundle:open-a-restaurant"}));
  EXPECT_EQ(Found(*c, "生孩子"), (CodeList{"bundle:baby-is-born"}));
  EXPECT_EQ(First(*c, "社保"), "item:hrss.social-security-card");
  // An alias counts as a name: its match is exact.
  auto page = c->Find({.q = "社保"});
  ASSERT_FALSE(page.hits.empty());
  EXPECT_EQ(page.hits[0].tier, MatchTier::kExactName);
}

// Issue 8, finding 11: a name match comes first (社保 -> 社会保障卡 above 就业登记, which has 社保 only
// in a keyword, and above the business licence, which mentions it in its description).
TEST(SearchTest, Finding11NameMatchRanksFirst) {
  auto c = City();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Found(*c, "社保"), (CodeList{"item:hrss.social-security-card", "item:hrss.employment-registration",
                                        "item:market.business-licence"}));
  // Part of a name beats a keyword: 餐饮 is in the bundle's name, only a keyword of the permit.
  EXPECT_EQ(Found(*c, "餐饮"), (CodeList{"bundle:open-a-restaurant", "item:market.food-business-permit"}));
  // A bundle lists its items' names below its own: the licence itself comes first.
  EXPECT_EQ(Found(*c, "营业执照"), (CodeList{"item:market.business-licence", "bundle:open-a-restaurant"}));
}

// Issue 8, finding 11: bundles are in the results, beside items.
TEST(SearchTest, Finding11BundlesInResults) {
  auto c = City();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Found(*c, "restaurant"), (CodeList{"bundle:open-a-restaurant", "item:market.food-business-permit"}));
  EXPECT_EQ(Found(*c, SearchQuery{.q = "restaurant", .include_bundles = false}),
            (CodeList{"item:market.food-business-permit"}));
  // A department filter is about items: bundles have none.
  EXPECT_EQ(Found(*c, SearchQuery{.q = "restaurant", .department = "market"}),
            (CodeList{"item:market.food-business-permit"}));
  // Everything, bundles first.
  const SearchPage all = c->Find({});
  EXPECT_EQ(all.total, 8u);
  ASSERT_EQ(all.hits.size(), 8u);
  EXPECT_NE(all.hits[0].bundle, nullptr);
  EXPECT_NE(all.hits[1].bundle, nullptr);
}

// Issue 8, finding 11: one wrong character still finds the item.
TEST(SearchTest, Finding11ToleratesOneWrongCharacter) {
  auto c = City();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Found(*c, "营业执找"), (CodeList{"item:market.business-licence"}));  // 找 for 照
  EXPECT_EQ(Found(*c, "社会保章卡"), (CodeList{"item:hrss.social-security-card"}));
  EXPECT_EQ(Found(*c, "出生医学证名"), (CodeList{"item:health.birth-certificate"}));
  auto page = c->Find({.q = "营业执找"});
  ASSERT_EQ(page.hits.size(), 1u);
  EXPECT_EQ(page.hits[0].tier, MatchTier::kOneCharacterOff);
  // English: one letter replaced, added, left out or swapped.
  EXPECT_EQ(First(*c, "license"), "item:market.business-licence");
  EXPECT_EQ(First(*c, "licnece"), "item:market.business-licence");  // two neighbours swapped
  EXPECT_EQ(First(*c, "lisense"), "");  // two letters off
  EXPECT_EQ(First(*c, "licnese"), "");
  EXPECT_EQ(First(*c, "lcence"), "item:market.business-licence");
  EXPECT_EQ(First(*c, "licencce"), "item:market.business-licence");
  EXPECT_EQ(First(*c, "lciense"), "");
  EXPECT_EQ(First(*c, "secruity"), "item:hrss.social-security-card");
  // Two characters are too few to guess from; two wrong characters are too many.
  EXPECT_EQ(Found(*c, "社宝"), CodeList{});
  EXPECT_EQ(Found(*c, "营叶执找"), CodeList{});
  // Exact matches rank above guesses.
  EXPECT_EQ(Found(*c, "出生医学证明").front(), "item:health.birth-certificate");
}

// Issue 8, finding 11: full pinyin, initials, or a mix, from the catalogue's pinyin table.
TEST(SearchTest, Finding11PinyinInitialsAndFullPinyin) {
  auto c = City();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(First(*c, "shebao"), "item:hrss.social-security-card");  // the alias 社保
  EXPECT_EQ(First(*c, "shehuibaozhangka"), "item:hrss.social-security-card");
  EXPECT_EQ(First(*c, "shbzk"), "item:hrss.social-security-card");
  EXPECT_EQ(First(*c, "yyzz"), "item:market.business-licence");
  EXPECT_EQ(First(*c, "yingyezhizhao"), "item:market.business-licence");
  EXPECT_EQ(First(*c, "yingyezz"), "item:market.business-licence");
  EXPECT_EQ(First(*c, "yingyezhiz"), "item:market.business-licence");  // still typing
  EXPECT_EQ(First(*c, "kaicanguan"), "bundle:open-a-restaurant");
  EXPECT_EQ(First(*c, "shenghaizi"), "bundle:baby-is-born");
  EXPECT_EQ(First(*c, "SheBao"), "item:hrss.social-security-card");
  EXPECT_EQ(First(*c, "ＳＨＥＢＡＯ"), "item:hrss.social-security-card");  // full-width, from a Chinese IME
  auto page = c->Find({.q = "shebao"});
  ASSERT_FALSE(page.hits.empty());
  EXPECT_EQ(page.hits[0].tier, MatchTier::kPinyin);
  // The letters must spell consecutive characters, from a character's start.
  EXPECT_EQ(Found(*c, "shebaox"), CodeList{});
  EXPECT_EQ(Found(*c, "hebao"), CodeList{});
  EXPECT_EQ(Found(*c, "sbzk"), CodeList{});  // 社 保 障 卡 are not consecutive in 社会保障卡申领
}

// Issue 8, finding 11: a Chinese abbreviation finds the full name.
TEST(SearchTest, Finding11ChineseAbbreviations) {
  auto c = City();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Found(*c, "低保"), (CodeList{"item:civil.minimum-living-allowance"}));
  EXPECT_EQ(Found(*c, "社障卡"), (CodeList{"item:hrss.social-security-card"}));
  // Characters far apart are no abbreviation.
  EXPECT_EQ(Found(*c, "最请"), CodeList{});
}

// Issue 8, finding 11: a person/enterprise filter, for items and bundles.
TEST(SearchTest, Finding11PersonEnterpriseFilter) {
  auto c = City();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Found(*c, SearchQuery{.q = "社保", .applicant = ApplicantKind::kPerson}),
            (CodeList{"item:hrss.social-security-card"}));
  EXPECT_EQ(Found(*c, SearchQuery{.q = "社保", .applicant = ApplicantKind::kEnterprise}),
            (CodeList{"item:hrss.employment-registration", "item:market.business-licence"}));
  EXPECT_EQ(Found(*c, SearchQuery{.q = "一件事", .applicant = ApplicantKind::kPerson}),
            (CodeList{"bundle:baby-is-born"}));
  EXPECT_EQ(Found(*c, SearchQuery{.q = "一件事", .applicant = ApplicantKind::kEnterprise}),
            (CodeList{"bundle:open-a-restaurant"}));
  EXPECT_TRUE(c->BundleTakes(*c->FindBundle("baby-is-born"), ApplicantKind::kPerson));
  EXPECT_FALSE(c->BundleTakes(*c->FindBundle("baby-is-born"), ApplicantKind::kEnterprise));
  // Items only (the API's /items list) honour it too.
  auto [items, total] = c->Search({.applicant = ApplicantKind::kPerson});
  EXPECT_EQ(total, 3u);
  for (const ServiceItem* item : items) EXPECT_EQ(item->applicant, ApplicantKind::kPerson) << item->code;
}

TEST(SearchTest, PopularListsFollowTheCatalogue) {
  CatalogueData d = CityData();
  d.popular_for_persons = {"civil.minimum-living-allowance", "hrss.social-security-card"};
  d.popular_for_enterprises = {"market.business-licence"};
  auto built = Catalogue::Build(std::move(d));
  ASSERT_TRUE(built.ok()) << built.error().message;
  std::vector<std::string> persons;
  for (const ServiceItem* item : (*built)->Popular(ApplicantKind::kPerson)) persons.push_back(item->code);
  EXPECT_EQ(persons, (CodeList{"civil.minimum-living-allowance", "hrss.social-security-card"}));
  ASSERT_EQ((*built)->Popular(ApplicantKind::kEnterprise).size(), 1u);

  CatalogueData bad = CityData();
  bad.popular_for_persons = {"civil.nothing"};
  auto refused = Catalogue::Build(std::move(bad));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("popular item 'civil.nothing' is unknown"), std::string::npos);
}

TEST(SearchTest, DecodesUtf8Safely) {
  EXPECT_EQ(DecodeUtf8("社保"), U"社保");
  EXPECT_EQ(EncodeUtf8(U"社保 ok"), "社保 ok");
  EXPECT_EQ(DecodeUtf8("\xE7\xA4"), U"\uFFFD\uFFFD");          // truncated
  EXPECT_EQ(DecodeUtf8("\xC0\xAF"), U"\uFFFD\uFFFD");          // overlong '/'
  EXPECT_EQ(DecodeUtf8("\xED\xA0\x80"), U"\uFFFD\uFFFD\uFFFD");  // a surrogate
  EXPECT_TRUE(IsHan(U'社'));
  EXPECT_FALSE(IsHan(U'（'));
  EXPECT_FALSE(IsHan(U'a'));
  // Invalid bytes in a query find nothing and do no harm.
  auto c = City();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->Find({.q = "\xFF\xFE社"}).total, 0u);
}

// Designed for a city catalogue of a few thousand items: the index is built once, and a query
// scans prepared entries. 3000 items, 200 queries of every kind: well under a second on one core.
TEST(SearchTest, ScalesToACityCatalogue) {
  CatalogueData d = CityData();
  const std::vector<ServiceItem> base = d.items;
  for (int i = 0; i < 3000; ++i) {
    ServiceItem item = base[static_cast<size_t>(i) % base.size()];
    item.code += "-" + std::to_string(i);
    item.name.zh += std::to_string(i);
    d.items.push_back(std::move(item));
  }
  auto built = Catalogue::Build(std::move(d));
  ASSERT_TRUE(built.ok()) << built.error().message;
  const auto start = std::chrono::steady_clock::now();
  size_t found = 0;
  for (int i = 0; i < 40; ++i) {
    for (const char* q : {"社保", "shebao", "营业执找", "yyzz", "business licence"}) {
      found += (*built)->Find({.q = q, .limit = 10}).total;
    }
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GT(found, 0u);
  EXPECT_LT(elapsed, std::chrono::seconds(5)) << "200 searches took "
                                              << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
                                              << " ms";
}

}  // namespace
}  // namespace tongban::domain
