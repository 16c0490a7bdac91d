// The homepages (services/home.h, services/suggestions.h; issue 12 items 1 and 2): the latest
// applications, licences, what expires within 90 days with its renewal item, the unread count,
// and the suggestion rules of each kind over the person's data and licences (their reads in the
// access log), a dismissal, and an enterprise's homepage for its agents only. On SQLite and, when
// TONGBAN_TEST_PG_URL is set, PostgreSQL.
#include "services/home.h"

#include <cstdio>

#include "common/ids.h"
#include "crypto/key_store.h"
#include "crypto/licence_format.h"
#include "services/effects.h"
#include "services/keys.h"
#include "services/licences.h"
#include "services/messages.h"
#include "services/suggestions.h"
#include "services_fixture.h"

namespace tongban::services {
namespace {

domain::LicenceType MakeType(std::string code, int years, std::string renewed_by) {
  domain::LicenceType t;
  t.code = std::move(code);
  t.name = {"驾驶证", "Driving licence"};
  t.issuer = "market";
  t.holder = domain::ApplicantKind::kPerson;
  t.validity_years = years;
  t.renewed_by = std::move(renewed_by);
  return t;
}

domain::SuggestionRule Rule(std::string code, domain::SuggestionCondition when) {
  domain::SuggestionRule r;
  r.code = std::move(code);
  r.when = when;
  r.item = "market.counter";
  r.reason = {"到期日 {date}", "expires on {date} ({age})"};
  return r;
}

// A valid resident id number born on `born` (district 110101, sequence 001).
std::string IdBornOn(Date born) {
  char first17[18];
  std::snprintf(first17, sizeof first17, "110101%04d%02d%02d001", born.year, born.month, born.day);
  return std::string(first17) + ResidentIdCheckChar(first17);
}

class HomeTest : public testing::ServicesTest {
 protected:
  void SetUp() override {
    testing::ServicesTest::SetUp();
    UseRules({});
    auto keys = crypto::SealedKeyStore::Create(*store_, clock_, std::string(32, 'k'));
    ASSERT_TRUE(keys.ok()) << keys.error().message;
    keys_ = std::move(keys).value();
    ctx_.keys = keys_.get();
    ctx_.licence_format = &format_;
    ctx_.effects = &effects_;
    RegisterMessageEffects(effects_);
    ASSERT_TRUE(EnsureLicenceIssuerKeys(ctx_).ok());
    ASSERT_TRUE(EnsureSigningKeys(ctx_, {kStatusListKeyOwner}).ok());
  }

  void UseRules(std::vector<domain::SuggestionRule> rules) {
    domain::CatalogueData data = CatalogueData();
    data.licence_types = {MakeType("driving_licence", 6, "market.counter"), MakeType("other_permit", 10, "")};
    data.suggestions = std::move(rules);
    ServeCatalogue(std::move(data));
  }

  // A licence of `type` for the citizen, issued so that it expires in `days_left` days.
  void Hold(const std::string& type, int years, int days_left) {
    HeldLicenceRequest req;
    req.type = type;
    req.holder_id = citizen_.user.person_id;
    req.holder_name = "张伟";
    // Issued `years` calendar years before the day it should expire (its validity is in years).
    const Date expires = AddDays(LocalDate(clock_.Now()), days_left);
    req.issued_at = StartOfLocalDay(Date{expires.year - years, expires.month, expires.day}) + std::chrono::hours(10);
    req.actor_user_id = "platform";
    auto issued = IssueHeldLicence(ctx_, req);
    ASSERT_TRUE(issued.ok()) << issued.error().message;
  }

  void Records(std::vector<ports::DatasetRecord> records) {
    ASSERT_TRUE(store_->Write([&](ports::Transaction& tx) {
      return tx.datasets().InsertRecords(records, ports::RecordWrite::kAppend);
    }).ok());
  }

  size_t QueuedLogEntries() {
    size_t n = 0;
    EXPECT_TRUE(store_->Read([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(auto rows, tx.access_log().ListQueuedAccessLogRows(1000));
      n = rows.size();
      return Ok();
    }).ok());
    return n;
  }

  std::unique_ptr<crypto::SealedKeyStore> keys_;
  crypto::JsonLicenceFormat format_;
  Effects effects_;
};

TEST_P(HomeTest, HomeShowsLatestApplicationsLicencesExpiringAndUnread) {
  for (int i = 0; i < 7; ++i) Submit("market.counter");
  Hold("driving_licence", 6, 30);   // expires within 90 days
  Hold("other_permit", 10, 400);    // does not
  auto home = Home(ctx_, citizen_, "");
  ASSERT_TRUE(home.ok()) << home.error().message;
  EXPECT_EQ(home->applications.size(), static_cast<size_t>(kHomeApplications));
  EXPECT_TRUE(home->more_applications);
  EXPECT_EQ(home->licences.size(), 2u);
  ASSERT_EQ(home->expiring.size(), 1u);
  EXPECT_EQ(home->expiring[0].licence.licence.type, "driving_licence");
  EXPECT_EQ(home->expiring[0].renewed_by, "market.counter");
  EXPECT_EQ(home->expiring[0].days_left, 30);
  EXPECT_EQ(home->unread, 2);  // the two licences' messages
  // Someone else sees none of it.
  auto others = Home(ctx_, other_, "");
  ASSERT_TRUE(others.ok());
  EXPECT_TRUE(others->applications.empty());
  EXPECT_TRUE(others->licences.empty());
  // Officials have no home.
  auto official = Home(ctx_, reviewer_, "");
  ASSERT_FALSE(official.ok());
  EXPECT_EQ(official.error().message, "error.home.no_home");
}

TEST_P(HomeTest, SuggestionRuleLicenceExpiring) {
  auto rule = Rule("renew", domain::SuggestionCondition::kLicenceExpiring);
  rule.licence_type = "driving_licence";
  rule.within_days = 60;
  UseRules({rule});
  Hold("driving_licence", 6, 90);  // outside 60 days
  auto home = Home(ctx_, citizen_, "");
  ASSERT_TRUE(home.ok()) << home.error().message;
  EXPECT_TRUE(home->suggestions.empty());
  clock_.Advance(std::chrono::days(40));  // now 50 days left
  home = Home(ctx_, citizen_, "");
  ASSERT_TRUE(home.ok());
  ASSERT_EQ(home->suggestions.size(), 1u);
  EXPECT_EQ(home->suggestions[0].rule, "renew");
  EXPECT_EQ(home->suggestions[0].item, "market.counter");
  const std::string expected = FormatIsoDate(LocalDate(home->licences[0].licence.valid_until.value()));
  EXPECT_EQ(FillReason(home->suggestions[0].reason.en, home->suggestions[0].values),
            "expires on " + expected + " ({age})");
}

TEST_P(HomeTest, SuggestionRuleAgeReachingReadsThroughTheAccessLog) {
  auto rule = Rule("retire", domain::SuggestionCondition::kAgeReaching);
  rule.age = 60;
  rule.within_months = 6;
  UseRules({rule});
  const std::string person = citizen_.user.person_id;
  Records({{"population", person, person, R"({"birth_date":"1967-03-01"})", clock_.Now()}});
  const size_t before = QueuedLogEntries();
  auto home = Home(ctx_, citizen_, "");  // 2026-09-28: 60 on 2027-03-01, within 6 months
  ASSERT_TRUE(home.ok()) << home.error().message;
  ASSERT_EQ(home->suggestions.size(), 1u);
  EXPECT_EQ(FillReason(home->suggestions[0].reason.en, home->suggestions[0].values), "expires on 2027-03-01 (60)");
  EXPECT_EQ(QueuedLogEntries(), before + 1);  // the population read, recorded
  // Further away than the window, or already past: nothing.
  auto other = Actor(other_);
  Records({{"population", other.user.person_id, other.user.person_id, R"({"birth_date":"1967-04-01"})", clock_.Now()}});
  auto later = Home(ctx_, other, "");
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->suggestions.empty());
}

TEST_P(HomeTest, SuggestionRuleHouseholdBirth) {
  auto rule = Rule("newborn", domain::SuggestionCondition::kHouseholdBirth);
  rule.within_months = 12;
  rule.item.clear();
  rule.bundle = "a-baby-is-born";
  UseRules({rule});
  const std::string person = citizen_.user.person_id;
  const std::string baby = IdBornOn({2026, 5, 1});
  const std::string elder_child = IdBornOn({2020, 5, 1});
  Records({{"household_registration", person, "H1", R"({"household_id":"H1"})", clock_.Now()},
           {"household_registration", baby, "H1", R"({"household_id":"H1"})", clock_.Now()},
           {"household_registration", elder_child, "H1", R"({"household_id":"H1"})", clock_.Now()},
           {"household_registration", IdBornOn({2026, 6, 1}), "H2", R"({"household_id":"H2"})", clock_.Now()}});
  const size_t before = QueuedLogEntries();
  auto home = Home(ctx_, citizen_, "");
  ASSERT_TRUE(home.ok()) << home.error().message;
  ASSERT_EQ(home->suggestions.size(), 1u);
  EXPECT_EQ(home->suggestions[0].bundle, "a-baby-is-born");
  EXPECT_EQ(home->suggestions[0].values[0].second, "2026-05-01");
  EXPECT_EQ(QueuedLogEntries(), before + 3);  // the person's record and the two members'
  // A year on, the baby is no longer new.
  clock_.Advance(std::chrono::days(366));
  home = Home(ctx_, citizen_, "");
  ASSERT_TRUE(home.ok());
  EXPECT_TRUE(home->suggestions.empty());
}

TEST_P(HomeTest, SuggestionDismissalTurnsItOffAndOn) {
  auto rule = Rule("renew", domain::SuggestionCondition::kLicenceExpiring);
  rule.licence_type = "driving_licence";
  rule.within_days = 90;
  UseRules({rule});
  Hold("driving_licence", 6, 30);
  ASSERT_EQ(Home(ctx_, citizen_, "")->suggestions.size(), 1u);
  auto dismissed = DismissSuggestion(ctx_, citizen_, "", "renew");
  ASSERT_TRUE(dismissed.ok()) << dismissed.error().message;
  EXPECT_TRUE(*dismissed);
  EXPECT_FALSE(*DismissSuggestion(ctx_, citizen_, "", "renew"));  // again: no change
  EXPECT_TRUE(Home(ctx_, citizen_, "")->suggestions.empty());
  EXPECT_EQ(Home(ctx_, citizen_, "")->expiring.size(), 1u);  // the licence itself still shows
  // An unknown rule changes nothing.
  auto unknown = DismissSuggestion(ctx_, citizen_, "", "no-such-rule");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "error.suggestion.unknown");
  ASSERT_TRUE(*RestoreSuggestion(ctx_, citizen_, "", "renew"));
  EXPECT_EQ(Home(ctx_, citizen_, "")->suggestions.size(), 1u);
}

TEST_P(HomeTest, EnterpriseHomeOnlyForItsAgents) {
  auto home = Home(ctx_, citizen_, "91310000MA1FL8XQ3C");
  ASSERT_FALSE(home.ok());
  EXPECT_EQ(home.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(home.error().message, "error.home.no_agent_rights");
}

INSTANTIATE_TEST_SUITE_P(Databases, HomeTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::services
