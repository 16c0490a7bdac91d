// Benefits without applying (ports/proactive_repository.h): the storage contract on every database.
// The birth-date index follows every write of a population record (append through COPY or INSERTs,
// replace), and is read a range and a page at a time; an offer is claimed once per (item, person,
// month), released, closed, and listed when due.
#include "store_contract.h"

namespace tongban::storage {
namespace {

using ports::Birthday;
using ports::DatasetRecord;
using ports::ProactiveOffer;
using ports::RecordWrite;

DatasetRecord Population(const std::string& subject, const std::string& birth) {
  return DatasetRecord{"population", subject, subject, R"({"name":"王","birth_date":")" + birth + R"("})", At(100)};
}

class ProactiveContractTest : public StoreContractTest {
 protected:
  Status Insert(const std::vector<DatasetRecord>& records, RecordWrite mode) {
    return Write([&](ports::Transaction& tx) { return tx.datasets().InsertRecords(records, mode); });
  }
  std::vector<Birthday> Born(const std::string& from, const std::string& to, const Birthday& after = {}, int limit = 100) {
    auto born = ReadValue<std::vector<Birthday>>(
        [&](ports::Transaction& tx) { return tx.proactive().ListBornBetween(from, to, after, limit); });
    EXPECT_TRUE(born.ok()) << born.error().message;
    return born.ok() ? *born : std::vector<Birthday>{};
  }
  Result<bool> Claim(const ProactiveOffer& offer) {
    return ReadWrite<bool>([&](ports::Transaction& tx) { return tx.proactive().ClaimOffer(offer); });
  }
  template <typename T>
  Result<T> ReadWrite(const std::function<Result<T>(ports::Transaction&)>& work) {
    std::optional<T> out;
    Status s = Write([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(T value, work(tx));
      out = std::move(value);
      return Ok();
    });
    if (!s.ok()) return s.take_error();
    return std::move(*out);
  }
};

TEST_P(ProactiveContractTest, BirthDatesFollowEveryWriteOfPopulationRecords) {
  // Appended (COPY on PostgreSQL), then replaced with a corrected date; other datasets and records
  // without a date are not indexed.
  ASSERT_OK(Insert({Population("P1", "1961-09-10"), Population("P2", "1961-09-01"), Population("P3", "1961-10-01"),
                    DatasetRecord{"population", "P4", "P4", R"({"name":"无"})", At(100)},
                    DatasetRecord{"household_registration", "P5", "H", R"({"birth_date":"1961-09-05"})", At(100)}},
                   RecordWrite::kAppend));
  auto born = Born("1961-09-01", "1961-09-30");
  ASSERT_EQ(born.size(), 2u);
  EXPECT_EQ(born[0], (Birthday{"P2", "1961-09-01"}));
  EXPECT_EQ(born[1], (Birthday{"P1", "1961-09-10"}));
  ASSERT_OK(Insert({Population("P1", "1961-08-10")}, RecordWrite::kReplace));
  born = Born("1961-09-01", "1961-09-30");
  ASSERT_EQ(born.size(), 1u);
  EXPECT_EQ(born[0].subject_id, "P2");
  EXPECT_EQ(Born("1961-08-01", "1961-08-31").size(), 1u);
  // Pages: after a key, bounded.
  ASSERT_OK(Insert({Population("Q1", "1961-09-02"), Population("Q2", "1961-09-02"), Population("Q3", "1961-09-03")},
                   RecordWrite::kAppend));
  const auto first = Born("1961-09-01", "1961-09-30", {}, 2);
  ASSERT_EQ(first.size(), 2u);
  const auto second = Born("1961-09-01", "1961-09-30", first.back(), 2);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0], (Birthday{"Q2", "1961-09-02"}));
  EXPECT_EQ(second[1], (Birthday{"Q3", "1961-09-03"}));
  EXPECT_TRUE(Born("1961-09-01", "1961-09-30", second.back(), 2).empty());
}

TEST_P(ProactiveContractTest, AnOfferIsClaimedOncePerItemPersonAndMonth) {
  ProactiveOffer offer{"civil.elderly-allowance", "P1", "2026-09", "APP1", At(100), At(1000)};
  EXPECT_TRUE(*Claim(offer));
  ProactiveOffer again = offer;
  again.application_id = "APP2";
  EXPECT_FALSE(*Claim(again));
  again.period = "2026-10";
  EXPECT_TRUE(*Claim(again));
  // Released, it may be claimed again.
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.proactive().ReleaseOffer(offer.item, offer.subject_id, offer.period); }));
  offer.application_id = "APP3";
  EXPECT_TRUE(*Claim(offer));
  // Due at answer_by, oldest first; closed ones leave the list, once.
  auto due = ReadWrite<std::vector<ProactiveOffer>>([&](ports::Transaction& tx) { return tx.proactive().ListOffersDue(At(999), 10); });
  ASSERT_OK(due);
  EXPECT_TRUE(due->empty());
  due = ReadWrite<std::vector<ProactiveOffer>>([&](ports::Transaction& tx) { return tx.proactive().ListOffersDue(At(1000), 10); });
  ASSERT_OK(due);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_TRUE(*ReadWrite<bool>([&](ports::Transaction& tx) { return tx.proactive().CloseOffer("APP3"); }));
  EXPECT_FALSE(*ReadWrite<bool>([&](ports::Transaction& tx) { return tx.proactive().CloseOffer("APP3"); }));
  due = ReadWrite<std::vector<ProactiveOffer>>([&](ports::Transaction& tx) { return tx.proactive().ListOffersDue(At(1000), 10); });
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ(due->front().application_id, "APP2");
  const auto got = ReadWrite<ProactiveOffer>([&](ports::Transaction& tx) { return tx.proactive().GetOffer("APP3"); });
  ASSERT_OK(got);
  EXPECT_FALSE(got->answer_by.has_value());
  EXPECT_CODE(ReadWrite<ProactiveOffer>([&](ports::Transaction& tx) { return tx.proactive().GetOffer("NONE"); }),
              ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Databases, ProactiveContractTest, ::testing::ValuesIn(testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<StoreTarget>& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::storage
