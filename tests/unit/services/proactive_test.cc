// Benefits without applying (services/proactive.h, issue 12 item 1): the daily job offers an
// allowance the month a person turns 65, found through the birth-date index, checked by the item's
// other rules (reads logged as the platform's), once per person and month however often or on
// however many servers it runs; the person confirms (submitted) or declines (ended) in one step,
// and an unanswered offer lapses after the item's decline_days. A fake clock; runs on SQLite and,
// when TONGBAN_TEST_PG_URL is set, PostgreSQL.
#include "services/proactive.h"

#include <thread>

#include "services/contacts.h"
#include "services/messages.h"
#include "services_fixture.h"

namespace tongban::services {
namespace {

using domain::Action;
using domain::ApplicationState;

// Resident ids (GB 11643 check digits) by date of birth; the fixture's clock is 2026-09-28.
constexpr const char* kTurns65InSeptember = "310115196109100014";  // born 1961-09-10
constexpr const char* kTurned65InAugust = "310115196108050027";    // born 1961-08-05
constexpr const char* kTurns65InOctober = "310115196110050034";    // born 1961-10-05
constexpr const char* kUnregistered = "310115196109150046";        // born 1961-09-15, no household record

domain::ServiceItem AllowanceItem(domain::ProactiveRule rule) {
  domain::ServiceItem item;
  item.code = "civil.elderly-allowance";
  item.name = {"老年综合津贴申领", "Elderly allowance"};
  item.department = "market";  // the fixture's reviewer's department
  item.legal_limit_days = 20;
  item.promised_limit_days = 10;
  item.fully_online = true;
  item.channels = {domain::Channel::kWeb};
  domain::Field phone;
  phone.name = "contact_phone";
  phone.label = {"联系电话", "Contact phone"};
  phone.type = domain::FieldType::kPhone;
  phone.required = true;
  item.fields = {phone};
  domain::EligibilityRule registered;
  registered.dataset = "household_registration";
  registered.field = "district";
  registered.kind = domain::EligibilityRuleKind::kPresent;
  registered.reason = {"本市户籍", "Registered"};
  domain::EligibilityRule age;
  age.dataset = "population";
  age.field = "birth_date";
  age.kind = domain::EligibilityRuleKind::kAgeAtLeast;
  age.values = {"65"};
  age.reason = {"年满65周岁", "Aged 65 or over"};
  item.eligibility = {registered, age};
  item.proactive = rule;
  return item;
}

class ProactiveTest : public testing::ServicesTest {
 protected:
  void SetUp() override {
    ServicesTest::SetUp();
    UseProactive({domain::ProactiveConfirm::kAsk, 30, domain::ProactiveUnanswered::kLapse});
    Person(kTurns65InSeptember, "1961-09-10", true);
    Person(kTurned65InAugust, "1961-08-05", true);
    Person(kTurns65InOctober, "1961-10-05", true);
    Person(kUnregistered, "1961-09-15", false);
    september_ = MakeUser("wang.lao", domain::Role::kCitizen, "", kTurns65InSeptember);
  }

  void UseProactive(domain::ProactiveRule rule) {
    auto data = CatalogueData();
    data.items.push_back(AllowanceItem(rule));
    ServeCatalogue(std::move(data));
  }

  // A person's population record and, when registered, their household record.
  void Person(const std::string& id, const std::string& birth_date, bool registered) {
    std::vector<ports::DatasetRecord> records = {
        {"population", id, id, R"({"name":"王老","birth_date":")" + birth_date + R"("})", clock_.Now()}};
    if (registered) records.push_back({"household_registration", id, "H-" + id, R"({"district":"310115"})", clock_.Now()});
    ASSERT_TRUE(store_->Write([&](ports::Transaction& tx) {
      return tx.datasets().InsertRecords(records, ports::RecordWrite::kReplace);
    }).ok());
  }

  ProactiveRun Run() {
    auto run = RunProactiveJob(ctx_, 2);  // pages of 2: the paging is exercised too
    EXPECT_TRUE(run.ok()) << run.error().message;
    return run.ok() ? *run : ProactiveRun{};
  }

  std::vector<domain::Application> Of(const Actor& who) {
    auto page = ListApplications(ctx_, who, ListRequest{});
    EXPECT_TRUE(page.ok()) << page.error().message;
    return page.ok() ? page->applications : std::vector<domain::Application>{};
  }

  // Applications of the item held for `person`, read straight from the store.
  size_t CasesOf(const std::string& person) {
    size_t n = 0;
    EXPECT_TRUE(store_->Read([&](ports::Transaction& tx) -> Status {
      ports::ApplicationQuery q;
      q.person_id = person;
      TB_ASSIGN_OR_RETURN(auto page, tx.applications().ListApplications(q));
      n = page.applications.size();
      return Ok();
    }).ok());
    return n;
  }

  std::vector<ports::Message> Inbox(const std::string& person) {
    std::vector<ports::Message> out;
    EXPECT_TRUE(store_->Read([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(auto page, tx.messages().ListMessages(domain::ApplicantKind::kPerson, person, "", 50));
      out = page.messages;
      return Ok();
    }).ok());
    return out;
  }

  Result<domain::Application> Answer(Action action, std::optional<std::map<std::string, std::string>> fields = {}) {
    const auto apps = Of(september_);
    if (apps.empty()) return MakeError(ErrorCode::kNotFound, "no case");
    ActRequest req;
    req.action = action;
    req.fields = std::move(fields);
    return Act(ctx_, september_, apps.front().id, req);
  }

  Actor september_;
};

TEST_P(ProactiveTest, JobOffersTheAllowanceTheMonthAPersonTurns65) {
  ASSERT_TRUE(UpdateMyContact(ctx_, september_, ContactChange{{}, "13800138000", {}, {}, {}}).ok());
  const ProactiveRun run = Run();
  EXPECT_EQ(run.offered, 1);
  EXPECT_EQ(run.candidates, 2);  // born 1961-09-01..1961-09-28: the registered one and the unregistered one
  const auto apps = Of(september_);
  ASSERT_EQ(apps.size(), 1u);
  const domain::Application& app = apps.front();
  EXPECT_EQ(app.item, "civil.elderly-allowance");
  EXPECT_EQ(app.state, ApplicationState::kOffered);
  EXPECT_EQ(app.applicant_user_id, kPlatformUserId);
  EXPECT_EQ(app.fields.at("contact_phone"), "13800138000");  // from the person's contact settings
  EXPECT_FALSE(app.reference.empty());
  // Recorded as the platform's step, with its reason.
  auto events = ListEvents(ctx_, september_, app.id);
  ASSERT_TRUE(events.ok()) << events.error().message;
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().action, "offer");
  EXPECT_EQ(events->front().actor_role, "platform");
  EXPECT_EQ(events->front().reason, kProactiveReason);
  // The person is told; the one who turned 65 last month is not offered again.
  const auto inbox = Inbox(kTurns65InSeptember);
  ASSERT_EQ(inbox.size(), 1u);
  EXPECT_EQ(inbox.front().kind, "proactive_offered");
  EXPECT_EQ(CasesOf(kTurned65InAugust), 0u);
  // The eligibility reads are in the access log, as the platform's, with the job's purpose.
  bool logged = false;
  ASSERT_TRUE(store_->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(auto rows, tx.access_log().ListQueuedAccessLogRows(1000));
    for (const auto& r : rows) {
      logged = logged || (r.subject_id == kTurns65InSeptember &&
                          r.leaf.find("benefits_without_applying:civil.elderly-allowance") != std::string::npos);
    }
    return Ok();
  }).ok());
  EXPECT_TRUE(logged);
  // Officials do not see an offer: it is the person's until they confirm it.
  auto queue = ListApplications(ctx_, reviewer_, ListRequest{});
  ASSERT_TRUE(queue.ok());
  EXPECT_TRUE(queue->applications.empty());
  EXPECT_FALSE(GetApplication(ctx_, reviewer_, app.id).ok());
}

TEST_P(ProactiveTest, JobRunTwiceCreatesNothingTwice) {
  EXPECT_EQ(Run().offered, 1);
  EXPECT_EQ(Run().offered, 0);
  // Two servers at once: still one case.
  clock_.Set({2026, 10, 20});  // October: the October person is new
  std::atomic<int> offered{0};
  std::vector<std::thread> servers;
  for (int i = 0; i < 2; ++i) {
    servers.emplace_back([&] {
      auto run = RunProactiveJob(ctx_, 2);
      EXPECT_TRUE(run.ok()) << run.error().message;
      if (run.ok()) offered += run->offered;
    });
  }
  for (auto& t : servers) t.join();
  EXPECT_EQ(offered.load(), 1);
  EXPECT_EQ(CasesOf(kTurns65InSeptember), 1u);
  EXPECT_EQ(CasesOf(kTurns65InOctober), 1u);
  EXPECT_EQ(Inbox(kTurns65InSeptember).size(), 1u);
}

TEST_P(ProactiveTest, PersonTurning65NextMonthIsNotOffered) {
  Run();
  EXPECT_EQ(CasesOf(kTurns65InOctober), 0u);
  clock_.Set({2026, 10, 4});  // October, the day before the birthday: not yet 65
  Run();
  EXPECT_EQ(CasesOf(kTurns65InOctober), 0u);
  clock_.Set({2026, 10, 5});
  EXPECT_EQ(Run().offered, 1);
  EXPECT_EQ(CasesOf(kTurns65InOctober), 1u);
}

TEST_P(ProactiveTest, UnregisteredPersonIsNotOffered) {
  Run();
  EXPECT_EQ(CasesOf(kUnregistered), 0u);
  EXPECT_TRUE(Inbox(kUnregistered).empty());
  // Registered later in the month: the next day's run offers it.
  Person(kUnregistered, "1961-09-15", true);
  clock_.Advance(std::chrono::hours(24));
  EXPECT_EQ(Run().offered, 1);
  EXPECT_EQ(CasesOf(kUnregistered), 1u);
}

TEST_P(ProactiveTest, DeclinedOfferClosesTheCase) {
  Run();
  // An official cannot answer for the person (they do not even see it).
  const std::string id = Of(september_).front().id;
  EXPECT_EQ(Do(reviewer_, id, Action::kDecline).error().code, ErrorCode::kNotFound);
  auto declined = Answer(Action::kDecline);
  ASSERT_TRUE(declined.ok()) << declined.error().message;
  EXPECT_EQ(declined->state, ApplicationState::kDeclined);
  EXPECT_EQ(Answer(Action::kConfirm).error().code, ErrorCode::kConflict);
  // Neither lapses nor comes back: next month's and later runs leave it.
  clock_.Set({2026, 10, 30});
  const ProactiveRun later = Run();
  EXPECT_EQ(later.lapsed, 0);
  EXPECT_EQ(CasesOf(kTurns65InSeptember), 1u);
}

TEST_P(ProactiveTest, ConfirmedOfferIsSubmitted) {
  Run();
  // The phone the platform could not know is asked for in the same step.
  auto missing = Answer(Action::kConfirm);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(missing.error().fields.size(), 1u);
  EXPECT_EQ(missing.error().fields.front().field, "contact_phone");
  EXPECT_EQ(Of(september_).front().state, ApplicationState::kOffered);  // nothing changed
  auto confirmed = Answer(Action::kConfirm, std::map<std::string, std::string>{{"contact_phone", "13900139000"}});
  ASSERT_TRUE(confirmed.ok()) << confirmed.error().message;
  EXPECT_EQ(confirmed->state, ApplicationState::kSubmitted);
  ASSERT_TRUE(confirmed->deadline.has_value());
  EXPECT_EQ(confirmed->fields.at("contact_phone"), "13900139000");
  // It proceeds like any application: in the department's queue, the reviewer acts on it.
  auto queue = ListApplications(ctx_, reviewer_, ListRequest{});
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->applications.size(), 1u);
  EXPECT_TRUE(Do(reviewer_, confirmed->id, Action::kAccept).ok());
  // Confirmed offers do not lapse.
  clock_.Set({2026, 10, 30});
  EXPECT_EQ(Run().lapsed, 0);
}

TEST_P(ProactiveTest, UnansweredOfferLapsesAfterDeclineDays) {
  Run();
  clock_.Advance(std::chrono::hours(24 * 29));
  EXPECT_EQ(Run().lapsed, 0);
  clock_.Advance(std::chrono::hours(24 * 2));
  EXPECT_EQ(Run().lapsed, 1);
  EXPECT_EQ(Of(september_).front().state, ApplicationState::kClosed);
  EXPECT_EQ(Inbox(kTurns65InSeptember).front().kind, "proactive_lapsed");
}

TEST_P(ProactiveTest, ProceedItemIsSubmittedByThePlatform) {
  UseProactive({domain::ProactiveConfirm::kProceed, 0, domain::ProactiveUnanswered::kLapse});
  ASSERT_TRUE(UpdateMyContact(ctx_, september_, ContactChange{{}, "13800138000", {}, {}, {}}).ok());
  const ProactiveRun run = Run();
  EXPECT_EQ(run.proceeded, 1);
  const auto app = Of(september_).front();
  EXPECT_EQ(app.state, ApplicationState::kSubmitted);
  EXPECT_EQ(Inbox(kTurns65InSeptember).front().kind, "proactive_submitted");
  // The person can still withdraw it.
  EXPECT_EQ(Do(september_, app.id, Action::kWithdraw)->state, ApplicationState::kWithdrawn);
}

INSTANTIATE_TEST_SUITE_P(Databases, ProactiveTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<storage::testing::StoreTarget>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace tongban::services
