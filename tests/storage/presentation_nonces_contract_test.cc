// The one-time nonces of presentations (ports/verification.h, V014): the storage contract on
// every database.
#include "store_contract.h"

namespace tongban::storage {
namespace {

class PresentationNoncesContractTest : public StoreContractTest {
 protected:
  Status Use(const std::string& key, int64_t expires) {
    return Write([&](ports::Transaction& tx) { return tx.presentation_nonces().UseNonce(key, At(expires)); });
  }
  Result<int64_t> Purge(int64_t now, int limit) {
    int64_t purged = 0;
    const Status s = Write([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(purged, tx.presentation_nonces().PurgeExpiredNonces(At(now), limit));
      return Ok();
    });
    if (!s.ok()) return s.error();
    return purged;
  }
};

TEST_P(PresentationNoncesContractTest, ANonceIsUsedOnce) {
  ASSERT_TRUE(Use("k1", 1760000600).ok());
  const Status again = Use("k1", 1760000900);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(again.error().message, "error.presentation.replayed");
  EXPECT_TRUE(Use("k2", 1760000600).ok());
}

TEST_P(PresentationNoncesContractTest, ExpiredNoncesArePurgedInBatches) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Use("old" + std::to_string(i), 1760000000 + i).ok());
  ASSERT_TRUE(Use("live", 1760009999).ok());
  EXPECT_EQ(*Purge(1760000100, 3), 3);
  EXPECT_EQ(*Purge(1760000100, 3), 2);
  EXPECT_EQ(*Purge(1760000100, 3), 0);
  // The live one is still used; a purged one can be recorded again (it could not be valid anyway).
  EXPECT_EQ(Use("live", 1760009999).error().code, ErrorCode::kConflict);
  EXPECT_TRUE(Use("old0", 1760009999).ok());
}

INSTANTIATE_TEST_SUITE_P(Databases, PresentationNoncesContractTest, ::testing::ValuesIn(testing::StoreTargets()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::storage
