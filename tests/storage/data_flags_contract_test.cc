// Flags on the city's data (ports/data_flag_repository.h): the storage contract on every database.
#include "store_contract.h"

#include <fmt/format.h>

namespace tongban::storage {
namespace {

using domain::DataFlag;
using domain::DataFlagState;

DataFlag Flag(const std::string& id, const std::string& department, const std::string& subject) {
  DataFlag f;
  f.id = id;
  f.dataset = "population";
  f.department = department;
  f.subject_id = subject;
  f.record_id = subject;
  f.field = "address";
  f.comment = "我已搬家：新地址是世纪大道200号";
  f.raised_by = "user-" + subject;
  f.raised_at = At(1700000000);
  return f;
}

class DataFlagsContractTest : public StoreContractTest {
 protected:
  Status Insert(const DataFlag& f) {
    return Write([&](ports::Transaction& tx) { return tx.data_flags().InsertFlag(f); });
  }
  Result<std::vector<DataFlag>> OfDepartment(const std::string& department, DataFlagState state,
                                             const std::string& after, int limit) {
    return ReadValue<std::vector<DataFlag>>(
        [&](ports::Transaction& tx) { return tx.data_flags().FlagsOfDepartment(department, state, after, limit); });
  }
  Result<std::vector<DataFlag>> OfSubject(const std::string& subject, const std::string& before, int limit) {
    return ReadValue<std::vector<DataFlag>>(
        [&](ports::Transaction& tx) { return tx.data_flags().FlagsOfSubject(subject, before, limit); });
  }
  Result<DataFlag> Get(const std::string& id) {
    return ReadValue<DataFlag>([&](ports::Transaction& tx) { return tx.data_flags().GetFlag(id); });
  }
};

TEST_P(DataFlagsContractTest, FlagsAreStoredWithEveryColumnAndFoundByIdDepartmentAndSubject) {
  const DataFlag a = Flag("01A", "police", "S1");
  ASSERT_OK(Insert(a));
  ASSERT_OK(Insert(Flag("01B", "civil", "S1")));
  ASSERT_OK(Insert(Flag("01C", "police", "S2")));
  const auto got = Get("01A");
  ASSERT_OK(got);
  EXPECT_EQ(*got, a);
  EXPECT_CODE(Get("nope"), ErrorCode::kNotFound);
  EXPECT_CODE(Insert(a), ErrorCode::kConflict);
  const auto police = OfDepartment("police", DataFlagState::kOpen, "", 10);
  ASSERT_OK(police);
  ASSERT_EQ(police->size(), 2u);
  EXPECT_EQ((*police)[0].id, "01A");  // oldest first
  EXPECT_EQ((*police)[1].id, "01C");
  EXPECT_TRUE(OfDepartment("police", DataFlagState::kAnswered, "", 10)->empty());
  const auto mine = OfSubject("S1", "", 10);
  ASSERT_OK(mine);
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].id, "01B");  // newest first
  EXPECT_EQ((*mine)[1].id, "01A");
}

TEST_P(DataFlagsContractTest, AnswerClosesAnOpenFlagOnceAndMovesItOutOfTheOpenList) {
  ASSERT_OK(Insert(Flag("01A", "police", "S1")));
  DataFlag answered = *Get("01A");
  answered.state = DataFlagState::kAnswered;
  answered.answer = "已更正";
  answered.corrected = true;
  answered.answered_by = "owner";
  answered.answered_at = At(1700000100);
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.data_flags().AnswerFlag(answered); }));
  EXPECT_EQ(*Get("01A"), answered);
  EXPECT_TRUE(OfDepartment("police", DataFlagState::kOpen, "", 10)->empty());
  EXPECT_EQ(OfDepartment("police", DataFlagState::kAnswered, "", 10)->size(), 1u);
  DataFlag again = answered;
  again.answer = "second";
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.data_flags().AnswerFlag(again); }), ErrorCode::kConflict);
  EXPECT_EQ(Get("01A")->answer, "已更正");
  DataFlag missing = answered;
  missing.id = "nope";
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.data_flags().AnswerFlag(missing); }), ErrorCode::kNotFound);
}

TEST_P(DataFlagsContractTest, ListsArePagedAfterAnId) {
  for (int i = 0; i < 25; ++i) ASSERT_OK(Insert(Flag(fmt::format("01{:03d}", i), "police", "S1")));
  std::string after;
  int seen = 0;
  while (true) {
    const auto page = OfDepartment("police", DataFlagState::kOpen, after, 10);
    ASSERT_OK(page);
    if (page->empty()) break;
    for (const DataFlag& f : *page) EXPECT_EQ(f.id, fmt::format("01{:03d}", seen++));
    after = page->back().id;
  }
  EXPECT_EQ(seen, 25);
  std::string before;
  seen = 25;
  while (true) {
    const auto page = OfSubject("S1", before, 7);
    ASSERT_OK(page);
    if (page->empty()) break;
    for (const DataFlag& f : *page) EXPECT_EQ(f.id, fmt::format("01{:03d}", --seen));
    before = page->back().id;
  }
  EXPECT_EQ(seen, 0);
  EXPECT_CODE(OfDepartment("police", DataFlagState::kOpen, "", 0), ErrorCode::kInvalidArgument);
  EXPECT_CODE(OfSubject("S1", "", ports::kMaxDataFlagsPage + 1), ErrorCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Databases, DataFlagsContractTest, ::testing::ValuesIn(testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<StoreTarget>& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::storage
