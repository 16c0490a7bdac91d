// The holder's inbox (services/messages.h; issue 12 item 3, issue 10 item 4 "the holder is told"):
// every change that concerns a holder or an applicant writes a message in the change's own
// transaction (a failed change writes none), the inbox lists and marks them for their recipient
// only. Runs on SQLite and, when TONGBAN_TEST_PG_URL is set, PostgreSQL.
#include "services/messages.h"

#include <algorithm>

#include "crypto/key_store.h"
#include "crypto/licence_format.h"
#include "services/effects.h"
#include "services/keys.h"
#include "services/licences.h"
#include "services_fixture.h"

namespace tongban::services {
namespace {

using domain::Action;
using domain::LicenceAction;

constexpr const char* kCitizenId = "11010519491231002X";

class MessagesTest : public testing::ServicesTest {
 protected:
  void SetUp() override {
    testing::ServicesTest::SetUp();
    domain::CatalogueData data = CatalogueData();
    data.items[0].licence_type = "shop_permit";  // market.online
    domain::LicenceType shop;
    shop.code = "shop_permit";
    shop.name = {"店铺许可", "Shop permit"};
    shop.issuer = "market";
    shop.holder = domain::ApplicantKind::kPerson;
    shop.validity_years = 5;
    shop.claims = {{"shop_name", {"店名", "Shop name"}, "shop_name"}};
    data.licence_types = {shop};
    ServeCatalogue(std::move(data));
    auto keys = crypto::SealedKeyStore::Create(*store_, clock_, std::string(32, 'k'));
    ASSERT_TRUE(keys.ok()) << keys.error().message;
    keys_ = std::move(keys).value();
    ctx_.keys = keys_.get();
    ctx_.licence_format = &format_;
    ctx_.effects = &effects_;
    RegisterLicenceEffects(effects_);
    RegisterMessageEffects(effects_);
    ASSERT_TRUE(EnsureLicenceIssuerKeys(ctx_).ok());
    ASSERT_TRUE(EnsureSigningKeys(ctx_, {kStatusListKeyOwner}).ok());
  }

  // The kinds of the citizen's messages about `reference_id`, sorted (ids made within one
  // millisecond do not order by time, so the tests do not depend on the order).
  std::vector<std::string> KindsAbout(const std::string& reference_id) {
    std::vector<std::string> kinds;
    auto list = ListMyMessages(ctx_, citizen_, "", "", 100);
    EXPECT_TRUE(list.ok()) << list.error().message;
    if (!list.ok()) return kinds;
    for (const auto& m : list->messages) {
      if (m.reference_id == reference_id) kinds.push_back(m.kind);
    }
    std::sort(kinds.begin(), kinds.end());
    return kinds;
  }

  std::string LicenceOf(const std::string& application_id) {
    std::string id;
    EXPECT_TRUE(store_->Read([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(auto licences, tx.licences().LicencesOfApplication(application_id));
      if (!licences.empty()) id = licences.front().id;
      return Ok();
    }).ok());
    return id;
  }

  std::unique_ptr<crypto::SealedKeyStore> keys_;
  crypto::JsonLicenceFormat format_;
  Effects effects_;
};

TEST_P(MessagesTest, ApplicationChangesThatConcernTheApplicantPutAMessageInTheirInbox) {
  const auto app = Submit("market.online");
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kRequestCorrection, "请补充营业时间").ok());
  EXPECT_EQ(KindsAbout(app.id),
            (std::vector<std::string>{"application_accepted", "application_correction_requested"}));
  auto list = ListMyMessages(ctx_, citizen_, "", "", 10);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->messages.size(), 2u);
  const ports::Message& newest = list->messages[0].kind == "application_correction_requested" ? list->messages[0]
                                                                                               : list->messages[1];
  EXPECT_EQ(newest.recipient_kind, domain::ApplicantKind::kPerson);
  EXPECT_EQ(newest.recipient_id, kCitizenId);
  EXPECT_EQ(newest.reference_kind, "application");
  EXPECT_EQ(newest.params, MessageParamsJson({{"item", "market.online"}, {"reference", app.reference},
                                              {"reason", "请补充营业时间"}}));
  EXPECT_EQ(list->unread, 2);
}

TEST_P(MessagesTest, ApprovalAndDeliveryTellTheApplicantAndTheHolderOfTheLicence) {
  const auto app = Submit("market.online");
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kApprove).ok());
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kDeliver).ok());
  EXPECT_EQ(KindsAbout(app.id), (std::vector<std::string>{"application_accepted", "application_approved",
                                                          "application_delivered"}));
  EXPECT_EQ(KindsAbout(LicenceOf(app.id)), (std::vector<std::string>{"licence_delivered", "licence_issued"}));
}

// Issue 10 item 4 ("the holder is told"): a status change put a licence_status row in the outbox
// that no sender ever delivered; it is now a message in the holder's inbox, with the reason, and
// the outbox holds nothing nobody sends.
TEST_P(MessagesTest, LicenceStatusChangeTellsTheHolderInTheInboxNotAnUnsentOutboxRow) {
  const auto app = Submit("market.online");
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kApprove).ok());
  const std::string id = LicenceOf(app.id);
  ASSERT_TRUE(ActOnLicence(ctx_, reviewer_, id, LicenceAction::kSuspend, "现场检查不合格").ok());
  ASSERT_TRUE(ActOnLicence(ctx_, reviewer_, id, LicenceAction::kReinstate, "整改完成").ok());
  ASSERT_TRUE(ActOnLicence(ctx_, reviewer_, id, LicenceAction::kRevoke, "吊销").ok());
  EXPECT_EQ(KindsAbout(id), (std::vector<std::string>{"licence_issued", "licence_reinstated", "licence_revoked",
                                                      "licence_suspended"}));
  auto list = ListMyMessages(ctx_, citizen_, "", "", 100);
  ASSERT_TRUE(list.ok());
  for (const auto& m : list->messages) {
    if (m.kind == "licence_revoked") {
      EXPECT_EQ(m.params, MessageParamsJson({{"licence_type", "shop_permit"}, {"reason", "吊销"}}));
    }
  }
  int unsent = 0;
  ASSERT_TRUE(store_->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(auto due, tx.outbox().ClaimOutboxMessages(clock_.Now(), "probe", clock_.Now(), 100));
    unsent = static_cast<int>(due.size());
    return Ok();
  }).ok());
  EXPECT_EQ(unsent, 0);
}

TEST_P(MessagesTest, AFailedChangeWritesNoMessage) {
  const auto app = Submit("market.online");
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kApprove).ok());
  const std::string id = LicenceOf(app.id);
  const auto before = KindsAbout(id);
  // Refused changes: no reason, a state that does not allow it, not the issuer.
  EXPECT_FALSE(ActOnLicence(ctx_, reviewer_, id, LicenceAction::kSuspend, " ").ok());
  EXPECT_FALSE(ActOnLicence(ctx_, reviewer_, id, LicenceAction::kReinstate, "x").ok());
  EXPECT_FALSE(ActOnLicence(ctx_, stranger_, id, LicenceAction::kSuspend, "x").ok());
  EXPECT_EQ(KindsAbout(id), before);
  // A change whose transaction fails after the message was written (a later effect fails): the
  // message goes with it.
  effects_.On<domain::ApplicationChanged>("test.fails", [](EffectScope&, const domain::ApplicationChanged& e) -> Status {
    if (e.action == domain::ActionName(Action::kDeliver)) return MakeError(ErrorCode::kUnavailable, "down");
    return Ok();
  });
  EXPECT_FALSE(Do(reviewer_, app.id, Action::kDeliver).ok());
  EXPECT_EQ(KindsAbout(app.id), (std::vector<std::string>{"application_accepted", "application_approved"}));
  EXPECT_EQ(KindsAbout(id), before);  // not delivered, not told
}

TEST_P(MessagesTest, OnlyTheRecipientListsAndMarksTheirMessages) {
  const auto app = Submit("market.online");
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
  auto mine = ListMyMessages(ctx_, citizen_, "", "", 10);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->messages.size(), 1u);
  const std::string id = mine->messages[0].id;
  EXPECT_TRUE(ListMyMessages(ctx_, other_, "", "", 10)->messages.empty());
  EXPECT_TRUE(ListMyMessages(ctx_, reviewer_, "", "", 10)->messages.empty());  // an official has no inbox
  EXPECT_EQ(ListMyMessages(ctx_, citizen_, "91310000MA1FL0000X", "", 10).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(MarkMessageRead(ctx_, other_, id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(MarkMessageRead(ctx_, reviewer_, id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(*CountMyUnreadMessages(ctx_, citizen_, ""), 1);
  auto read = MarkMessageRead(ctx_, citizen_, id);
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_TRUE(read->read_at.has_value());
  EXPECT_EQ(*CountMyUnreadMessages(ctx_, citizen_, ""), 0);
  EXPECT_TRUE(MarkMessageRead(ctx_, citizen_, id).ok());  // again: fine
  EXPECT_EQ(MarkMessageRead(ctx_, citizen_, "nope").error().code, ErrorCode::kNotFound);
}

TEST(MessageParamsTest, ParamsAreAJsonObjectWithEscapedStrings) {
  EXPECT_EQ(MessageParamsJson({}), "{}");
  EXPECT_EQ(MessageParamsJson({{"reason", "a \"b\"\\\n\x01"}, {"item", "x"}}),
            "{\"reason\":\"a \\\"b\\\"\\\\\\n\\u0001\",\"item\":\"x\"}");
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Databases, MessagesTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<storage::testing::StoreTarget>& info) {
                           return info.param.name;
                         });

}  // namespace tongban::services
