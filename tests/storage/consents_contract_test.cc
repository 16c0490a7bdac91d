// Consents (ports/consent_repository.h, V015): the storage contract on every database. A revoked
// consent is kept with its time and no longer in force; lists are newest first, a page at a time.
#include "store_contract.h"

namespace tongban::storage {
namespace {

class ConsentsContractTest : public StoreContractTest {
 protected:
  ports::Consent Make(const std::string& id, const std::string& purpose, int64_t given) {
    ports::Consent c;
    c.id = id;
    c.subject_id = "110101199003078515";
    c.user_id = "u1";
    c.purpose = purpose;
    c.given_at = At(given);
    return c;
  }
  Status Insert(const ports::Consent& c) {
    return Write([&](ports::Transaction& tx) { return tx.consents().InsertConsent(c); });
  }
  Result<ports::Consent> Active(const std::string& purpose) {
    std::optional<Result<ports::Consent>> out;
    const Status s = Write([&](ports::Transaction& tx) -> Status {
      out = tx.consents().ActiveConsent("110101199003078515", purpose);
      return Ok();
    });
    if (!s.ok()) return s.error();
    return std::move(*out);
  }
};

TEST_P(ConsentsContractTest, ConsentGivenRevokedAndKeptWithItsTime) {
  ASSERT_TRUE(Insert(Make("c1", "housing.provident-fund-withdrawal", 1760000000)).ok());
  auto active = Active("housing.provident-fund-withdrawal");
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(active->id, "c1");
  EXPECT_FALSE(active->revoked_at.has_value());
  EXPECT_EQ(Active("civil.marriage-registration").error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(Write([&](ports::Transaction& tx) { return tx.consents().RevokeConsent("c1", At(1760000100)); }).ok());
  EXPECT_EQ(Active("housing.provident-fund-withdrawal").error().code, ErrorCode::kNotFound);
  const Status again = Write([&](ports::Transaction& tx) { return tx.consents().RevokeConsent("c1", At(1760000200)); });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(again.error().message, "error.consent.revoked");
  const Status missing = Write([&](ports::Transaction& tx) { return tx.consents().RevokeConsent("nope", At(1)); });
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  ports::Consent kept;
  ASSERT_TRUE(Write([&](ports::Transaction& tx) -> Status {
                TB_ASSIGN_OR_RETURN(kept, tx.consents().GetConsent("c1"));
                return Ok();
              }).ok());
  ASSERT_TRUE(kept.revoked_at.has_value());
  EXPECT_EQ(*kept.revoked_at, At(1760000100));
  EXPECT_EQ(kept.given_at, At(1760000000));
}

TEST_P(ConsentsContractTest, ConsentsAreListedNewestFirstAPageAtATime) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Insert(Make("c" + std::to_string(i), "p" + std::to_string(i), 1760000000 + i)).ok());
  std::vector<ports::Consent> first, second;
  ASSERT_TRUE(Write([&](ports::Transaction& tx) -> Status {
                TB_ASSIGN_OR_RETURN(first, tx.consents().ListConsents("110101199003078515", {}, "", 3));
                TB_ASSIGN_OR_RETURN(second, tx.consents().ListConsents("110101199003078515", first.back().given_at,
                                                                       first.back().id, 3));
                return Ok();
              }).ok());
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].id, "c4");
  EXPECT_EQ(first[2].id, "c2");
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0].id, "c1");
  EXPECT_EQ(second[1].id, "c0");
}

INSTANTIATE_TEST_SUITE_P(Databases, ConsentsContractTest, ::testing::ValuesIn(testing::StoreTargets()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::storage
