// Electronic licences' use cases (services/licences.h; issue 10 items 2, 3, 4, 8): issued by the
// approval in its transaction, delivered, shown to the holder and the issuer only, suspended,
// revoked and reinstated with the holder told, and the industry licence following its parts.
// Runs on SQLite and, when TONGBAN_TEST_PG_URL is set, PostgreSQL.
#include "services/licences.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "crypto/jose.h"
#include "crypto/key_store.h"
#include "crypto/licence_format.h"
#include "services/effects.h"
#include "services/keys.h"
#include "services_fixture.h"

namespace tongban::services {
namespace {

using domain::Action;
using domain::ApplicationState;
using domain::LicenceAction;
using domain::LicenceStatus;

class LicencesTest : public testing::ServicesTest {
 protected:
  void SetUp() override {
    testing::ServicesTest::SetUp();
    domain::CatalogueData data = CatalogueData();
    data.items[0].licence_type = "shop_permit";     // market.online
    data.items[1].licence_type = "counter_permit";  // market.counter
    domain::LicenceType shop;
    shop.code = "shop_permit";
    shop.name = {"店铺许可", "Shop permit"};
    shop.issuer = "market";
    shop.holder = domain::ApplicantKind::kPerson;
    shop.validity_years = 5;
    shop.claims = {{"shop_name", {"店名", "Shop name"}, "shop_name"}};
    domain::LicenceType counter = shop;
    counter.code = "counter_permit";
    counter.validity_years = 0;
    domain::LicenceType whole;
    whole.code = "shop_whole";
    whole.name = {"综合许可", "Whole"};
    whole.issuer = "market";
    whole.holder = domain::ApplicantKind::kPerson;
    whole.parts = {"shop_permit", "counter_permit"};
    data.licence_types = {shop, counter, whole};
    ServeCatalogue(std::move(data));
    auto keys = crypto::SealedKeyStore::Create(*store_, clock_, std::string(32, 'k'));
    ASSERT_TRUE(keys.ok()) << keys.error().message;
    keys_ = std::move(keys).value();
    ctx_.keys = keys_.get();
    ctx_.licence_format = &format_;
    ctx_.effects = &effects_;
    RegisterLicenceEffects(effects_);
    ASSERT_TRUE(EnsureLicenceIssuerKeys(ctx_).ok());
    ASSERT_TRUE(EnsureSigningKeys(ctx_, {kStatusListKeyOwner}).ok());
  }

  // Submits `item` as the citizen and takes it to approved; answers the application.
  domain::Application Approved(const std::string& item) {
    const auto app = Submit(item);
    EXPECT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
    auto approved = Do(reviewer_, app.id, Action::kApprove);
    EXPECT_TRUE(approved.ok()) << approved.error().message;
    return app;
  }

  std::vector<LicenceView> Mine() {
    auto list = ListMyLicences(ctx_, citizen_, "", "", 50);
    EXPECT_TRUE(list.ok()) << list.error().message;
    return list.ok() ? list->licences : std::vector<LicenceView>{};
  }

  const LicenceView* OfType(const std::vector<LicenceView>& views, const std::string& type) {
    for (const auto& v : views) {
      if (v.licence.type == type) return &v;
    }
    return nullptr;
  }

  std::unique_ptr<crypto::SealedKeyStore> keys_;
  crypto::JsonLicenceFormat format_;
  Effects effects_;
};

TEST_P(LicencesTest, ApprovalIssuesTheSignedLicenceInTheSameTransactionAndDeliveryHandsItOver) {
  const auto app = Approved("market.online");
  auto mine = Mine();
  ASSERT_EQ(mine.size(), 1u);
  const domain::Licence& l = mine[0].licence;
  EXPECT_EQ(l.type, "shop_permit");
  EXPECT_EQ(l.application_id, app.id);
  EXPECT_EQ(l.holder_id, "11010519491231002X");
  EXPECT_EQ(l.issuer, "market");
  ASSERT_EQ(l.claims.size(), 1u);
  EXPECT_EQ(l.claims[0], (std::pair<std::string, std::string>{"shop_name", "浦江小馆"}));
  ASSERT_TRUE(l.valid_until.has_value());
  EXPECT_EQ(LocalDate(*l.valid_until), (Date{2031, 9, 28}));
  EXPECT_GE(l.status_index, 0);
  EXPECT_LT(l.status_index, domain::kLicenceStatusListSize);
  EXPECT_FALSE(mine[0].delivered);  // pending until delivered
  EXPECT_EQ(mine[0].shown_status, "valid");

  // The credential verifies under the issuer's key and is the W3C VC of licence-format.md.
  auto verified = keys_->Verify(l.credential);
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->typ, "vc+jwt");
  EXPECT_EQ(verified->owner, (ports::KeyOwner{ports::KeyOwnerKind::kIssuer, "market"}));
  const auto vc = nlohmann::json::parse(verified->payload);
  EXPECT_EQ(vc["id"], "urn:tongban:licence:" + l.id);
  EXPECT_EQ(vc["issuer"]["id"], "urn:tongban:sh:issuer:market");
  EXPECT_EQ(vc["credentialSubject"]["id"], "urn:tongban:person:11010519491231002X");
  EXPECT_EQ(vc["credentialSubject"]["shop_name"], "浦江小馆");
  EXPECT_EQ(vc["credentialStatus"][0]["statusListIndex"], std::to_string(l.status_index));
  EXPECT_EQ(vc["credentialStatus"][1]["statusPurpose"], "suspension");
  EXPECT_EQ(vc["validFrom"], "2026-09-28T10:00:00+08:00");
  // The QR token: short keys, masked holder, within version 15 at level M.
  auto qr = keys_->Verify(l.qr_token);
  ASSERT_TRUE(qr.ok());
  EXPECT_EQ(qr->typ, "lic+jwt");
  const auto q = nlohmann::json::parse(qr->payload);
  EXPECT_EQ(q["lid"], l.id);
  EXPECT_EQ(q["sub"], "110105********002X");
  EXPECT_EQ(q["si"], l.status_index);
  EXPECT_LE(l.qr_token.size(), 412u);
  EXPECT_LE(*format_.QrVersion(l.qr_token), 15);

  ASSERT_TRUE(Do(reviewer_, app.id, Action::kDeliver).ok());
  EXPECT_TRUE(Mine()[0].delivered);
}

TEST_P(LicencesTest, AFailingIssuanceFailsTheApproval) {
  const auto app = Submit("market.online");
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
  ctx_.keys = nullptr;  // the issuer cannot sign
  EXPECT_FALSE(Do(reviewer_, app.id, Action::kApprove).ok());
  ctx_.keys = keys_.get();
  auto stored = GetApplication(ctx_, citizen_, app.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->state, ApplicationState::kAccepted);  // the decision rolled back with it
  EXPECT_TRUE(Mine().empty());
}

TEST_P(LicencesTest, OnlyTheHolderAndTheIssuerSeeALicenceAndOnlyTheIssuersReviewerActs) {
  Approved("market.online");
  const std::string id = Mine().at(0).licence.id;
  EXPECT_TRUE(GetLicence(ctx_, citizen_, id).ok());
  EXPECT_TRUE(GetLicence(ctx_, reviewer_, id).ok());
  EXPECT_EQ(GetLicence(ctx_, other_, id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(GetLicence(ctx_, stranger_, id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(ActOnLicence(ctx_, citizen_, id, LicenceAction::kSuspend, "x").error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(ActOnLicence(ctx_, stranger_, id, LicenceAction::kSuspend, "x").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(ActOnLicence(ctx_, reviewer_, id, LicenceAction::kSuspend, "  ").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(GetLicence(ctx_, citizen_, id)->licence.status, LicenceStatus::kValid);  // bad input changed nothing
}

TEST_P(LicencesTest, SuspendReinstateRevokeWithReasonsTellTheHolderAndRevokedIsFinal) {
  Approved("market.online");
  const std::string id = Mine().at(0).licence.id;
  auto suspended = ActOnLicence(ctx_, reviewer_, id, LicenceAction::kSuspend, "现场检查不合格");
  ASSERT_TRUE(suspended.ok()) << suspended.error().message;
  EXPECT_EQ(suspended->shown_status, "suspended");
  EXPECT_EQ(ActOnLicence(ctx_, reviewer_, id, LicenceAction::kSuspend, "again").error().code, ErrorCode::kConflict);
  ASSERT_TRUE(ActOnLicence(ctx_, reviewer_, id, LicenceAction::kReinstate, "整改完成").ok());
  auto revoked = ActOnLicence(ctx_, reviewer_, id, LicenceAction::kRevoke, "吊销");
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(revoked->shown_status, "revoked");
  EXPECT_EQ(ActOnLicence(ctx_, reviewer_, id, LicenceAction::kReinstate, "x").error().code, ErrorCode::kConflict);
  ASSERT_EQ(revoked->history.size(), 4u);
  EXPECT_EQ(revoked->history[1].reason, "现场检查不合格");
  EXPECT_EQ(revoked->history[3].action, "revoke");
  // The status list holds it as revoked (the revocation bit), and no longer as suspended.
  std::vector<int64_t> revoked_bits;
  std::vector<int64_t> suspended_bits;
  ASSERT_TRUE(store_->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(revoked_bits, tx.licences().StatusIndexes(revoked->licence.status_list, LicenceStatus::kRevoked));
    TB_ASSIGN_OR_RETURN(suspended_bits, tx.licences().StatusIndexes(revoked->licence.status_list, LicenceStatus::kSuspended));
    return Ok();
  }).ok());
  EXPECT_EQ(revoked_bits, (std::vector<int64_t>{revoked->licence.status_index}));
  EXPECT_TRUE(suspended_bits.empty());
  // The holder was told of each change, once each, in their inbox (services/messages_test.cc).
  std::vector<std::string> told;
  ASSERT_TRUE(store_->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(auto page, tx.messages().ListMessages(domain::ApplicantKind::kPerson, "11010519491231002X", "", 100));
    for (const auto& m : page.messages) {
      if (m.reference_id == id && m.kind != "licence_issued") told.push_back(m.kind);
    }
    return Ok();
  }).ok());
  std::sort(told.begin(), told.end());
  EXPECT_EQ(told, (std::vector<std::string>{"licence_reinstated", "licence_revoked", "licence_suspended"}));
}

TEST_P(LicencesTest, TheIndustryLicenceIsIssuedWithItsLastPartAndFollowsARevokedPart) {
  Approved("market.online");
  EXPECT_EQ(OfType(Mine(), "shop_whole"), nullptr);  // one part is not enough
  Approved("market.counter");
  auto mine = Mine();
  const LicenceView* whole = OfType(mine, "shop_whole");
  ASSERT_NE(whole, nullptr);
  const LicenceView* part = OfType(mine, "shop_permit");
  ASSERT_NE(part, nullptr);
  EXPECT_EQ(whole->licence.parts.size(), 2u);
  EXPECT_TRUE(whole->delivered);
  auto q = nlohmann::json::parse(keys_->Verify(whole->licence.qr_token)->payload);
  EXPECT_EQ(q["parts"].size(), 2u);
  EXPECT_LE(*format_.QrVersion(whole->licence.qr_token), 15);
  const std::string whole_id = whole->licence.id;
  const std::string part_id = part->licence.id;

  ASSERT_TRUE(ActOnLicence(ctx_, reviewer_, part_id, LicenceAction::kSuspend, "暂扣").ok());
  EXPECT_EQ(GetLicence(ctx_, citizen_, whole_id)->shown_status, "suspended");
  ASSERT_TRUE(ActOnLicence(ctx_, reviewer_, part_id, LicenceAction::kReinstate, "恢复").ok());
  EXPECT_EQ(GetLicence(ctx_, citizen_, whole_id)->shown_status, "valid");
  ASSERT_TRUE(ActOnLicence(ctx_, reviewer_, part_id, LicenceAction::kRevoke, "吊销").ok());
  const auto after = GetLicence(ctx_, citizen_, whole_id);
  EXPECT_EQ(after->shown_status, "suspended");
  EXPECT_EQ(after->licence.own_status, LicenceStatus::kValid);  // the issuer did not act on it
  EXPECT_EQ(after->history.back().action, "part");
}

TEST_P(LicencesTest, AnApprovalIssuesItsLicenceAtTheDecisionsTime) {
  const auto app = Approved("market.online");
  const auto mine = Mine();
  ASSERT_EQ(mine.size(), 1u);
  auto events = ListEvents(ctx_, citizen_, app.id);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(mine[0].licence.issued_at, events->back().at);
  EXPECT_TRUE(keys_->Verify(mine[0].licence.credential).ok());
}

// Review of issue 10: the status lists' key was ensured twice at start-up, by
// EnsureLicenceIssuerKeys and by wiring's EnsureSigningKeys; it is a platform key, made once.
class LicenceIssuerKeysTest : public testing::ServicesTest {};

TEST_P(LicenceIssuerKeysTest, EnsureLicenceIssuerKeysMakesTheIssuersKeysOnlyNotTheStatusKey) {
  domain::CatalogueData data = CatalogueData();
  domain::LicenceType shop;
  shop.code = "shop_permit";
  shop.name = {"店铺许可", "Shop permit"};
  shop.issuer = "market";
  shop.holder = domain::ApplicantKind::kPerson;
  data.licence_types = {shop};
  ServeCatalogue(std::move(data));
  auto keys = crypto::SealedKeyStore::Create(*store_, clock_, std::string(32, 'k'));
  ASSERT_TRUE(keys.ok()) << keys.error().message;
  ctx_.keys = keys->get();
  auto made = EnsureLicenceIssuerKeys(ctx_);
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(*made, 1);
  auto listed = (*keys)->PublicKeys();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().owner, (ports::KeyOwner{ports::KeyOwnerKind::kIssuer, "market"}));
  EXPECT_EQ(*EnsureLicenceIssuerKeys(ctx_), 0);  // idempotent
}

INSTANTIATE_TEST_SUITE_P(Databases, LicenceIssuerKeysTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<storage::testing::StoreTarget>& info) {
                           return info.param.name;
                         });

}  // namespace

INSTANTIATE_TEST_SUITE_P(Databases, LicencesTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<storage::testing::StoreTarget>& info) {
                           return info.param.name;
                         });

}  // namespace tongban::services
