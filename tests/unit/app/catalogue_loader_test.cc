#include "app/catalogue_loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "domain/search.h"

namespace tongban::app {
namespace {

namespace fs = std::filesystem;

TEST(CatalogueLoaderTest, LoadsTheDemoCatalogue) {
  Result<LoadedCatalogue> loaded = LoadCatalogue(std::string(TONGBAN_SOURCE_DIR) + "/catalogue");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const domain::Catalogue& c = *loaded->catalogue;
  EXPECT_EQ(c.districts().size(), 16u);
  EXPECT_GE(c.departments().size(), 12u);
  EXPECT_GE(c.items().size(), 30u);
  ASSERT_NE(c.FindDistrict("310115"), nullptr);
  EXPECT_EQ(c.FindDistrict("310115")->name.zh, "浦东新区");
  for (const domain::District& d : c.districts()) {
    const bool has_district_centre = std::any_of(c.centres().begin(), c.centres().end(), [&](const auto& centre) {
      return centre.district == d.code && centre.level == domain::CentreLevel::kDistrict;
    });
    EXPECT_TRUE(has_district_centre) << d.code;
  }

  const domain::Bundle* restaurant = c.FindBundle("open-a-restaurant");
  ASSERT_NE(restaurant, nullptr);
  EXPECT_EQ(restaurant->industry_licence, "catering");
  EXPECT_EQ(restaurant->items.size(), 5u);
  const domain::Bundle* baby = c.FindBundle("baby-is-born");
  ASSERT_NE(baby, nullptr);
  EXPECT_EQ(baby->items.size(), 4u);

  const domain::ServiceItem* licence = c.FindItem("market.business-licence");
  ASSERT_NE(licence, nullptr);
  EXPECT_EQ(licence->department, "market");
  EXPECT_TRUE(licence->HasChannel(domain::Channel::kWeb));
  const domain::Field* id = licence->FindField("applicant_id_number");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->source, domain::MaterialSource::kSharedData);
  EXPECT_EQ(id->dataset, "population");

  int fully_online = 0, instant = 0, enterprise = 0;
  for (const domain::ServiceItem& item : c.items()) {
    fully_online += item.fully_online;
    instant += item.instant;
    enterprise += item.applicant == domain::ApplicantKind::kEnterprise;
    EXPECT_LE(item.promised_limit_days, item.legal_limit_days) << item.code;
  }
  EXPECT_GE(fully_online, 8);
  EXPECT_GE(instant, 6);
  EXPECT_GE(enterprise, 5);

  // calendar.yaml: 2026-10-01 is National Day, 2026-10-10 (Saturday) an adjusted working day.
  EXPECT_FALSE(loaded->calendar.IsWorkingDay(Date{2026, 10, 1}));
  EXPECT_TRUE(loaded->calendar.IsWorkingDay(Date{2026, 10, 10}));
  EXPECT_TRUE(loaded->calendar.Covers(Date{2026, 1, 1}));
}

// Issue 11 item 1: the demo bundles say what waits for what (explicitly, or `sequential` as each
// item waiting for the one before), and a fourth demo bundle exists.
TEST(CatalogueLoaderTest, DemoBundlesSayWhatWaitsForWhat) {
  Result<LoadedCatalogue> loaded = LoadCatalogue(std::string(TONGBAN_SOURCE_DIR) + "/catalogue");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const domain::Catalogue& c = *loaded->catalogue;
  const domain::Bundle* restaurant = c.FindBundle("open-a-restaurant");
  ASSERT_NE(restaurant, nullptr);
  EXPECT_TRUE(restaurant->WaitsFor("market.business-licence").empty());
  for (const char* permit : {"market.food-business-permit", "city-appearance.shop-sign-permit",
                             "fire.public-gathering-safety-inspection", "health.public-place-health-permit"}) {
    EXPECT_EQ(restaurant->WaitsFor(permit), std::vector<std::string>{"market.business-licence"}) << permit;
  }
  const domain::Bundle* baby = c.FindBundle("baby-is-born");
  ASSERT_NE(baby, nullptr);
  EXPECT_EQ(baby->WaitsFor("hrss.social-security-card"), std::vector<std::string>{"medical-insurance.resident-enrolment"});
  EXPECT_TRUE(baby->WaitsFor("health.birth-medical-certificate").empty());
  EXPECT_TRUE(c.FindBundle("retire")->waits_for.empty());
  EXPECT_NE(c.FindBundle("hire-an-employee"), nullptr);
  // Sequential without waits_for: each item waits for the one before (offered in Pudong only, pilots.yaml).
  const domain::Bundle* close = c.FindBundle("close-a-business");
  ASSERT_NE(close, nullptr);
  EXPECT_EQ(close->WaitsFor("market.simplified-deregistration"), std::vector<std::string>{"tax.tax-clearance-certificate"});
  EXPECT_EQ(c.bundles().size(), 5u);
}

// Issue 8, finding 11, on the demo city's own data: its aliases, ranking, pinyin, wrong
// characters, the person/enterprise filter and the curated popular lists.
TEST(CatalogueLoaderTest, Finding11DemoCatalogueFindsWhatPeopleType) {
  Result<LoadedCatalogue> loaded = LoadCatalogue(std::string(TONGBAN_SOURCE_DIR) + "/catalogue");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const domain::Catalogue& c = *loaded->catalogue;
  auto first = [&](const std::string& q, std::optional<domain::ApplicantKind> applicant = std::nullopt) {
    domain::SearchPage page = c.Find({.q = q, .applicant = applicant});
    if (page.hits.empty()) return std::string("nothing");
    const domain::SearchHit& hit = page.hits.front();
    return hit.item != nullptr ? hit.item->code : "bundle " + hit.bundle->code;
  };
  EXPECT_EQ(first("营业执照办理"), "market.business-licence");
  EXPECT_EQ(first("开餐馆"), "bundle open-a-restaurant");
  EXPECT_EQ(first("生孩子"), "bundle baby-is-born");
  EXPECT_EQ(first("社保"), "hrss.social-security-card");
  EXPECT_EQ(first("shebao"), "hrss.social-security-card");
  EXPECT_EQ(first("sbk"), "hrss.social-security-card");
  EXPECT_EQ(first("yyzz"), "market.business-licence");
  EXPECT_EQ(first("gongjijin").rfind("housing.provident-fund-", 0), 0u) << first("gongjijin");
  EXPECT_EQ(first("营业执找"), "market.business-licence");
  EXPECT_EQ(first("business license"), "market.business-licence");
  EXPECT_EQ(first("社保", domain::ApplicantKind::kEnterprise), "hrss.employment-registration");

  // 社保: 社会保障卡 above 就业登记 (社保增员 is only its keyword).
  std::vector<std::string> order;
  for (const domain::SearchHit& hit : c.Find({.q = "社保"}).hits) {
    if (hit.item != nullptr) order.push_back(hit.item->code);
  }
  const auto card = std::find(order.begin(), order.end(), "hrss.social-security-card");
  const auto hiring = std::find(order.begin(), order.end(), "hrss.employment-registration");
  ASSERT_NE(card, order.end());
  ASSERT_NE(hiring, order.end());
  EXPECT_LT(card, hiring);

  // Every item is found first by its own name.
  for (const domain::ServiceItem& item : c.items()) EXPECT_EQ(first(item.name.zh), item.code);

  // 常办事项: curated per audience, each for its audience.
  ASSERT_GE(c.Popular(domain::ApplicantKind::kPerson).size(), 6u);
  ASSERT_GE(c.Popular(domain::ApplicantKind::kEnterprise).size(), 6u);
  EXPECT_EQ(c.Popular(domain::ApplicantKind::kPerson).front()->code, "hrss.social-security-card");
  for (const auto* item : c.Popular(domain::ApplicantKind::kEnterprise)) {
    EXPECT_EQ(item->applicant, domain::ApplicantKind::kEnterprise) << item->code;
  }
}

// A small valid catalogue; each case below breaks one file by replacing one piece of text.
const std::map<std::string, std::string>& ValidFiles() {
  static const std::map<std::string, std::string> files = {
      {"departments.yaml",
       "departments:\n"
       "  - {code: market, name: {zh: 市场监管局, en: Market Regulation}}\n"
       "  - {code: fire, name: {zh: 消防救援, en: Fire and Rescue}}\n"},
      {"districts.yaml",
       "districts:\n"
       "  - {code: \"310115\", name: {zh: 浦东新区, en: Pudong New Area}}\n"},
      {"centres.yaml",
       "centres:\n"
       "  - code: pudong-centre\n"
       "    name: {zh: 浦东新区市民中心, en: Pudong Citizens' Centre}\n"
       "    district: \"310115\"\n"
       "    level: district\n"
       "    address: {zh: 合欢路2号, en: 2 Hehuan Road}\n"
       "    opening_hours: {zh: \"周一至周五 9:00-17:00\", en: \"Monday to Friday 9:00-17:00\"}\n"
       "    phone: \"021-12345678\"\n"},
      {"items/market.yaml",
       "items:\n"                                                                            // 1
       "  - code: market.business-licence\n"                                                 // 2
       "    name: {zh: 营业执照, en: Business licence}\n"                                      // 3
       "    description: {zh: 设立登记, en: Registration}\n"                                    // 4
       "    department: market\n"                                                            // 5
       "    legal_basis: 《中华人民共和国市场主体登记管理条例》\n"                                 // 6
       "    applicant: enterprise\n"                                                         // 7
       "    instant: false\n"                                                                // 8
       "    legal_limit_days: 3\n"                                                           // 9
       "    promised_limit_days: 1\n"                                                        // 10
       "    fully_online: true\n"                                                            // 11
       "    on_the_spot: false\n"                                                            // 12
       "    channels: [web, window]\n"                                                       // 13
       "    materials:\n"                                                                    // 14
       "      - {code: articles, name: {zh: 章程, en: Articles}, source: upload}\n"           // 15
       "    fields:\n"                                                                       // 16
       "      - {name: enterprise_name, label: {zh: 名称, en: Name}, type: text, required: true}\n"  // 17
       "    fee: {zh: 免费, en: Free}\n"},                                                   // 18
      {"items/fire.yaml",
       "items:\n"                                                                            // 1
       "  - code: fire.safety-inspection\n"                                                  // 2
       "    name: {zh: 消防安全检查, en: Fire safety inspection}\n"                             // 3
       "    description: {zh: 开业前检查, en: Before opening}\n"                                // 4
       "    department: fire\n"                                                              // 5
       "    legal_basis: 《中华人民共和国消防法》\n"                                              // 6
       "    applicant: enterprise\n"                                                         // 7
       "    instant: false\n"                                                                // 8
       "    legal_limit_days: 10\n"                                                          // 9
       "    promised_limit_days: 5\n"                                                        // 10
       "    fully_online: false\n"                                                           // 11
       "    on_the_spot: false\n"                                                            // 12
       "    channels: [web, window]\n"                                                       // 13
       "    materials:\n"                                                                    // 14
       "      - {code: floor_plans, name: {zh: 平面图, en: Floor plans}, source: upload}\n"    // 15
       "    fee: {zh: 免费, en: Free}\n"},                                                   // 16
      {"bundles.yaml",
       "bundles:\n"                                                                          // 1
       "  - code: open-a-restaurant\n"                                                       // 2
       "    name: {zh: 开餐厅, en: Open a restaurant}\n"                                        // 3
       "    description: {zh: 一件事, en: One thing}\n"                                         // 4
       "    items: [market.business-licence, fire.safety-inspection]\n"                      // 5
       "    routing: sequential\n"                                                           // 6
       "    industry_licence: catering\n"},                                                  // 7
      {"popular.yaml",
       "popular:\n"                                                                          // 1
       "  - audience: enterprise\n"                                                          // 2
       "    items: [market.business-licence]\n"},                                           // 3
      {"pinyin.yaml",
       "pinyin:\n"                                                                           // 1
       "  营: ying\n"                                                                        // 2
       "  业: ye\n"                                                                          // 3
       "  执: zhi\n"                                                                         // 4
       "  照: zhao\n"                                                                        // 5
       "  消: xiao\n"                                                                        // 6
       "  防: fang\n"                                                                        // 7
       "  安: an\n"                                                                          // 8
       "  全: quan\n"                                                                        // 9
       "  检: jian\n"                                                                        // 10
       "  查: [cha, zha]\n"                                                                  // 11
       "  开: kai\n"                                                                         // 12
       "  餐: can\n"                                                                         // 13
       "  厅: ting\n"},                                                                      // 14
      {"calendar.yaml",
       "years:\n"                                                                            // 1
       "  - year: 2026\n"                                                                    // 2
       "    provisional: false\n"                                                            // 3
       "    holidays: [2026-10-01, 2026-10-02]\n"                                            // 4
       "    workdays: [2026-10-10]\n"},                                                      // 5
  };
  return files;
}

class CatalogueLoaderBrokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("tongban_catalogue_test_" + std::to_string(rd()));
    fs::create_directories(dir_ / "items");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes the valid catalogue with `from` replaced by `to` in `file` (the text must occur).
  void Write(const std::string& file, const std::string& from, const std::string& to) {
    for (const auto& [name, content] : ValidFiles()) {
      std::string text = content;
      if (name == file) {
        const size_t pos = text.find(from);
        ASSERT_NE(pos, std::string::npos) << "test bug: '" << from << "' not in " << file;
        text.replace(pos, from.size(), to);
      }
      std::ofstream(dir_ / name) << text;
    }
  }

  std::vector<std::string> Problems() {
    Result<LoadedCatalogue> loaded = LoadCatalogue(dir_.string());
    if (loaded.ok()) return {};
    EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
    std::vector<std::string> lines;
    std::istringstream in(loaded.error().message);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  fs::path dir_;
};

TEST_F(CatalogueLoaderBrokenTest, ValidCatalogueLoads) {
  Write("calendar.yaml", "", "");
  Result<LoadedCatalogue> loaded = LoadCatalogue(dir_.string());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->catalogue->items().size(), 2u);
  EXPECT_EQ(loaded->catalogue->bundles().size(), 1u);
}

struct BrokenCase {
  const char* name;
  const char* file;
  const char* from;
  const char* to;
  const char* where;    // expected "file:line" of the problem, relative to the catalogue folder
  const char* message;  // a substring of what is wrong
};

TEST_F(CatalogueLoaderBrokenTest, ReportsFileLineAndWhatIsWrong) {
  const BrokenCase cases[] = {
      {"missing key", "items/market.yaml", "    department: market\n", "", "items/market.yaml:2",
       "missing required key 'department' in item"},
      {"unknown department", "items/market.yaml", "department: market", "department: markt", "items/market.yaml:5",
       "unknown department 'markt'"},
      {"promised > legal", "items/market.yaml", "promised_limit_days: 1", "promised_limit_days: 9",
       "items/market.yaml:10", "promised_limit_days (9) is greater than legal_limit_days (3)"},
      {"instant with a promise", "items/market.yaml", "instant: false", "instant: true", "items/market.yaml:10",
       "promised_limit_days must be 0, not 1"},
      {"duplicate code across files", "items/fire.yaml", "code: fire.safety-inspection",
       "code: market.business-licence", "items/market.yaml:2",  // items/*.yaml are read sorted by name
       "duplicate item code 'market.business-licence' (first defined at "},
      {"bad channel", "items/market.yaml", "channels: [web, window]", "channels: [web, fax]", "items/market.yaml:13",
       "unknown channel 'fax'"},
      {"fully online without web", "items/market.yaml", "channels: [web, window]", "channels: [window]",
       "items/market.yaml:13", "a fully_online item must offer the web channel"},
      {"bad field type", "items/market.yaml", "type: text", "type: txt", "items/market.yaml:17",
       "unknown field type 'txt'"},
      {"field name not snake_case", "items/market.yaml", "name: enterprise_name", "name: EnterpriseName",
       "items/market.yaml:17", "must be snake_case"},
      {"select without options", "items/market.yaml", "type: text", "type: select", "items/market.yaml:17",
       "a select field needs a non-empty 'options' list"},
      {"bad material source", "items/market.yaml", "source: upload}", "source: email}", "items/market.yaml:15",
       "unknown material source 'email'"},
      {"shared data without dataset", "items/market.yaml", "source: upload}", "source: shared_data}",
       "items/market.yaml:15", "a shared_data material needs 'dataset'"},
      {"in person in a fully online item", "items/market.yaml", "source: upload}", "source: upload, in_person: true}",
       "items/market.yaml:15", "but the item is fully_online"},
      {"unknown key", "items/market.yaml", "    fee:", "    fees:", "items/market.yaml:18",
       "unknown key 'fees' in item"},
      // Issue 14 item 3: only a licence material may accept a peer platform's licence.
      {"accepts_from_peers on an upload", "items/market.yaml", "source: upload}",
       "source: upload, accepts_from_peers: true}", "items/market.yaml:15",
       "only a licence material (source: licence) can accept a peer platform's licence"},
      {"not a number", "items/market.yaml", "legal_limit_days: 3", "legal_limit_days: three", "items/market.yaml:9",
       "'legal_limit_days' must be a whole number, not 'three'"},
      {"unknown item in bundle", "bundles.yaml", "fire.safety-inspection]", "fire.safety-check]", "bundles.yaml:5",
       "unknown item 'fire.safety-check'"},
      {"bad routing", "bundles.yaml", "routing: sequential", "routing: whenever", "bundles.yaml:6",
       "'routing' must be parallel or sequential"},
      // Issue 11 item 1: what waits for what names items of the bundle and has no cycle.
      {"waits_for outside the bundle", "bundles.yaml", "routing: sequential",
       "routing: parallel\n    waits_for: {fire.safety-inspection: [police.id-card]}", "bundles.yaml:7",
       "waits for 'police.id-card', which is not an item of this bundle"},
      {"waits_for cycle", "bundles.yaml", "routing: sequential",
       "routing: parallel\n    waits_for: {fire.safety-inspection: [market.business-licence], "
       "market.business-licence: [fire.safety-inspection]}",
       "bundles.yaml:7", "the order has a cycle"},
      {"unknown district", "centres.yaml", "district: \"310115\"", "district: \"310199\"", "centres.yaml:4",
       "unknown district '310199'"},
      {"duplicate department", "departments.yaml", "code: fire,", "code: market,", "departments.yaml:3",
       "duplicate department code 'market'"},
      {"district code not 6 digits", "districts.yaml", "\"310115\"", "\"3101\"", "districts.yaml:2",
       "must be the 6-digit administrative division code"},
      {"yaml syntax", "items/fire.yaml", "    fee: {zh: 免费, en: Free}", "    fee: {zh: 免费, en: Free", "items/fire.yaml",
       "YAML syntax error"},
      {"bad date", "calendar.yaml", "2026-10-02]", "2026-10-32]", "calendar.yaml:4", "'2026-10-32' is not a date"},
      {"workday on a weekday", "calendar.yaml", "[2026-10-10]", "[2026-10-09]", "calendar.yaml:5",
       "workday 2026-10-09 is a weekday"},
  };
  for (const BrokenCase& c : cases) {
    SCOPED_TRACE(c.name);
    Write(c.file, c.from, c.to);
    const std::vector<std::string> problems = Problems();
    ASSERT_FALSE(problems.empty()) << "the broken catalogue loaded";
    const std::string prefix = (dir_ / c.where).string() + (std::string(c.where).find(':') == std::string::npos ? ":" : ": ");
    bool found = false;
    std::string all;
    for (const std::string& p : problems) {
      all += p + "\n";
      if (p.rfind(prefix, 0) == 0 && p.find(c.message) != std::string::npos) found = true;
    }
    EXPECT_TRUE(found) << "expected a line starting with '" << prefix << "' containing '" << c.message
                       << "'; got:\n" << all;
  }
}

TEST_F(CatalogueLoaderBrokenTest, ReportsEveryProblemNotJustTheFirst) {
  Write("items/market.yaml", "promised_limit_days: 1\n", "promised_limit_days: 9\n    colour: red\n");
  std::ofstream(dir_ / "bundles.yaml") << "bundles:\n  - code: Bad Code\n";
  const std::vector<std::string> problems = Problems();
  const std::string market = (dir_ / "items/market.yaml").string();
  const std::string bundles = (dir_ / "bundles.yaml").string();
  auto has = [&](const std::string& line_prefix) {
    return std::any_of(problems.begin(), problems.end(), [&](const auto& p) { return p.rfind(line_prefix, 0) == 0; });
  };
  EXPECT_TRUE(has(market + ":10: promised_limit_days (9)"));
  EXPECT_TRUE(has(market + ":11: unknown key 'colour'"));
  EXPECT_TRUE(has(bundles + ":2: bundle code 'Bad Code'"));
  EXPECT_TRUE(has(bundles + ":2: missing required key 'name' in bundle"));
  EXPECT_GE(problems.size(), 4u);
}

TEST_F(CatalogueLoaderBrokenTest, MissingFileIsReported) {
  Write("calendar.yaml", "", "");
  fs::remove(dir_ / "calendar.yaml");
  const std::vector<std::string> problems = Problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].rfind((dir_ / "calendar.yaml").string() + ":1: cannot read the file", 0), 0u) << problems[0];
}

// Problems whose text contains `what`, reported for `file` (relative to the catalogue folder).
std::vector<std::string> Matching(const std::vector<std::string>& problems, const std::string& what) {
  std::vector<std::string> out;
  for (const std::string& p : problems) {
    if (p.find(what) != std::string::npos) out.push_back(p);
  }
  return out;
}

// Issue 8, finding 12: an offline item says where to go, so every centre has its opening hours and
// a phone number people can dial.
TEST_F(CatalogueLoaderBrokenTest, Finding12CentresHaveOpeningHoursAndPhone) {
  Write("centres.yaml", "    phone: \"021-12345678\"\n", "");
  EXPECT_EQ(Matching(Problems(), "centres.yaml:2: missing required key 'phone' in service centre").size(), 1u);
  Write("centres.yaml", "    opening_hours:", "    hours:");
  EXPECT_EQ(Matching(Problems(), "centres.yaml:2: missing required key 'opening_hours'").size(), 1u);
  for (const char* bad : {"021--12345678", "call us", "12", "021-1234567x", "-021"}) {
    Write("centres.yaml", "021-12345678", bad);
    EXPECT_EQ(Matching(Problems(), "centres.yaml:8: phone '" + std::string(bad) + "' must be digits").size(), 1u) << bad;
  }
  Write("centres.yaml", "021-12345678", "+86 21 1234 5678");
  Result<LoadedCatalogue> loaded = LoadCatalogue(dir_.string());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const domain::ServiceCentre* centre = loaded->catalogue->FindCentre("pudong-centre");
  ASSERT_NE(centre, nullptr);
  EXPECT_EQ(centre->phone, "+86 21 1234 5678");
  EXPECT_EQ(centre->opening_hours.en, "Monday to Friday 9:00-17:00");
}

// Issue 8, finding 13: people see the standard item code (事项编码), and the legal basis links to the
// text of the laws it cites; both are checked.
TEST_F(CatalogueLoaderBrokenTest, Finding13StandardCodeAndLegalTexts) {
  const std::string extra =
      "    standard_code: \"000101001000\"\n"
      "    legal_texts:\n"
      "      - {title: 《中华人民共和国市场主体登记管理条例》, url: \"https://www.gov.cn/zhengce/law.htm\"}\n"
      "    applicant: enterprise\n";
  Write("items/market.yaml", "    applicant: enterprise\n", extra);
  Result<LoadedCatalogue> loaded = LoadCatalogue(dir_.string());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const domain::ServiceItem* item = loaded->catalogue->FindItem("market.business-licence");
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->standard_code, "000101001000");
  ASSERT_EQ(item->legal_texts.size(), 1u);
  EXPECT_EQ(item->legal_texts[0].url, "https://www.gov.cn/zhengce/law.htm");

  const struct {
    std::string from, to, message;
  } cases[] = {
      {"\"000101001000\"", "market-001", "items/market.yaml:7: standard_code 'market-001' must be"},
      {"\"000101001000\"", "\"0001\"", "items/market.yaml:7: standard_code '0001' must be"},
      {"https://www.gov.cn/zhengce/law.htm", "http://www.gov.cn/law.htm", "items/market.yaml:9: url 'http://www.gov.cn/law.htm' must be an https://"},
      {"https://www.gov.cn/zhengce/law.htm", "javascript:alert(1)", "items/market.yaml:9: url 'javascript:alert(1)' must be"},
      {"《中华人民共和国市场主体登记管理条例》, url", "《中华人民共和国刑法》, url", "items/market.yaml:9: legal text '《中华人民共和国刑法》' is not cited in legal_basis"},
  };
  for (const auto& c : cases) {
    std::string text = extra;
    text.replace(text.find(c.from), c.from.size(), c.to);
    Write("items/market.yaml", "    applicant: enterprise\n", text);
    EXPECT_EQ(Matching(Problems(), c.message).size(), 1u) << c.message;
  }
  // Two items cannot share a standard code.
  Write("items/market.yaml", "    applicant: enterprise\n", extra);
  std::ofstream(dir_ / "items/fire.yaml", std::ios::trunc)
      << std::string(ValidFiles().at("items/fire.yaml"))
             .replace(ValidFiles().at("items/fire.yaml").find("    applicant:"), 0,
                      "    standard_code: \"000101001000\"\n");
  // Item files are read in name order: fire.yaml first.
  const std::vector<std::string> dup = Matching(Problems(), "items/market.yaml:7: duplicate standard item code '000101001000'");
  ASSERT_EQ(dup.size(), 1u);
  EXPECT_NE(dup[0].find("items/fire.yaml:7)"), std::string::npos) << dup[0];
}

// Issue 8, finding 11: search by pinyin needs every Chinese character of every name and alias in
// pinyin.yaml, and `catalogue check` says which are missing; aliases and the curated popular
// lists are checked too.
TEST_F(CatalogueLoaderBrokenTest, Finding11CatalogueCheckCoversPinyinAliasesAndPopular) {
  Write("items/market.yaml", "    fee: {zh: 免费, en: Free}\n",
        "    fee: {zh: 免费, en: Free}\n    aliases: [营业执照, business license]\n");
  {
    Result<LoadedCatalogue> loaded = LoadCatalogue(dir_.string());
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    const domain::ServiceItem* item = loaded->catalogue->FindItem("market.business-licence");
    ASSERT_NE(item, nullptr);
    EXPECT_EQ(item->aliases, (std::vector<std::string>{"营业执照", "business license"}));
    EXPECT_EQ(loaded->catalogue->Popular(domain::ApplicantKind::kEnterprise).size(), 1u);
    EXPECT_EQ(loaded->catalogue->Find({.q = "yyzz"}).total, 1u);
  }
  const struct {
    const char* file;
    const char* from;
    const char* to;
    const char* message;
  } cases[] = {
      // A character of a name without pinyin, reported at the item.
      {"pinyin.yaml", "  检: jian\n", "", "items/fire.yaml:2: item 'fire.safety-inspection': '消防安全检查' has 检 without pinyin"},
      // ... of an alias, and of a bundle's alias.
      {"items/market.yaml", "    fee: {zh: 免费, en: Free}\n", "    fee: {zh: 免费, en: Free}\n    aliases: [办执照]\n",
       "items/market.yaml:2: item 'market.business-licence': '办执照' has 办 without pinyin"},
      {"bundles.yaml", "    routing: sequential\n", "    routing: sequential\n    aliases: [开饭店]\n",
       "bundles.yaml:2: bundle 'open-a-restaurant': '开饭店' has 饭店 without pinyin"},
      {"items/market.yaml", "    fee: {zh: 免费, en: Free}\n", "    fee: {zh: 免费, en: Free}\n    aliases: [营业执照, 营业执照]\n",
       "items/market.yaml:19: alias '营业执照' repeats"},
      // The table itself.
      {"pinyin.yaml", "  营: ying\n", "  营: Ying\n", "pinyin.yaml:2: the pinyin of 营 must be lower-case letters"},
      {"pinyin.yaml", "  营: ying\n", "  营: yíng\n", "pinyin.yaml:2: the pinyin of 营 must be lower-case letters"},
      {"pinyin.yaml", "  营: ying\n", "  营业: yingye\n", "pinyin.yaml:2: a key of 'pinyin' must be one Chinese character, not '营业'"},
      {"pinyin.yaml", "  查: [cha, zha]\n", "  查: [cha, cha]\n", "pinyin.yaml:11: reading 'cha' of 查 repeats"},
      // Popular lists: known items, for their audience, one list per audience.
      {"popular.yaml", "[market.business-licence]", "[market.nothing]", "popular.yaml:3: unknown item 'market.nothing'"},
      {"popular.yaml", "audience: enterprise", "audience: person",
       "popular.yaml:3: item 'market.business-licence' is for enterprises, not for persons"},
      {"popular.yaml", "audience: enterprise", "audience: everyone", "popular.yaml:2: 'audience' must be person or enterprise"},
      {"popular.yaml", "[market.business-licence]\n", "[market.business-licence]\n  - audience: enterprise\n    items: [fire.safety-inspection]\n",
       "popular.yaml:4: the enterprise list repeats"},
  };
  for (const auto& c : cases) {
    Write(c.file, c.from, c.to);
    const std::vector<std::string> problems = Problems();
    EXPECT_EQ(Matching(problems, c.message).size(), 1u) << c.message << "\nfound:\n"
                                                         << (problems.empty() ? "" : problems[0]);
  }
  // Without pinyin.yaml the catalogue does not load.
  Write("calendar.yaml", "", "");
  fs::remove(dir_ / "pinyin.yaml");
  EXPECT_EQ(Matching(Problems(), "pinyin.yaml:1: cannot read the file").size(), 1u);
}


// Issue 10 item 2: licence types are catalogue data, and `catalogue check` refuses a reference
// that does not resolve.
TEST(CatalogueLoaderTest, DemoCatalogueHasTheLicenceTypes) {
  Result<LoadedCatalogue> loaded = LoadCatalogue(std::string(TONGBAN_SOURCE_DIR) + "/catalogue");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const domain::Catalogue& c = *loaded->catalogue;
  EXPECT_GE(c.licence_types().size(), 15u);
  const domain::LicenceType* catering = c.FindLicenceType("catering");
  ASSERT_NE(catering, nullptr);
  EXPECT_EQ(catering->parts.size(), 5u);
  EXPECT_EQ(c.FindItem("market.business-licence")->licence_type, "business_licence");
  EXPECT_EQ(c.IndustryTypesWithPart("food_business_permit").size(), 1u);
  const domain::LicenceType* food = c.FindLicenceType("food_business_permit");
  ASSERT_NE(food, nullptr);
  EXPECT_EQ(food->validity_years, 5);
  EXPECT_EQ(food->issuer, "market");
}

TEST_F(CatalogueLoaderBrokenTest, LicenceTypeReferencesAreChecked) {
  const std::string types =
      "licence_types:\n"                                                                     // 1
      "  - code: business_licence\n"                                                         // 2
      "    name: {zh: 营业执照, en: Business licence}\n"                                       // 3
      "    issuer: market\n"                                                                 // 4
      "    holder: enterprise\n"                                                             // 5
      "    validity: none\n"                                                                 // 6
      "    claims:\n"                                                                        // 7
      "      - {name: enterprise_name, label: {zh: 名称, en: Name}, field: enterprise_name}\n"  // 8
      "  - code: catering\n"                                                                 // 9
      "    name: {zh: 餐饮, en: Catering}\n"                                                   // 10
      "    issuer: market\n"                                                                 // 11
      "    holder: enterprise\n"                                                             // 12
      "    validity: 5y\n"                                                                   // 13
      "    parts: [business_licence, fire_safety_approval]\n"                                // 14
      "  - code: fire_safety_approval\n"                                                     // 15
      "    name: {zh: 消防, en: Fire}\n"                                                      // 16
      "    issuer: fire\n"                                                                   // 17
      "    holder: enterprise\n"                                                             // 18
      "    validity: none\n";                                                                // 19
  auto write_types = [&](const std::string& from, const std::string& to) {
    std::string text = types;
    if (!from.empty()) text.replace(text.find(from), from.size(), to);
    std::ofstream(dir_ / "licence-types.yaml") << text;
  };
  auto has = [&](const std::string& where, const std::string& what) {
    const std::vector<std::string> problems = Problems();
    for (const std::string& p : problems) {
      if (p.rfind((dir_ / where).string() + ":", 0) == 0 && p.find(what) != std::string::npos) return true;
    }
    std::string all;
    for (const std::string& p : problems) all += p + "\n";
    ADD_FAILURE() << "no problem at " << where << " with '" << what << "'; got:\n" << all;
    return false;
  };
  // An industry licence part that is no type.
  Write("items/market.yaml", "", "");
  write_types("fire_safety_approval]", "fire_permit]");
  EXPECT_TRUE(has("licence-types.yaml:9", "part unknown licence type 'fire_permit'"));
  // An item naming an unknown licence type.
  Write("items/market.yaml", "    department: market\n", "    department: market\n    licence_type: shop_permit\n");
  write_types("", "");
  EXPECT_TRUE(has("items/market.yaml:2", "licence_type: unknown licence type 'shop_permit'"));
  // A claim from a field the item lacks.
  Write("items/market.yaml", "    department: market\n", "    department: market\n    licence_type: business_licence\n");
  write_types("field: enterprise_name}", "field: registered_name}");
  EXPECT_TRUE(has("items/market.yaml:2", "claim 'enterprise_name' comes from field 'registered_name'"));
  // A `source: licence` material naming an unknown type.
  Write("items/market.yaml", "source: upload}", "source: licence, dataset: food_permit}");
  write_types("", "");
  EXPECT_TRUE(has("items/market.yaml:2", "material 'articles': unknown licence type 'food_permit'"));
  // A bundle's industry licence that is not an industry licence type.
  Write("bundles.yaml", "industry_licence: catering", "industry_licence: business_licence");
  EXPECT_TRUE(has("bundles.yaml:2", "industry_licence 'business_licence' is not an industry licence type"));
  // A bad validity.
  Write("items/market.yaml", "", "");
  write_types("validity: 5y", "validity: forever");
  EXPECT_TRUE(has("licence-types.yaml:13", "'validity' must be none"));
  // All well: loads.
  write_types("", "");
  Write("items/market.yaml", "    department: market\n", "    department: market\n    licence_type: business_licence\n");
  EXPECT_TRUE(Problems().empty());
}

}  // namespace
}  // namespace tongban::app

namespace tongban::app {
namespace {

// Issue 9 item 1: every dataset an item reads shared data from exists and holds the field the item
// fills from it; `catalogue check` names the file, the line, the item and what is missing.
TEST_F(CatalogueLoaderBrokenTest, CatalogueCheckNamesAMissingDatasetAndAMissingField) {
  Write("items/market.yaml",
        "      - {code: articles, name: {zh: 章程, en: Articles}, source: upload}\n"
        "    fields:\n"
        "      - {name: enterprise_name, label: {zh: 名称, en: Name}, type: text, required: true}\n",
        "      - {code: articles, name: {zh: 章程, en: Articles}, source: shared_data, dataset: market_register}\n"
        "    fields:\n"
        "      - {name: enterprise_name, label: {zh: 名称, en: Name}, type: text, source: shared_data, dataset: market_entity}\n"
        "      - {name: capital, label: {zh: 资本, en: Capital}, type: number, source: shared_data, dataset: market_entity, dataset_field: registered_capital}\n"
        "      - {name: boss, label: {zh: 法人, en: Boss}, type: text, source: shared_data, dataset: market_entity, dataset_field: boss_name}\n");
  fs::create_directories(dir_ / "datasets");
  std::ofstream(dir_ / "datasets" / "market.yaml")
      << "datasets:\n"
         "  - code: market_entity\n"
         "    name: {zh: 企业登记, en: Enterprise registry}\n"
         "    department: market\n"
         "    subject: enterprise\n"
         "    fields:\n"
         "      - {name: name, label: {zh: 名称, en: Name}, type: text, class: public, required: true}\n"
         "      - {name: registered_capital, label: {zh: 注册资本, en: Capital}, type: number, class: public}\n"
         "    legal_bases:\n"
         "      - {code: registration-regulation, citation: {zh: 《市场主体登记管理条例》, en: Registration regulation}}\n";
  const std::vector<std::string> problems = Problems();
  const std::string file = (dir_ / "items/market.yaml").string();
  std::string all;
  for (const std::string& p : problems) all += p + "\n";
  ASSERT_EQ(problems.size(), 4u) << all;
  EXPECT_EQ(problems[0], file + ":15: item 'market.business-licence' material 'articles': unknown dataset "
                                "'market_register'; define it in datasets/*.yaml");
  EXPECT_EQ(problems[1], file + ":17: item 'market.business-licence' reads dataset 'market_entity' without a legal "
                                "basis; add it to 'data_bases' with one of: registration-regulation");
  EXPECT_EQ(problems[2].rfind(file + ":17: item 'market.business-licence' field 'enterprise_name': dataset "
                                     "'market_entity' has no field 'enterprise_name'; name one of its fields with "
                                     "'dataset_field': name, registered_capital", 0),
            0u)
      << all;
  EXPECT_EQ(problems[3].rfind(file + ":19: item 'market.business-licence' field 'boss': dataset 'market_entity' has "
                                     "no field 'boss_name'",
                              0),
            0u)
      << all;
}

// Issue 9 item 3 (finding: a dataset read without a legal basis): an item reads a dataset only
// under a basis it names in data_bases and the dataset lists; `catalogue check` names the line.
TEST_F(CatalogueLoaderBrokenTest, CatalogueCheckNamesADatasetReadWithoutALegalBasis) {
  fs::create_directories(dir_ / "datasets");
  auto write_dataset = [&] {
    std::ofstream(dir_ / "datasets" / "market.yaml")
        << "datasets:\n"
           "  - code: market_entity\n"
           "    name: {zh: 企业登记, en: Enterprise registry}\n"
           "    department: market\n"
           "    subject: enterprise\n"
           "    fields:\n"
           "      - {name: name, label: {zh: 名称, en: Name}, type: text, class: public, required: true}\n"
           "    legal_bases:\n"
           "      - {code: registration-regulation, citation: {zh: 《市场主体登记管理条例》, en: Registration regulation}}\n";
  };
  const std::string file = (dir_ / "items/market.yaml").string();
  const std::string from =
      "    channels: [web, window]\n"
      "    materials:\n"
      "      - {code: articles, name: {zh: 章程, en: Articles}, source: upload}\n";
  auto with_bases = [&](const std::string& bases) {
    return "    channels: [web, window]\n" + bases +
           "    materials:\n"
           "      - {code: articles, name: {zh: 章程, en: Articles}, source: shared_data, dataset: market_entity}\n";
  };
  Write("items/market.yaml", from, with_bases(""));
  write_dataset();
  std::vector<std::string> problems = Problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0], file + ":15: item 'market.business-licence' reads dataset 'market_entity' without a legal "
                                "basis; add it to 'data_bases' with one of: registration-regulation");

  Write("items/market.yaml", from, with_bases("    data_bases: {market_entity: company-law, tax_records: tax-law}\n"));
  write_dataset();
  problems = Problems();
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0], file + ":14: item 'market.business-licence' data_bases: dataset 'market_entity' does not list "
                                "the legal basis 'company-law'; use one of: registration-regulation");
  EXPECT_EQ(problems[1], file + ":14: item 'market.business-licence' data_bases: the item reads nothing from dataset "
                                "'tax_records'; remove it");

  Write("items/market.yaml", from, with_bases("    data_bases: {market_entity: registration-regulation}\n"));
  write_dataset();
  EXPECT_TRUE(Problems().empty());
}

TEST_F(CatalogueLoaderBrokenTest, ADatasetIsCheckedLikeAnyCatalogueEntry) {
  Write("calendar.yaml", "", "");
  fs::create_directories(dir_ / "datasets");
  std::ofstream(dir_ / "datasets" / "a.yaml")
      << "datasets:\n"
         "  - code: Market-Entity\n"                                                    // 2
         "    name: {zh: 企业登记, en: Enterprise registry}\n"
         "    department: markt\n"                                                      // 4
         "    subject: company\n"                                                       // 5
         "    source: {url: \"ftp://x\", timeout_ms: 10}\n"                            // 6
         "    fields:\n"
         "      - {name: name, label: {zh: 名称, en: Name}, type: select, class: secret}\n"  // 8
         "    legal_bases: []\n";                                                       // 9
  const std::vector<std::string> problems = Problems();
  std::string all;
  for (const std::string& p : problems) all += p + "\n";
  const std::string file = (dir_ / "datasets/a.yaml").string();
  for (const std::string& expected :
       {file + ":2: dataset code 'Market-Entity' must be snake_case", file + ":4: unknown department 'markt'",
        file + ":5: 'subject' must be person", file + ":6: source 'url' 'ftp://x' must be an http:// or https://",
        file + ":6: source 'timeout_ms' must be 50..30000, not 10",
        file + ":8: a dataset field's 'type' must be", file + ":8: 'class' must be public, internal, personal or sensitive",
        file + ":9: a dataset needs at least one legal basis"}) {
    EXPECT_NE(all.find(expected), std::string::npos) << expected << "\nin:\n" << all;
  }
}

// Issue 9 item 7: eligibility rules are catalogue data; catalogue check names an unknown rule kind,
// dataset or field, a date rule on a field that is not a date and a rule without a number, each at
// its own line; valid rules load.
TEST_F(CatalogueLoaderBrokenTest, EligibilityRulesAreCheckedAtTheirLine) {
  const std::string valid_rules =
      "    fee: {zh: 免费, en: Free}\n"
      "    eligibility:\n"
      "      - {dataset: market_entity, field: name, rule: present, reason: {zh: 已登记, en: Registered}}\n"
      "      - {dataset: market_entity, field: established_on, rule: date_within_days, value: 30, reason: {zh: 新设立, en: New}}\n";
  const std::string datasets =
      "datasets:\n"
      "  - code: market_entity\n"
      "    name: {zh: 企业登记, en: Enterprise registry}\n"
      "    department: market\n"
      "    subject: enterprise\n"
      "    fields:\n"
      "      - {name: name, label: {zh: 名称, en: Name}, type: text, class: public, required: true}\n"
      "      - {name: established_on, label: {zh: 成立日期, en: Established}, type: date, class: public}\n"
      "    legal_bases:\n"
      "      - {code: registration-regulation, citation: {zh: 《市场主体登记管理条例》, en: Registration regulation}}\n";
  Write("items/market.yaml", "    fee: {zh: 免费, en: Free}\n", valid_rules);
  fs::create_directories(dir_ / "datasets");
  std::ofstream(dir_ / "datasets" / "market.yaml") << datasets;
  ASSERT_TRUE(Problems().empty());
  const auto loaded = LoadCatalogue(dir_.string());
  ASSERT_TRUE(loaded.ok());
  const domain::ServiceItem* item = loaded->catalogue->FindItem("market.business-licence");
  ASSERT_EQ(item->eligibility.size(), 2u);
  EXPECT_EQ(item->eligibility[1].kind, domain::EligibilityRuleKind::kDateWithinDays);
  EXPECT_EQ(item->eligibility[1].values, std::vector<std::string>{"30"});

  // An unknown kind is reported where it is read.
  Write("items/market.yaml", "    fee: {zh: 免费, en: Free}\n",
        "    fee: {zh: 免费, en: Free}\n"                                                                          // 18
        "    eligibility:\n"                                                                                      // 19
        "      - {dataset: market_entity, field: name, rule: older_than, value: 3, reason: {zh: 理由, en: Why}}\n");  // 20
  std::ofstream(dir_ / "datasets" / "market.yaml") << datasets;
  const std::string file = (dir_ / "items/market.yaml").string();
  std::vector<std::string> problems = Problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].rfind(file + ":20: unknown rule kind 'older_than'", 0), 0u) << problems[0];

  // Datasets and fields once every dataset is read, each at its rule's line.
  Write("items/market.yaml", "    fee: {zh: 免费, en: Free}\n",
        "    fee: {zh: 免费, en: Free}\n"                                                                          // 18
        "    eligibility:\n"                                                                                      // 19
        "      - {dataset: market_register, field: name, rule: present, reason: {zh: 理由, en: Why}}\n"             // 20
        "      - {dataset: market_entity, field: boss, rule: present, reason: {zh: 理由, en: Why}}\n"               // 21
        "      - {dataset: market_entity, field: name, rule: age_at_least, value: 3, reason: {zh: 理由, en: Why}}\n"  // 22
        "      - {dataset: market_entity, field: established_on, rule: date_within_days, value: soon, reason: {zh: 理由, en: Why}}\n");  // 23
  std::ofstream(dir_ / "datasets" / "market.yaml") << datasets;
  problems = Problems();
  std::string all;
  for (const std::string& p : problems) all += p + "\n";
  ASSERT_EQ(problems.size(), 4u) << all;
  EXPECT_EQ(problems[0], file + ":20: item 'market.business-licence' eligibility rule present on market_register.name: "
                                "unknown dataset 'market_register'");
  EXPECT_EQ(problems[1], file + ":21: item 'market.business-licence' eligibility rule present on market_entity.boss: "
                                "dataset market_entity has no field 'boss'");
  EXPECT_EQ(problems[2], file + ":22: item 'market.business-licence' eligibility rule age_at_least on "
                                "market_entity.name: field name is not a date");
  EXPECT_EQ(problems[3].rfind(file + ":23: item 'market.business-licence' eligibility rule date_within_days", 0), 0u)
      << all;
}

}  // namespace
}  // namespace tongban::app

namespace tongban::app {
namespace {

// Issue 12 item 1: the homepage's suggestion rules are data (suggestions.yaml) that the loader and
// `tongban catalogue check` check at their line: the condition and its numbers, exactly one of
// item or bundle, and every reference.
TEST_F(CatalogueLoaderBrokenTest, SuggestionRulesAreCheckedAtTheirLine) {
  const std::string rules =
      "suggestions:\n"                                                           // 1
      "  - code: restaurant\n"                                                   // 2
      "    when: age_reaching\n"                                                 // 3
      "    age: 30\n"                                                            // 4
      "    within_months: 6\n"                                                   // 5
      "    bundle: open-a-restaurant\n"                                          // 6
      "    reason: {zh: '{date} 满 {age} 岁', en: 'You reach {age} on {date}'}\n";  // 7
  auto problems_with = [&](const std::string& from, const std::string& to) {
    Write("bundles.yaml", "", "");
    std::string text = rules;
    if (!from.empty()) text.replace(text.find(from), from.size(), to);
    std::ofstream(dir_ / "suggestions.yaml") << text;
    std::string all;
    for (const std::string& p : Problems()) all += p + "\n";
    return all;
  };
  EXPECT_EQ(problems_with("", ""), "");
  {
    Result<LoadedCatalogue> loaded = LoadCatalogue(dir_.string());
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    ASSERT_EQ(loaded->catalogue->suggestions().size(), 1u);
    EXPECT_EQ(loaded->catalogue->suggestions()[0].age, 30);
    EXPECT_EQ(loaded->catalogue->suggestions()[0].bundle, "open-a-restaurant");
  }
  const std::string path = (dir_ / "suggestions.yaml").string();
  EXPECT_NE(problems_with("when: age_reaching", "when: someday").find(path + ":3: 'when' must be household_birth"),
            std::string::npos);
  EXPECT_NE(problems_with("age: 30", "age: 0").find(path + ":4: 'age' must be 1 to 1200"), std::string::npos);
  EXPECT_NE(problems_with("bundle: open-a-restaurant", "bundle: no-such-bundle").find(path + ":6: unknown bundle"),
            std::string::npos);
  EXPECT_NE(problems_with("bundle: open-a-restaurant", "bundle: open-a-restaurant\n    item: market.business-licence")
                .find(path + ":2: a suggestion names exactly one item or one bundle"),
            std::string::npos);
  EXPECT_NE(problems_with("    age: 30\n", "").find(path + ":2: missing required key 'age'"), std::string::npos)
      << problems_with("    age: 30\n", "");
}

}  // namespace
}  // namespace tongban::app

namespace tongban::app {
namespace {

// Issue 12 item 1: `proactive:` (benefits without applying) is catalogue data that `tongban
// catalogue check` checks: confirm ask|proceed, decline_days with ask, and an age_at_least rule on
// population.birth_date to find the candidates by; the demo city marks the elderly allowance.
TEST_F(CatalogueLoaderBrokenTest, ProactiveMarkIsChecked) {
  Result<LoadedCatalogue> real = LoadCatalogue(std::string(TONGBAN_SOURCE_DIR) + "/catalogue");
  ASSERT_TRUE(real.ok()) << real.error().message;
  const domain::ServiceItem* allowance = real->catalogue->FindItem("civil.elderly-allowance");
  ASSERT_NE(allowance, nullptr);
  ASSERT_TRUE(allowance->proactive.has_value());
  EXPECT_EQ(allowance->proactive->confirm, domain::ProactiveConfirm::kAsk);
  EXPECT_EQ(allowance->proactive->decline_days, 30);
  EXPECT_EQ(allowance->proactive->unanswered, domain::ProactiveUnanswered::kLapse);

  const std::string fee = "    fee: {zh: 免费, en: Free}\n";
  const auto problems_with = [&](const std::string& proactive) {
    Write("items/market.yaml", fee, fee + "    proactive: " + proactive + "\n");
    std::string all;
    for (const std::string& p : Problems()) all += p + "\n";
    return all;
  };
  EXPECT_NE(problems_with("{confirm: ask, decline_days: 30}").find("needs an eligibility rule {dataset: population"),
            std::string::npos);
  EXPECT_NE(problems_with("{confirm: sometimes, decline_days: 30}").find("'confirm' must be ask or proceed"),
            std::string::npos);
  EXPECT_NE(problems_with("{confirm: ask}").find("'decline_days' must be between 1 and 365"), std::string::npos);
  EXPECT_NE(problems_with("{confirm: proceed, decline_days: 3}").find("'decline_days' is for confirm: ask"),
            std::string::npos);
  EXPECT_NE(problems_with("{confirm: ask, decline_days: 3, colour: red}").find("unknown key 'colour'"),
            std::string::npos);
}

}  // namespace
}  // namespace tongban::app
