// The platform's one key store (crypto/key_store.h) on every database: rotation keeps old keys
// for verification, servers with the same key-encryption key share keys through the database,
// and the database never holds a private key in clear.
#include "crypto/key_store.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <atomic>
#include <thread>

#include "crypto/jose.h"
#include "crypto/system.h"
#include "storage/sql_store.h"
#include "support/store_targets.h"

namespace tongban::crypto {
namespace {

using ports::KeyOwner;
using ports::KeyOwnerKind;
using storage::testing::StoreTarget;

class FixedClock final : public ports::Clock {
 public:
  Timestamp Now() const override { return now; }
  Timestamp now{std::chrono::seconds{1760000000}};
};

const KeyOwner kLog{KeyOwnerKind::kPurpose, "log"};
const KeyOwner kMarket{KeyOwnerKind::kIssuer, "market"};

class KeyStoreTest : public ::testing::TestWithParam<StoreTarget> {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(InitCrypto()); }
  void SetUp() override {
    url_ = GetParam().new_url();
    auto store = storage::OpenStore(url_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
    kek_ = RandomBytes(kKeyEncryptionKeyBytes);
    keys_ = NewKeyStore(kek_);
  }
  void TearDown() override {
    keys_.reset();
    store_.reset();
    GetParam().cleanup(url_);
  }
  std::unique_ptr<SealedKeyStore> NewKeyStore(const std::string& kek) {
    auto keys = SealedKeyStore::Create(*store_, clock_, kek);
    EXPECT_TRUE(keys.ok());
    return keys.ok() ? std::move(keys).value() : nullptr;
  }
  std::vector<ports::SigningKeyRow> Rows() {
    std::vector<ports::SigningKeyRow> rows;
    EXPECT_TRUE(store_->Read([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(rows, tx.keys().ListSigningKeys("", ports::kMaxSigningKeysPage));
      return Ok();
    }).ok());
    return rows;
  }

  std::string url_;
  FixedClock clock_;
  std::unique_ptr<ports::Store> store_;
  std::string kek_;
  std::unique_ptr<SealedKeyStore> keys_;
};

TEST_P(KeyStoreTest, SignedTokensVerifyAndNameTheirOwner) {
  ASSERT_TRUE(keys_->EnsureKey(kLog).value());
  EXPECT_FALSE(keys_->EnsureKey(kLog).value());  // it has one
  const auto token = keys_->Sign(kLog, R"({"tree_size":1})", "tree-head+jws");
  ASSERT_TRUE(token.ok()) << token.error().message;
  const auto verified = keys_->Verify(*token);
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->owner, kLog);
  EXPECT_EQ(verified->typ, "tree-head+jws");
  EXPECT_EQ(verified->payload, R"({"tree_size":1})");
  const auto keys = keys_->PublicKeys().value();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].kid, verified->kid);
  // The kid is the RFC 7638 thumbprint of the published key.
  EXPECT_EQ(JwkThumbprint(*Base64UrlDecode(keys[0].x)), keys[0].kid);
  EXPECT_EQ(keys_->Sign(kMarket, "{}", "").error().message, "error.keys.no_active_key");
}

TEST_P(KeyStoreTest, RotationAddsAnActiveKeyAndOldTokensStillVerify) {
  ASSERT_TRUE(keys_->EnsureKey(kMarket).ok());
  const std::string before = keys_->Sign(kMarket, "licence 1", "vc+jwt").value();
  const auto rotated = keys_->Rotate(kMarket);
  ASSERT_TRUE(rotated.ok()) << rotated.error().message;
  const std::string after = keys_->Sign(kMarket, "licence 2", "vc+jwt").value();
  EXPECT_EQ(keys_->Verify(after)->kid, rotated->kid);
  EXPECT_NE(keys_->Verify(before)->kid, rotated->kid);
  EXPECT_TRUE(keys_->Verify(before).ok());
  const auto keys = keys_->PublicKeys().value();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(std::count_if(keys.begin(), keys.end(), [](const auto& k) { return k.active; }), 1);
  EXPECT_EQ(keys_->Rotate(KeyOwner{KeyOwnerKind::kIssuer, "Market!"}).error().code, ErrorCode::kInvalidArgument);
}

TEST_P(KeyStoreTest, ServersWithTheSameKekShareKeysThroughTheDatabase) {
  ASSERT_TRUE(keys_->EnsureKey(kLog).ok());
  auto second_server = NewKeyStore(kek_);
  const std::string token = second_server->Sign(kLog, "from the second server", "").value();
  EXPECT_TRUE(keys_->Verify(token).ok());
  // A server with another KEK verifies (public keys are public) but cannot sign.
  auto stranger = NewKeyStore(RandomBytes(kKeyEncryptionKeyBytes));
  EXPECT_TRUE(stranger->Verify(token).ok());
  const auto refused = stranger->Sign(kLog, "x", "");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInternal);
  EXPECT_EQ(SealedKeyStore::Create(*store_, clock_, "short").error().code, ErrorCode::kInvalidArgument);
}

TEST_P(KeyStoreTest, TheDatabaseHoldsNoPrivateKeyInClear) {
  ASSERT_TRUE(keys_->EnsureKey(kLog).ok());
  const auto rows = Rows();
  ASSERT_EQ(rows.size(), 1u);
  const std::string sealed = *Base64UrlDecode(rows[0].sealed_secret);
  // Unsealed with the KEK, the row gives a seed whose key pair is the row's; the stored bytes are
  // not that seed (nor contain it).
  unsigned char seed[32];
  ASSERT_EQ(sealed.size(), 24u + 16u + 32u);
  // Opened the way the store opens it, to learn the seed for this check only.
  const auto* bytes = reinterpret_cast<const unsigned char*>(sealed.data());
  ASSERT_EQ(crypto_secretbox_open_easy(seed, bytes + 24, sealed.size() - 24, bytes,
                                       reinterpret_cast<const unsigned char*>(kek_.data())),
            0);
  const std::string seed_bytes(reinterpret_cast<const char*>(seed), sizeof seed);
  const auto pair = Ed25519FromSeed(seed_bytes).value();
  EXPECT_EQ(Base64UrlEncode(pair.public_key), rows[0].public_key);
  for (const auto& text : {rows[0].sealed_secret, rows[0].public_key, rows[0].kid, rows[0].kek_id}) {
    EXPECT_EQ(text.find(Base64UrlEncode(seed_bytes)), std::string::npos);
    const auto raw = Base64UrlDecode(text);
    if (raw) {
      EXPECT_EQ(raw->find(seed_bytes), std::string::npos);
    }
  }
  EXPECT_EQ(rows[0].kek_id, KeyEncryptionKeyId(kek_));
  EXPECT_EQ(rows[0].kek_id.find(Base64UrlEncode(kek_)), std::string::npos);
}

TEST_P(KeyStoreTest, AnUnknownKidOrAKeyFromElsewhereIsRefused) {
  ASSERT_TRUE(keys_->EnsureKey(kLog).ok());
  const Ed25519KeyPair outsider = GenerateEd25519();
  const std::string forged = SignJws(outsider.secret_key, JwkThumbprint(outsider.public_key), "{}");
  EXPECT_EQ(keys_->Verify(forged).error().message, "error.jws.unknown_key");
  // Our kid on an outsider's signature.
  const std::string kid = keys_->PublicKeys().value()[0].kid;
  EXPECT_EQ(keys_->Verify(SignJws(outsider.secret_key, kid, "{}")).error().message, "error.jws.signature");
}

TEST_P(KeyStoreTest, ConcurrentFirstKeysLeaveOneActiveKey) {
  std::vector<std::thread> threads;
  std::atomic<int> created{0}, failed{0};
  std::vector<std::unique_ptr<SealedKeyStore>> servers;
  for (int i = 0; i < 4; ++i) servers.push_back(NewKeyStore(kek_));
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      const auto made = servers[i]->EnsureKey(kMarket);
      if (!made.ok()) ++failed;
      else if (*made) ++created;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(Rows().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Databases, KeyStoreTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<StoreTarget>& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::crypto
