// Messages by email and SMS (services/contacts.h, services/reminders.h; issue 12 item 3): a
// person's contact settings, validated before anything is stored; one outbox row per chosen
// channel written with every inbox message; expiry reminders 30 and 7 days ahead, once per
// licence and threshold, on a fake clock. Runs on SQLite and, when TONGBAN_TEST_PG_URL is set,
// PostgreSQL.
#include "services/contacts.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "crypto/key_store.h"
#include "crypto/licence_format.h"
#include "services/effects.h"
#include "services/keys.h"
#include "services/licences.h"
#include "services/messages.h"
#include "services/reminders.h"
#include "services_fixture.h"

namespace tongban::services {
namespace {

using domain::Action;

class ContactsTest : public testing::ServicesTest {
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
    ctx_.deliver_email = true;
    ctx_.deliver_sms = true;
    RegisterLicenceEffects(effects_);
    RegisterMessageEffects(effects_);
    ASSERT_TRUE(EnsureLicenceIssuerKeys(ctx_).ok());
    ASSERT_TRUE(EnsureSigningKeys(ctx_, {kStatusListKeyOwner}).ok());
  }

  // Every pending outbox row, claimed for a probe (so each is seen once).
  std::vector<ports::OutboxMessage> Outbox() {
    std::vector<ports::OutboxMessage> rows;
    EXPECT_TRUE(store_->Write([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(rows, tx.outbox().ClaimOutboxMessages(clock_.Now() + std::chrono::hours(1), "probe",
                                                                clock_.Now() + std::chrono::hours(2), 1000));
      return Ok();
    }).ok());
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.kind < b.kind; });
    return rows;
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

  std::vector<ports::Message> MessagesOfKind(const std::string& kind) {
    std::vector<ports::Message> out;
    auto list = ListMyMessages(ctx_, citizen_, "", "", 100);
    EXPECT_TRUE(list.ok());
    if (!list.ok()) return out;
    for (const auto& m : list->messages) {
      if (m.kind == kind) out.push_back(m);
    }
    return out;
  }

  std::unique_ptr<crypto::SealedKeyStore> keys_;
  crypto::JsonLicenceFormat format_;
  Effects effects_;
};

TEST_P(ContactsTest, EmailIsOnOnceAnAddressIsGivenAndSmsOnceANumberIs) {
  auto before = GetMyContact(ctx_, citizen_);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->email, "");
  EXPECT_FALSE(before->email_on);
  EXPECT_FALSE(before->sms_on);
  ContactChange change;
  change.email = "zhang.wei@example.com";
  auto updated = UpdateMyContact(ctx_, citizen_, change);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_TRUE(updated->email_on);
  EXPECT_FALSE(updated->sms_on);
  ContactChange mobile;
  mobile.mobile = "+86 138-1234-5678";
  updated = UpdateMyContact(ctx_, citizen_, mobile);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->mobile, "13812345678");
  EXPECT_TRUE(updated->sms_on);
  ContactChange off;
  off.email_on = false;
  updated = UpdateMyContact(ctx_, citizen_, off);
  ASSERT_TRUE(updated.ok());
  EXPECT_FALSE(updated->email_on);
  EXPECT_EQ(updated->email, "zhang.wei@example.com");
  // Saving the address again keeps the choice.
  updated = UpdateMyContact(ctx_, citizen_, change);
  ASSERT_TRUE(updated.ok());
  EXPECT_FALSE(updated->email_on);
}

TEST_P(ContactsTest, BadContactSettingsAreRefusedAndChangeNothing) {
  ContactChange good;
  good.email = "zhang.wei@example.com";
  ASSERT_TRUE(UpdateMyContact(ctx_, citizen_, good).ok());
  const std::vector<std::pair<ContactChange, std::string>> cases = [] {
    std::vector<std::pair<ContactChange, std::string>> out;
    ContactChange c;
    c.email = "no-at-sign";
    out.emplace_back(c, "error.me.email_invalid");
    c = {};
    c.email = "a@b.com\r\nBcc: x@y.com";
    out.emplace_back(c, "error.me.email_invalid");
    c = {};
    c.mobile = "12345";
    out.emplace_back(c, "error.me.mobile_invalid");
    c = {};
    c.language = "fr";
    out.emplace_back(c, "error.me.language_invalid");
    c = {};
    c.sms_on = true;
    out.emplace_back(c, "error.me.sms_needs_mobile");
    c = {};
    c.email = "";
    c.email_on = true;
    out.emplace_back(c, "error.me.email_needs_address");
    c = {};
    c.mobile = "13812345678";  // a good number with a bad language: nothing of it is stored
    c.language = "de";
    out.emplace_back(c, "error.me.language_invalid");
    return out;
  }();
  for (const auto& [change, key] : cases) {
    auto r = UpdateMyContact(ctx_, citizen_, change);
    ASSERT_FALSE(r.ok()) << key;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().message, key);
  }
  auto now = GetMyContact(ctx_, citizen_);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->email, "zhang.wei@example.com");
  EXPECT_TRUE(now->email_on);
  EXPECT_EQ(now->mobile, "");
  EXPECT_FALSE(now->sms_on);
  EXPECT_EQ(now->language, "zh");
}

TEST_P(ContactsTest, AMessageWritesOneOutboxRowPerChosenChannelInItsTransaction) {
  // Inbox only: no outbox rows.
  auto app = Submit("market.online");
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
  EXPECT_TRUE(Outbox().empty());
  ContactChange change;
  change.email = "zhang.wei@example.com";
  change.mobile = "13812345678";
  change.language = "en";
  ASSERT_TRUE(UpdateMyContact(ctx_, citizen_, change).ok());
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kRequestCorrection, "请补充").ok());
  const auto rows = Outbox();
  ASSERT_EQ(rows.size(), 2u);
  const auto messages = MessagesOfKind("application_correction_requested");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(rows[0].kind, "email");
  EXPECT_EQ(rows[1].kind, "sms");
  EXPECT_EQ(rows[0].dedupe_key, "message:" + messages[0].id + ":email");
  EXPECT_EQ(rows[1].dedupe_key, "message:" + messages[0].id + ":sms");
  const auto email = nlohmann::json::parse(rows[0].payload);
  EXPECT_EQ(email["to"], "zhang.wei@example.com");
  EXPECT_EQ(email["language"], "en");
  EXPECT_EQ(email["kind"], "application_correction_requested");
  EXPECT_EQ(email["params"]["reason"], "请补充");
  EXPECT_EQ(nlohmann::json::parse(rows[1].payload)["to"], "13812345678");
  // SMS off: only email.
  ContactChange sms_off;
  sms_off.sms_on = false;
  ASSERT_TRUE(UpdateMyContact(ctx_, citizen_, sms_off).ok());
  app = Submit("market.online");
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
  const auto more = Outbox();
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].kind, "email");
}

// Finding: with no SMS gateway configured, every message to a person with a mobile number left an
// "sms" outbox row that no server could send, retried until it went dead.
TEST_P(ContactsTest, AChannelThePlatformDoesNotDeliverOnGetsNoOutboxRow) {
  ctx_.deliver_sms = false;
  ContactChange change;
  change.email = "zhang.wei@example.com";
  change.mobile = "13812345678";
  ASSERT_TRUE(UpdateMyContact(ctx_, citizen_, change).ok());
  auto app = Submit("market.online");
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
  const auto rows = Outbox();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].kind, "email");
  ctx_.deliver_email = false;
  app = Submit("market.online");
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
  EXPECT_TRUE(Outbox().empty());
}

TEST_P(ContactsTest, RemindersGoOut30And7DaysBeforeExpiryOncePerLicenceAndThreshold) {
  ContactChange change;
  change.email = "zhang.wei@example.com";
  ASSERT_TRUE(UpdateMyContact(ctx_, citizen_, change).ok());
  const auto app = Submit("market.online");
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kApprove).ok());
  const std::string licence = LicenceOf(app.id);
  ASSERT_FALSE(licence.empty());
  Timestamp valid_until{};
  ASSERT_TRUE(store_->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(auto l, tx.licences().GetLicence(licence));
    valid_until = l.valid_until.value_or(Timestamp{});
    return Ok();
  }).ok());
  ASSERT_GT(valid_until, clock_.Now());

  auto run = SendExpiryReminders(ctx_, 1);
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(run->written, 0);  // years ahead

  clock_.Set(LocalDate(valid_until - std::chrono::hours(24 * 31)));
  ASSERT_TRUE(SendExpiryReminders(ctx_, 1).ok());
  EXPECT_TRUE(MessagesOfKind("licence_expiring").empty());

  clock_.Set(LocalDate(valid_until - std::chrono::hours(24 * 29)));
  run = SendExpiryReminders(ctx_, 1);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->written, 1);
  // Again, and again the next day: nothing more.
  EXPECT_EQ(SendExpiryReminders(ctx_, 1)->written, 0);
  clock_.Advance(std::chrono::hours(24));
  EXPECT_EQ(SendExpiryReminders(ctx_, 1)->written, 0);
  auto reminders = MessagesOfKind("licence_expiring");
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(reminders[0].params)["days"], "30");
  EXPECT_EQ(reminders[0].reference_id, licence);
  // (The approval's rows are claimable again: the probe's lease ran out years ago.)
  const auto rows = Outbox();
  EXPECT_EQ(std::count_if(rows.begin(), rows.end(),
                          [&](const auto& r) { return r.dedupe_key == "message:" + reminders[0].id + ":email"; }),
            1);

  clock_.Set(LocalDate(valid_until - std::chrono::hours(24 * 6)));
  EXPECT_EQ(SendExpiryReminders(ctx_, 1)->written, 1);
  EXPECT_EQ(SendExpiryReminders(ctx_, 1)->written, 0);
  reminders = MessagesOfKind("licence_expiring");
  ASSERT_EQ(reminders.size(), 2u);
  // After expiry: nothing.
  clock_.Set(LocalDate(valid_until + std::chrono::hours(48)));
  EXPECT_EQ(SendExpiryReminders(ctx_, 1)->written, 0);
}

TEST_P(ContactsTest, ALicenceFirstSeenWithinSevenDaysGetsOnlyTheSevenDayReminder) {
  const auto app = Submit("market.online");
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kApprove).ok());
  const std::string licence = LicenceOf(app.id);
  Timestamp valid_until{};
  ASSERT_TRUE(store_->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(auto l, tx.licences().GetLicence(licence));
    valid_until = l.valid_until.value_or(Timestamp{});
    return Ok();
  }).ok());
  clock_.Set(LocalDate(valid_until - std::chrono::hours(24 * 3)));
  EXPECT_EQ(SendExpiryReminders(ctx_)->written, 1);
  const auto reminders = MessagesOfKind("licence_expiring");
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(reminders[0].params)["days"], "7");
}

TEST_P(ContactsTest, ServersRemindingAtOnceWriteEachReminderOnce) {
  std::vector<std::string> licences;
  for (int i = 0; i < 6; ++i) {
    const auto app = Submit("market.online");
    ASSERT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
    ASSERT_TRUE(Do(reviewer_, app.id, Action::kApprove).ok());
    licences.push_back(LicenceOf(app.id));
  }
  Timestamp valid_until{};
  ASSERT_TRUE(store_->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(auto l, tx.licences().GetLicence(licences.front()));
    valid_until = l.valid_until.value_or(Timestamp{});
    return Ok();
  }).ok());
  clock_.Set(LocalDate(valid_until - std::chrono::hours(24 * 20)));
  std::atomic<int> written{0};
  std::vector<std::thread> servers;
  for (int i = 0; i < 4; ++i) {
    servers.emplace_back([&] {
      auto run = SendExpiryReminders(ctx_, 2);
      if (run.ok()) written += run->written;
    });
  }
  for (auto& t : servers) t.join();
  EXPECT_EQ(written.load(), 6);
  EXPECT_EQ(MessagesOfKind("licence_expiring").size(), 6u);
}

INSTANTIATE_TEST_SUITE_P(Databases, ContactsTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::services
