// The records of the city's datasets (ports/dataset_repository.h): the storage contract on every
// database, on both write paths (COPY and batched INSERTs on PostgreSQL, batched INSERTs on SQLite).
#include "store_contract.h"

#include <fmt/format.h>

namespace tongban::storage {
namespace {

using ports::DatasetRecord;
using ports::RecordWrite;

DatasetRecord Record(const std::string& dataset, const std::string& subject, const std::string& record,
                     const std::string& json, int64_t as_of = 100) {
  return DatasetRecord{dataset, subject, record, json, At(as_of)};
}

class DatasetsContractTest : public StoreContractTest {
 protected:
  Status Insert(const std::vector<DatasetRecord>& records, RecordWrite mode = RecordWrite::kAppend) {
    return Write([&](ports::Transaction& tx) { return tx.datasets().InsertRecords(records, mode); });
  }
  Result<std::vector<DatasetRecord>> Of(const std::string& dataset, const std::string& subject, int limit = 100) {
    return ReadValue<std::vector<DatasetRecord>>(
        [&](ports::Transaction& tx) { return tx.datasets().RecordsOf(dataset, subject, limit); });
  }
  Result<std::vector<DatasetRecord>> Page(const std::string& dataset, const std::string& after_subject,
                                          const std::string& after_record, int limit) {
    return ReadValue<std::vector<DatasetRecord>>(
        [&](ports::Transaction& tx) { return tx.datasets().ListRecords(dataset, after_subject, after_record, limit); });
  }
};

TEST_P(DatasetsContractTest, RecordsAreStoredWithEveryColumnAndFoundBySubject) {
  ASSERT_OK(Insert({Record("population", "A1", "A1", R"({"name":"张三","note":"tab\tnew\nline\\"})", 1700000000),
                    Record("population", "B2", "B2", R"({"name":"李四"})"),
                    Record("social_insurance", "A1", "2", R"({"insurance_type":"pension"})"),
                    Record("social_insurance", "A1", "1", R"({"insurance_type":"unemployment"})")}));
  const auto a = Of("population", "A1");
  ASSERT_OK(a);
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ((*a)[0], Record("population", "A1", "A1", R"({"name":"张三","note":"tab\tnew\nline\\"})", 1700000000));
  const auto insurance = Of("social_insurance", "A1");
  ASSERT_OK(insurance);
  ASSERT_EQ(insurance->size(), 2u);
  EXPECT_EQ((*insurance)[0].record_id, "1");  // record id order
  EXPECT_EQ((*insurance)[1].record_id, "2");
  EXPECT_TRUE(Of("population", "C3")->empty());
  const auto one = ReadValue<DatasetRecord>(
      [&](ports::Transaction& tx) { return tx.datasets().GetRecord("social_insurance", "A1", "2"); });
  ASSERT_OK(one);
  EXPECT_EQ(one->fields_json, R"({"insurance_type":"pension"})");
  EXPECT_CODE(ReadValue<DatasetRecord>(
                  [&](ports::Transaction& tx) { return tx.datasets().GetRecord("social_insurance", "B2", "1"); }),
              ErrorCode::kNotFound);
  EXPECT_TRUE(*ReadValue<bool>([&](ports::Transaction& tx) { return tx.datasets().HasRecords("population"); }));
  EXPECT_FALSE(*ReadValue<bool>([&](ports::Transaction& tx) { return tx.datasets().HasRecords("marriage"); }));
}

TEST_P(DatasetsContractTest, AppendRefusesAnExistingKeyAndKeepsNothingOfTheWork) {
  ASSERT_OK(Insert({Record("population", "A1", "A1", "{}")}));
  EXPECT_CODE(Insert({Record("population", "B2", "B2", "{}"), Record("population", "A1", "A1", R"({"x":"1"})")}),
              ErrorCode::kConflict);
  EXPECT_TRUE(Of("population", "B2")->empty());
  EXPECT_EQ((*Of("population", "A1"))[0].fields_json, "{}");
}

TEST_P(DatasetsContractTest, ReplaceOverwritesExistingRecords) {
  ASSERT_OK(Insert({Record("population", "A1", "A1", "{}", 100)}));
  ASSERT_OK(Insert({Record("population", "A1", "A1", R"({"name":"new"})", 200), Record("population", "B2", "B2", "{}")},
                   RecordWrite::kReplace));
  const auto a = Of("population", "A1");
  ASSERT_OK(a);
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ((*a)[0].fields_json, R"({"name":"new"})");
  EXPECT_EQ((*a)[0].as_of, At(200));
  EXPECT_EQ(Of("population", "B2")->size(), 1u);
}

// More rows than one multi-row INSERT holds, in one call, on both paths; then read back page by page.
TEST_P(DatasetsContractTest, ManyRecordsAreWrittenInBatchesAndListedPageByPage) {
  for (RecordWrite mode : {RecordWrite::kAppend, RecordWrite::kReplace}) {
    const std::string dataset = mode == RecordWrite::kAppend ? "births" : "marriages";
    std::vector<DatasetRecord> records;
    for (int i = 0; i < 1234; ++i) records.push_back(Record(dataset, fmt::format("S{:05d}", i / 2), std::to_string(i % 2), "{}"));
    ASSERT_OK(Insert(records, mode));
    std::string after_subject, after_record;
    size_t seen = 0;
    while (true) {
      const auto page = Page(dataset, after_subject, after_record, 500);
      ASSERT_OK(page);
      if (page->empty()) break;
      for (const DatasetRecord& r : *page) {
        ASSERT_LT(seen, records.size());
        EXPECT_EQ(r.subject_id, records[seen].subject_id);
        EXPECT_EQ(r.record_id, records[seen].record_id);
        ++seen;
      }
      after_subject = page->back().subject_id;
      after_record = page->back().record_id;
    }
    EXPECT_EQ(seen, records.size()) << dataset;
  }
  EXPECT_CODE(Page("births", "", "", 0), ErrorCode::kInvalidArgument);
  EXPECT_CODE(Of("births", "S00001", ports::kMaxDatasetRecordsPage + 1), ErrorCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Databases, DatasetsContractTest, ::testing::ValuesIn(testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<StoreTarget>& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::storage
