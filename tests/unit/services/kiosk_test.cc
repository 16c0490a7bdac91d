// Kiosk mode (services/kiosk.h, issue 11 item 5) on every database, with the real key store and
// JOSE codec: an identity code opens one kiosk session only; the session is refused outside the
// kiosk, expires 60 s after its last request (fake clock) and is kept alive by each request; an
// expired, tampered, foreign or malformed code opens nothing; an application submitted at the
// kiosk records its centre and the kiosk channel on its events.
#include "services/kiosk.h"

#include <gtest/gtest.h>

#include "crypto/jose.h"
#include "crypto/key_store.h"
#include "crypto/log_tiles.h"
#include "crypto/system.h"
#include "crypto/token_codec.h"
#include "services/access_log.h"
#include "services/identity_code.h"
#include "services/keys.h"
#include "services/verification.h"
#include "services_fixture.h"

namespace tongban::services::testing {
namespace {

class KioskTest : public ServicesTest {
 protected:
  void SetUp() override {
    ServicesTest::SetUp();
    domain::CatalogueData data = CatalogueData();
    domain::ServiceItem kiosk = MakeItem("market.kiosk", false, 5);
    kiosk.channels = {domain::Channel::kWeb, domain::Channel::kKiosk};
    data.items.push_back(kiosk);
    data.popular_for_persons = {"market.online", "market.kiosk"};
    ServeCatalogue(std::move(data));
    auto keys = crypto::SealedKeyStore::Create(*store_, clock_, crypto::RandomBytes(crypto::kKeyEncryptionKeyBytes));
    ASSERT_TRUE(keys.ok());
    keys_ = std::move(keys).value();
    ctx_.keys = keys_.get();
    ctx_.tokens = &codec_;
    ctx_.log_tree = &tree_;
    ASSERT_TRUE(EnsureSigningKeys(ctx_, {kIdentityCodeKeyOwner, kTrustListKeyOwner, kLogKeyOwner}).ok());
  }

  std::string Code(const Actor& who) {
    auto code = IssueIdentityCode(ctx_, who);
    EXPECT_TRUE(code.ok()) << code.error().message;
    return code.ok() ? code->token : "";
  }

  SignedIn Open(const std::string& code) {
    auto opened = OpenKioskSession(ctx_, code);
    EXPECT_TRUE(opened.ok()) << opened.error().message;
    return opened.ok() ? *opened : SignedIn{};
  }

  std::string Refusal(const std::string& code) {
    auto opened = OpenKioskSession(ctx_, code);
    if (opened.ok()) return "opened";
    EXPECT_EQ(opened.error().code, ErrorCode::kUnauthenticated);
    return opened.error().message;
  }

  std::unique_ptr<crypto::SealedKeyStore> keys_;
  crypto::JoseTokenCodec codec_;
  crypto::TileLogTree tree_;
};

TEST_P(KioskTest, KioskSessionExpiresAfterSixtySecondsIdle) {
  const SignedIn in = Open(Code(citizen_));
  EXPECT_EQ(in.user.id, citizen_.user.id);
  // Each request moves the expiry: 59 s, then another 59 s, keep it open.
  clock_.Advance(std::chrono::seconds(59));
  ASSERT_TRUE(AuthenticateKiosk(ctx_, in.token).ok());
  clock_.Advance(std::chrono::seconds(59));
  auto alive = AuthenticateKiosk(ctx_, in.token);
  ASSERT_TRUE(alive.ok());
  EXPECT_EQ(alive->user.id, citizen_.user.id);
  // Sixty seconds without a request: gone, on the server.
  clock_.Advance(std::chrono::seconds(60));
  auto gone = AuthenticateKiosk(ctx_, in.token);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(gone.error().message, "error.kiosk.signed_out");
}

TEST_P(KioskTest, KioskSessionIsRefusedOutsideTheKiosk) {
  const SignedIn in = Open(Code(citizen_));
  auto elsewhere = Authenticate(ctx_, in.token);
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.error().code, ErrorCode::kUnauthenticated);
  // ... while the kiosk takes it, and an ordinary session is no kiosk session.
  EXPECT_TRUE(AuthenticateKiosk(ctx_, in.token).ok());
  auto web = Login(ctx_, "zhang.wei", "a-long-password", "127.0.0.1");
  ASSERT_TRUE(web.ok());
  EXPECT_TRUE(Authenticate(ctx_, web->token).ok());
  EXPECT_FALSE(AuthenticateKiosk(ctx_, web->token).ok());
}

TEST_P(KioskTest, IdentityCodeOpensOneKioskSessionOnly) {
  const std::string code = Code(citizen_);
  const SignedIn first = Open(code);
  // A photograph of the same code, at once or after the first session ended.
  EXPECT_EQ(Refusal(code), "error.kiosk.code_used");
  ASSERT_TRUE(Logout(ctx_, first.token).ok());
  EXPECT_EQ(Refusal(code), "error.kiosk.code_used");
  EXPECT_FALSE(AuthenticateKiosk(ctx_, first.token).ok());
  // The person's next code opens a new one.
  EXPECT_FALSE(Open(Code(citizen_)).token.empty());
}

TEST_P(KioskTest, AnExpiredTamperedForeignOrMalformedCodeIsRefused) {
  const std::string code = Code(citizen_);
  clock_.Advance(std::chrono::seconds(kIdentityCodeSeconds));
  EXPECT_EQ(Refusal(code), "error.kiosk.code_expired");

  std::string flipped = Code(citizen_);
  flipped[flipped.size() - 5] = flipped[flipped.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Refusal(flipped), "error.kiosk.code_tampered");

  crypto::Ed25519KeyPair other = crypto::GenerateEd25519();
  ports::IdentityClaims claims;
  claims.sub = citizen_.user.id;
  claims.kind = "person";
  claims.name = "测试";
  claims.masked_id = "110105********002X";
  claims.jti = "abcdefghijklmnopqrstuv";
  claims.expires_at = clock_.Now() + std::chrono::seconds(30);
  const std::string foreign = crypto::SignJws(other.secret_key, crypto::JwkThumbprint(other.public_key),
                                              codec_.IdentityCodePayload(claims), kIdentityCodeTyp);
  crypto::WipeSecret(other.secret_key);
  EXPECT_EQ(Refusal(foreign), "error.kiosk.code_foreign");
  EXPECT_EQ(Refusal("not a code"), "error.kiosk.code_malformed");
  EXPECT_EQ(Refusal(""), "error.kiosk.code_malformed");
  // An official has no identity code; a reviewer's made-up claims fail the signature anyway.
  EXPECT_FALSE(IssueIdentityCode(ctx_, reviewer_).ok());
}

TEST_P(KioskTest, AKioskApplicationRecordsItsCentreAndTheKioskChannel) {
  const SignedIn in = Open(Code(citizen_));
  auto auth = AuthenticateKiosk(ctx_, in.token);
  ASSERT_TRUE(auth.ok());
  const auto catalogue = ctx_.Catalogue();
  EXPECT_EQ(KioskCentre(*catalogue, "centre.310115"), "centre.310115");
  EXPECT_EQ(KioskCentre(*catalogue, "centre.nowhere"), "");
  const auto services = KioskServices(*catalogue);
  ASSERT_EQ(services.size(), 1u);
  EXPECT_EQ(services[0]->code, "market.kiosk");

  const Actor actor = KioskActor(*auth, "centre.310115", "127.0.0.1");
  auto refused = SubmitAtKiosk(ctx_, actor, "market.online", {{"shop_name", "浦江小馆"}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "error.kiosk.not_offered");
  auto no_centre = SubmitAtKiosk(ctx_, KioskActor(*auth, "", "127.0.0.1"), "market.kiosk", {{"shop_name", "x"}});
  ASSERT_FALSE(no_centre.ok());
  EXPECT_EQ(no_centre.error().message, "error.kiosk.no_centre");

  auto app = SubmitAtKiosk(ctx_, actor, "market.kiosk", {{"shop_name", "浦江小馆"}});
  ASSERT_TRUE(app.ok()) << app.error().message;
  EXPECT_EQ(app->channel, domain::Channel::kKiosk);
  EXPECT_EQ(app->centre, "centre.310115");
  EXPECT_EQ(app->state, ApplicationState::kSubmitted);
  auto events = ListEvents(ctx_, citizen_, app->id);
  ASSERT_TRUE(events.ok());
  ASSERT_FALSE(events->empty());
  for (const auto& e : *events) EXPECT_EQ(e.channel, domain::Channel::kKiosk) << e.action;
}

INSTANTIATE_TEST_SUITE_P(Databases, KioskTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::services::testing
