// The key store's rows (ports/key_repository.h): the storage contract on every database.
#include "store_contract.h"

namespace tongban::storage {
namespace {

using ports::KeyOwner;
using ports::KeyOwnerKind;
using ports::SigningKeyRow;
using ports::SigningKeyState;

SigningKeyRow Key(const std::string& kid, const KeyOwner& owner, int64_t created) {
  SigningKeyRow k;
  k.kid = kid;
  k.owner = owner;
  k.public_key = "x-" + kid;
  k.sealed_secret = "sealed-" + kid;
  k.kek_id = "kek1";
  k.state = SigningKeyState::kActive;
  k.created_at = At(created);
  return k;
}

const KeyOwner kLog{KeyOwnerKind::kPurpose, "log"};
const KeyOwner kMarket{KeyOwnerKind::kIssuer, "market"};

class KeysContractTest : public StoreContractTest {
 protected:
  Status Insert(const SigningKeyRow& k) {
    return Write([&](ports::Transaction& tx) { return tx.keys().InsertSigningKey(k); });
  }
  Result<SigningKeyRow> Active(const KeyOwner& owner) {
    return ReadValue<SigningKeyRow>([&](ports::Transaction& tx) { return tx.keys().GetActiveSigningKey(owner); });
  }
  Result<SigningKeyRow> Get(const std::string& kid) {
    return ReadValue<SigningKeyRow>([&](ports::Transaction& tx) { return tx.keys().GetSigningKey(kid); });
  }
  Result<std::vector<SigningKeyRow>> List(const std::string& after, int limit) {
    return ReadValue<std::vector<SigningKeyRow>>(
        [&](ports::Transaction& tx) { return tx.keys().ListSigningKeys(after, limit); });
  }
};

TEST_P(KeysContractTest, AKeyIsStoredWithEveryColumn) {
  ASSERT_OK(Insert(Key("kid-a", kMarket, 100)));
  const auto got = Get("kid-a");
  ASSERT_OK(got);
  EXPECT_EQ(got->owner, kMarket);
  EXPECT_EQ(got->public_key, "x-kid-a");
  EXPECT_EQ(got->sealed_secret, "sealed-kid-a");
  EXPECT_EQ(got->kek_id, "kek1");
  EXPECT_EQ(got->state, SigningKeyState::kActive);
  EXPECT_EQ(got->created_at, At(100));
  EXPECT_FALSE(got->retired_at.has_value());
  EXPECT_EQ(Active(kMarket)->kid, "kid-a");
  EXPECT_CODE(Get("kid-b"), ErrorCode::kNotFound);
  EXPECT_CODE(Active(kLog), ErrorCode::kNotFound);
  // The same code under the other kind is another owner.
  EXPECT_CODE(Active(KeyOwner{KeyOwnerKind::kPurpose, "market"}), ErrorCode::kNotFound);
}

TEST_P(KeysContractTest, AnOwnerHasAtMostOneActiveKeyAndRetiredKeysStay) {
  ASSERT_OK(Insert(Key("kid-a", kMarket, 100)));
  // A second active key without retiring the first: refused, nothing stored.
  EXPECT_CODE(Insert(Key("kid-b", kMarket, 200)), ErrorCode::kConflict);
  EXPECT_CODE(Get("kid-b"), ErrorCode::kNotFound);
  EXPECT_CODE(Insert(Key("kid-a", kLog, 200)), ErrorCode::kConflict);  // the kid exists
  // Rotation: retire, then insert, in one transaction.
  ASSERT_OK(Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const int64_t retired, tx.keys().RetireActiveSigningKey(kMarket, At(300)));
    EXPECT_EQ(retired, 1);
    return tx.keys().InsertSigningKey(Key("kid-b", kMarket, 300));
  }));
  EXPECT_EQ(Active(kMarket)->kid, "kid-b");
  const auto old = Get("kid-a");
  ASSERT_OK(old);
  EXPECT_EQ(old->state, SigningKeyState::kRetired);
  EXPECT_EQ(old->retired_at, At(300));
  // Retiring an owner without an active key changes nothing.
  EXPECT_OK(Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const int64_t retired, tx.keys().RetireActiveSigningKey(kLog, At(400)));
    EXPECT_EQ(retired, 0);
    return Ok();
  }));
}

TEST_P(KeysContractTest, KeysAreListedInKidOrderPageByPage) {
  for (int i = 0; i < 7; ++i) {
    const KeyOwner owner{KeyOwnerKind::kIssuer, "dept-" + std::to_string(i)};
    ASSERT_OK(Insert(Key("kid-" + std::to_string(6 - i), owner, 100 + i)));
  }
  std::vector<std::string> kids;
  std::string after;
  for (int page = 0; page < 10; ++page) {
    const auto rows = List(after, 3);
    ASSERT_OK(rows);
    for (const auto& r : *rows) kids.push_back(r.kid);
    if (rows->size() < 3) break;
    after = rows->back().kid;
  }
  EXPECT_EQ(kids, (std::vector<std::string>{"kid-0", "kid-1", "kid-2", "kid-3", "kid-4", "kid-5", "kid-6"}));
  EXPECT_EQ(List("", 0)->size(), 1u);  // a limit below 1 is one row
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Databases, KeysContractTest, ::testing::ValuesIn(testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<StoreTarget>& info) { return info.param.name; });

}  // namespace tongban::storage
