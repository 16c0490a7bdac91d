// The city's records on every database: `demo generate` writes a consistent city (valid ids,
// children in their mother's household, representatives who are persons, the demo accounts'
// people with a sensible story) and `data load` keeps nothing of a file with a bad row, naming
// each bad line (issue 9 item 2).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "app/catalogue_loader.h"
#include "app/data_load.h"
#include "app/demo.h"
#include "app/demo_city.h"
#include "common/ids.h"
#include "unit/services/services_fixture.h"

namespace tongban::app {
namespace {

using ports::DatasetRecord;

class CityDataTest : public services::testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    auto loaded = LoadCatalogue(std::string(TONGBAN_SOURCE_DIR) + "/catalogue");
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    ctx_.catalogue = loaded->catalogue;
    dir_ = std::filesystem::temp_directory_path() / fmt::format("tongban-data-load-{}", ::getpid());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    StoreFixture::TearDown();
  }

  // Every record of `dataset`, page by page.
  std::vector<DatasetRecord> All(const std::string& dataset) {
    std::vector<DatasetRecord> out;
    std::string after_subject, after_record;
    while (true) {
      std::vector<DatasetRecord> page;
      EXPECT_TRUE(store_->Read([&](ports::Transaction& tx) -> Status {
                          TB_ASSIGN_OR_RETURN(page, tx.datasets().ListRecords(dataset, after_subject, after_record, 1000));
                          return Ok();
                        }).ok());
      if (page.empty()) return out;
      after_subject = page.back().subject_id;
      after_record = page.back().record_id;
      out.insert(out.end(), page.begin(), page.end());
    }
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  std::filesystem::path dir_;
};

TEST_P(CityDataTest, GeneratedCityIsConsistent) {
  CityOptions options;
  options.persons = 400;
  options.enterprises = 30;
  options.seed = 7;
  options.today = Date{2026, 9, 28};
  options.batch_records = 500;  // several batches
  int progress_calls = 0;
  auto made = GenerateCity(ctx_, options, [&](const CityStats&) { ++progress_calls; });
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_GE(made->persons, 400);
  EXPECT_EQ(made->enterprises, 31);  // and the demo enterprise
  EXPECT_GT(progress_calls, 1);

  std::map<std::string, nlohmann::json> people;
  for (const DatasetRecord& r : All("population")) {
    EXPECT_TRUE(ValidateResidentId(r.subject_id, options.today).ok()) << r.subject_id;
    const auto j = nlohmann::json::parse(r.fields_json);
    EXPECT_EQ(j["id_number"], r.subject_id);
    EXPECT_EQ(j["birth_date"], FormatIsoDate(ResidentIdBirthDate(r.subject_id)));
    // GB 11643: the 17th digit is odd for men.
    EXPECT_EQ(j["sex"], ((r.subject_id[16] - '0') % 2 == 1) ? "男" : "女") << r.subject_id;
    people[r.subject_id] = j;
  }
  EXPECT_EQ(static_cast<int64_t>(people.size()), made->persons);

  std::map<std::string, std::string> household_of;
  for (const DatasetRecord& r : All("household_registration")) {
    ASSERT_TRUE(people.contains(r.subject_id));
    const auto j = nlohmann::json::parse(r.fields_json);
    EXPECT_TRUE(people.contains(j["head_id_number"].get<std::string>()));
    household_of[r.subject_id] = r.record_id;
  }
  EXPECT_EQ(household_of.size(), people.size());

  int children = 0;
  for (const DatasetRecord& r : All("birth_record")) {
    const auto j = nlohmann::json::parse(r.fields_json);
    EXPECT_EQ(j["mother_id_number"], r.subject_id);
    ASSERT_TRUE(people.contains(r.subject_id));
    EXPECT_EQ(people[r.subject_id]["sex"], "女");
    if (!j.contains("child_id_number")) continue;  // born, not yet registered
    const std::string child = j["child_id_number"];
    ASSERT_TRUE(people.contains(child)) << child;
    EXPECT_EQ(household_of[child], household_of[r.subject_id]) << "a child lives in its mother's household";
    EXPECT_EQ(j["birth_date"], people[child]["birth_date"]);
    ++children;
  }
  EXPECT_GT(children, 10);

  std::map<std::string, std::string> spouse_of;
  for (const DatasetRecord& r : All("marriage")) {
    spouse_of[r.subject_id] = nlohmann::json::parse(r.fields_json)["spouse_id_number"];
  }
  for (const auto& [a, b] : spouse_of) EXPECT_EQ(spouse_of[b], a) << "marriages are recorded on both sides";

  for (const DatasetRecord& r : All("market_entity")) {
    EXPECT_TRUE(ValidateCreditCode(r.subject_id).ok()) << r.subject_id;
    const auto j = nlohmann::json::parse(r.fields_json);
    EXPECT_TRUE(people.contains(j["representative_id_number"].get<std::string>())) << "a representative is a person";
  }

  // The demo accounts' people: 张伟 and 李娜 married, a newborn under 李娜, 张伟's father 65+;
  // 王芳 represents the demo enterprise.
  auto plan = PlanDemoAccounts(*ctx_.Catalogue());
  ASSERT_TRUE(plan.ok());
  std::map<std::string, std::string> ids;
  for (const auto& p : *plan) ids[p.username] = p.person_id;
  EXPECT_EQ(people[ids["zhang.wei"]]["name"], "张伟");
  EXPECT_EQ(spouse_of[ids["zhang.wei"]], ids["li.na"]);
  EXPECT_EQ(household_of[ids["zhang.wei"]], household_of[ids["li.na"]]);
  bool newborn = false, elderly = false;
  for (const DatasetRecord& r : All("birth_record")) {
    const auto j = nlohmann::json::parse(r.fields_json);
    const Date born = *ParseIsoDate(j["birth_date"].get<std::string>());
    if (r.subject_id == ids["li.na"] && DaysSinceEpoch(options.today) - DaysSinceEpoch(born) <= 30) newborn = true;
  }
  for (const auto& [id, j] : people) {
    if (household_of[id] == household_of[ids["zhang.wei"]] && id != ids["zhang.wei"] &&
        Date{2026 - 65, 9, 28} >= ResidentIdBirthDate(id)) {
      elderly = true;
    }
  }
  EXPECT_TRUE(newborn);
  EXPECT_TRUE(elderly);
  const auto demo_enterprise = All("market_entity");
  const bool represented = std::any_of(demo_enterprise.begin(), demo_enterprise.end(), [&](const DatasetRecord& r) {
    return r.subject_id == DemoCreditCode(1) &&
           nlohmann::json::parse(r.fields_json)["representative_id_number"] == ids["wang.fang"];
  });
  EXPECT_TRUE(represented);

  // Deterministic: the same seed and day draw the same people (ids, names) again.
  EXPECT_EQ(GenerateCity(ctx_, options).error().code, ErrorCode::kConflict);
}

// A header, one good row and two bad rows (a bad id at line 3, a bad date at line 4).
constexpr const char* kBadCsv =
    "subject_id,name,id_number,sex,birth_date,address\n"
    "110101199003070935,李四,110101199003070935,男,1990-03-07,\"上海市, 某路1号\"\n"
    "110101199003070936,王五,110101199003070936,男,1990-03-07,某路\n"
    "11010519491231002X,赵六,11010519491231002X,女,1949-13-31,某路\n";

TEST_P(CityDataTest, DataLoadWithABadCsvRowKeepsNothingAndNamesTheLine) {
  const std::string path = WriteFile("people.csv", kBadCsv);
  auto report = LoadDatasetFile(ctx_, "population", path);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_FALSE(report->written);
  EXPECT_EQ(report->rows, 3);
  EXPECT_EQ(report->bad_rows, 2);
  ASSERT_EQ(report->problems.size(), 2u);
  EXPECT_EQ(report->problems[0].rfind(path + ":3: ", 0), 0u) << report->problems[0];
  EXPECT_NE(report->problems[0].find("not a valid resident id"), std::string::npos);
  EXPECT_EQ(report->problems[1].rfind(path + ":4: ", 0), 0u) << report->problems[1];
  EXPECT_NE(report->problems[1].find("birth_date"), std::string::npos);
  EXPECT_TRUE(All("population").empty()) << "nothing of the file is kept";

  // Fixed, the file loads whole; loading it again replaces the records.
  std::string good = kBadCsv;
  for (size_t at; (at = good.find("110101199003070936")) != std::string::npos;) good.replace(at, 18, "110101199003070951");
  good.replace(good.find("1949-13-31"), 10, "1949-12-31");
  const std::string fixed = WriteFile("people-fixed.csv", good);
  report = LoadDatasetFile(ctx_, "population", fixed);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->written) << (report->problems.empty() ? "" : report->problems[0]);
  ASSERT_EQ(All("population").size(), 3u);
  EXPECT_EQ(nlohmann::json::parse(All("population")[0].fields_json)["address"], "上海市, 某路1号");
  ASSERT_TRUE(LoadDatasetFile(ctx_, "population", fixed)->written);
  EXPECT_EQ(All("population").size(), 3u);
}

TEST_P(CityDataTest, DataLoadWithABadJsonLinesRowKeepsNothingAndNamesTheLine) {
  const std::string path = WriteFile(
      "insurance.jsonl",
      "{\"subject_id\":\"110101199003070935\",\"record_id\":\"1\",\"insurance_type\":\"职工医保\",\"from_date\":\"2020-01-01\"}\n"
      "\n"
      "{\"subject_id\":\"110101199003070935\",\"record_id\":\"2\",\"insurance_type\":\"职工医保\",\"from_date\":\"2020-01-01\",\"colour\":\"red\"}\n"
      "{\"subject_id\":\"110101199003070935\",\"record_id\":\"1\",\"insurance_type\":\"x\",\"from_date\":\"2020-01-01\"}\n"
      "not json\n"
      "{\"subject_id\":\"110101199003070935\",\"record_id\":\"3\",\"from_date\":\"2020-01-01\",\"monthly_base\":12.5}\n");
  // medical_insurance is served by its department's own system (issue 9 item 8): nothing to load.
  EXPECT_EQ(LoadDatasetFile(ctx_, "medical_insurance", path).error().code, ErrorCode::kInvalidArgument);
  auto report = LoadDatasetFile(ctx_, "social_insurance", path);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_FALSE(report->written);
  EXPECT_EQ(report->rows, 5);
  ASSERT_EQ(report->problems.size(), 4u);
  EXPECT_EQ(report->problems[0].rfind(path + ":3: ", 0), 0u) << report->problems[0];
  EXPECT_NE(report->problems[0].find("'colour' is not a field"), std::string::npos);
  EXPECT_EQ(report->problems[1].rfind(path + ":4: ", 0), 0u) << report->problems[1];
  EXPECT_NE(report->problems[1].find("repeats line 1"), std::string::npos);
  EXPECT_EQ(report->problems[2].rfind(path + ":5: ", 0), 0u) << report->problems[2];
  EXPECT_EQ(report->problems[3].rfind(path + ":6: ", 0), 0u) << report->problems[3];
  EXPECT_NE(report->problems[3].find("'insurance_type': a value is required"), std::string::npos);
  EXPECT_TRUE(All("social_insurance").empty());

  EXPECT_EQ(LoadDatasetFile(ctx_, "no_such_dataset", path).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(LoadDatasetFile(ctx_, "population", WriteFile("x.txt", "a")).error().code, ErrorCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Databases, CityDataTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<storage::testing::StoreTarget>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace tongban::app
