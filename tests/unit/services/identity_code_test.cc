// The identity code (services/identity_code.h) on every database, with the real key store and
// JOSE codec: a fresh code checks; an expired, tampered, foreign-issuer or other-kind token is
// refused with its reason; only a clerk's check reads the full identity number, and that read is
// in the person's access log.
#include "services/identity_code.h"

#include <gtest/gtest.h>

#include "crypto/jose.h"
#include "crypto/key_store.h"
#include "crypto/log_tiles.h"
#include "crypto/system.h"
#include "crypto/token_codec.h"
#include "services/access_log.h"
#include "services/keys.h"
#include "services/verification.h"
#include "services_fixture.h"

namespace tongban::services::testing {
namespace {

class IdentityCodeTest : public ServicesTest {
 protected:
  void SetUp() override {
    ServicesTest::SetUp();
    auto keys = crypto::SealedKeyStore::Create(*store_, clock_, crypto::RandomBytes(crypto::kKeyEncryptionKeyBytes));
    ASSERT_TRUE(keys.ok());
    keys_ = std::move(keys).value();
    ctx_.keys = keys_.get();
    ctx_.tokens = &codec_;
    ctx_.log_tree = &tree_;
    ASSERT_TRUE(EnsureSigningKeys(ctx_, {kIdentityCodeKeyOwner, kTrustListKeyOwner, kLogKeyOwner}).ok());
    person_ = AddUser({.username = "zhang", .role = domain::Role::kCitizen, .person_id = "310115199001011013",
                       .name = "张三"});
    clerk_ = AddUser({.username = "clerk", .role = domain::Role::kClerk, .centre = "centre.310115"});
  }

  std::string Code() {
    auto code = IssueIdentityCode(ctx_, person_);
    EXPECT_TRUE(code.ok()) << code.error().message;
    return code.ok() ? code->token : "";
  }

  IdentityCheck Check(const std::string& token, const std::optional<Actor>& caller = std::nullopt) {
    auto check = CheckIdentityCode(ctx_, caller, token);
    EXPECT_TRUE(check.ok()) << check.error().message;
    return check.ok() ? *check : IdentityCheck{};
  }

  std::unique_ptr<crypto::SealedKeyStore> keys_;
  crypto::JoseTokenCodec codec_;
  crypto::TileLogTree tree_;
  Actor person_, clerk_;
};

TEST_P(IdentityCodeTest, AFreshCodeChecksAndNamesThePersonWithAMaskedId) {
  const std::string token = Code();
  // A compact JWS, EdDSA, typ idc+jwt, that a QR code of version 15 at level M holds.
  EXPECT_LE(token.size(), ports::kMaxQrTokenBytes);
  const IdentityCheck check = Check(token);
  EXPECT_TRUE(check.valid) << check.reason;
  EXPECT_EQ(check.claims.sub, person_.user.id);
  EXPECT_EQ(check.claims.kind, "person");
  EXPECT_EQ(check.claims.name, "张三");
  EXPECT_EQ(check.claims.masked_id, "310115********1013");
  EXPECT_EQ(check.claims.expires_at, clock_.Now() + std::chrono::seconds(kIdentityCodeSeconds));
  EXPECT_TRUE(check.id_number.empty()) << "only a clerk reads the full number";
  // Each code has its own random id.
  EXPECT_NE(Check(Code()).claims.jti, check.claims.jti);
}

TEST_P(IdentityCodeTest, AnExpiredCodeIsRefused) {
  const std::string token = Code();
  clock_.Advance(std::chrono::seconds(kIdentityCodeSeconds - 1));
  EXPECT_TRUE(Check(token).valid);
  clock_.Advance(std::chrono::seconds(1));
  const IdentityCheck check = Check(token);
  EXPECT_FALSE(check.valid);
  EXPECT_EQ(check.reason, "expired");
}

TEST_P(IdentityCodeTest, ATamperedCodeIsRefused) {
  const std::string token = Code();
  // Another name in the payload, the signature kept.
  const size_t first = token.find('.'), second = token.rfind('.');
  auto payload = crypto::Base64UrlDecode(token.substr(first + 1, second - first - 1));
  ASSERT_TRUE(payload.has_value());
  std::string changed = *payload;
  changed.replace(changed.find("张三"), std::string("张三").size(), "李四");
  const std::string forged =
      token.substr(0, first + 1) + crypto::Base64UrlEncode(changed) + token.substr(second);
  EXPECT_EQ(Check(forged).reason, "bad_signature");
  // A flipped signature character.
  std::string flipped = token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(Check(flipped).valid);
  EXPECT_EQ(Check("not a token").reason, "malformed");
}

TEST_P(IdentityCodeTest, ACodeOfAnotherPlatformIsRefused) {
  // Another platform's identity key signs a code of the same shape: its kid is not ours.
  crypto::Ed25519KeyPair other = crypto::GenerateEd25519();
  ports::IdentityClaims claims;
  claims.sub = person_.user.id;
  claims.kind = "person";
  claims.name = "张三";
  claims.masked_id = "310115********1013";
  claims.jti = "abcdefghijklmnopqrstuv";
  claims.expires_at = clock_.Now() + std::chrono::seconds(30);
  const std::string token = crypto::SignJws(other.secret_key, crypto::JwkThumbprint(other.public_key),
                                            codec_.IdentityCodePayload(claims), kIdentityCodeTyp);
  crypto::WipeSecret(other.secret_key);
  EXPECT_EQ(Check(token).reason, "unknown_issuer");
}

TEST_P(IdentityCodeTest, AnotherKindOfTokenIsNotAnIdentityCode) {
  auto trust_list = keys_->Sign(kTrustListKeyOwner, "{}", "trust-list+jwt");
  ASSERT_TRUE(trust_list.ok());
  EXPECT_EQ(Check(*trust_list).reason, "not_identity_code");
}

TEST_P(IdentityCodeTest, OnlyAClerksCheckReadsTheFullNumberAndItIsLogged) {
  const std::string token = Code();
  EXPECT_TRUE(Check(token, reviewer_).id_number.empty());
  EXPECT_TRUE(Check(token, person_).id_number.empty());
  auto before = ListMyAccessLog(ctx_, person_, "", 20);
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(before->pending.empty());

  const IdentityCheck check = Check(token, clerk_);
  EXPECT_TRUE(check.valid);
  EXPECT_EQ(check.id_number, "310115199001011013");
  auto after = ListMyAccessLog(ctx_, person_, "", 20);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->pending.size(), 1u);
  const std::string& leaf = after->pending[0].leaf;
  EXPECT_NE(leaf.find("\"purpose\":\"identity_check\""), std::string::npos) << leaf;
  EXPECT_NE(leaf.find("\"role\":\"clerk\""), std::string::npos) << leaf;
  EXPECT_NE(leaf.find("identity_code:" + check.claims.jti), std::string::npos) << leaf;
}

TEST_P(IdentityCodeTest, AnOfficialHasNoIdentityCode) {
  auto code = IssueIdentityCode(ctx_, reviewer_);
  ASSERT_FALSE(code.ok());
  EXPECT_EQ(code.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(code.error().message, "error.identity_code.person_only");
}

TEST_P(IdentityCodeTest, AnAgentShowsTheEnterprisesCodeAndAClerkChecksTheirGrant) {
  const std::string credit_code = "91310115MA1K4XYZ5C";
  ASSERT_TRUE(store_->Write([&](ports::Transaction& tx) -> Status {
    TB_RETURN_IF_ERROR(tx.accounts().InsertEnterprise({credit_code, "浦江小馆餐饮有限公司", person_.user.id}));
    domain::AgentGrant grant;
    grant.enterprise = credit_code;
    grant.user_id = person_.user.id;
    return tx.accounts().PutAgentGrant(grant);
  }).ok());
  // Not an agent of another enterprise.
  auto other = IssueIdentityCode(ctx_, person_, "91310000000000000X");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().message, "error.identity_code.not_agent");

  auto code = IssueIdentityCode(ctx_, person_, credit_code);
  ASSERT_TRUE(code.ok()) << code.error().message;
  EXPECT_LE(code->token.size(), ports::kMaxQrTokenBytes);
  const IdentityCheck anyone = Check(code->token);
  EXPECT_TRUE(anyone.valid) << anyone.reason;
  EXPECT_EQ(anyone.claims.kind, "enterprise");
  EXPECT_EQ(anyone.claims.name, "浦江小馆餐饮有限公司");
  EXPECT_EQ(anyone.claims.masked_id, credit_code);
  EXPECT_EQ(anyone.claims.sub, person_.user.id);  // the agent who showed it

  const IdentityCheck clerk = Check(code->token, clerk_);
  EXPECT_TRUE(clerk.valid) << clerk.reason;
  EXPECT_EQ(clerk.id_number, credit_code);
  // The enterprise's code reads nothing personal: no entry in the agent's access log.
  auto log = ListMyAccessLog(ctx_, person_, "", 20);
  ASSERT_TRUE(log.ok());
  EXPECT_TRUE(log->pending.empty());
}

INSTANTIATE_TEST_SUITE_P(Databases, IdentityCodeTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::services::testing
