// The officials' workbench and reference numbers (issue 8 points 8 and 9), on every database.
#include <set>

#include "common/reference.h"
#include "services_fixture.h"

namespace tongban::services::testing {
namespace {

class WorkbenchTest : public ServicesTest {};

TEST_P(WorkbenchTest, Point9EveryApplicationGetsAReferenceThatOpensIt) {
  const auto first = Submit("market.counter");
  const auto second = Submit("market.online");
  EXPECT_EQ(first.reference, FormatReference("SH", Date{2026, 9, 28}, 1));
  EXPECT_EQ(second.reference, FormatReference("SH", Date{2026, 9, 28}, 2));
  EXPECT_EQ(first.applicant_name, "测试");
  // By reference, in any case and without hyphens, as by id.
  std::string typed;
  for (const char c : first.reference) {
    if (c != '-') typed += static_cast<char>(std::tolower(c));
  }
  for (const std::string& name : {first.reference, typed, first.id}) {
    auto got = GetApplication(ctx_, reviewer_, name);
    ASSERT_TRUE(got.ok()) << name << ": " << got.error().message;
    EXPECT_EQ(got->id, first.id);
  }
  auto events = ListEvents(ctx_, citizen_, first.reference);
  ASSERT_TRUE(events.ok());
  EXPECT_FALSE(events->empty());
  // A neighbour's number is invisible to someone else, as its id is.
  EXPECT_EQ(GetApplication(ctx_, stranger_, first.reference).error().code, ErrorCode::kNotFound);
}

TEST_P(WorkbenchTest, Point9MistypedCheckCharacterIsNotFoundWithAHint) {
  const auto app = Submit("market.counter");
  std::string typo = app.reference;
  typo.back() = typo.back() == 'A' ? 'B' : 'A';
  auto got = GetApplication(ctx_, reviewer_, typo);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(got.error().message, "error.application.reference_check");
  ListRequest search;
  search.query = typo;
  auto listed = ListApplications(ctx_, reviewer_, search);
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().message, "error.application.reference_check");
}

TEST_P(WorkbenchTest, Point9ConcurrentCreatesGetDistinctReferences) {
  constexpr int kThreads = 4;
  constexpr int kEach = 5;
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::set<std::string> references;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        CreateApplicationRequest req;
        req.item = "market.counter";
        req.fields = {{"shop_name", "浦江小馆"}};
        auto app = CreateApplication(ctx_, citizen_, req);
        if (!app.ok()) {
          ++failures;
          continue;
        }
        std::lock_guard lock(mutex);
        references.insert(app->reference);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(references.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_TRUE(references.count(FormatReference("SH", Date{2026, 9, 28}, kThreads * kEach)));
}

TEST_P(WorkbenchTest, Point8OfficialsFindCasesByReferenceNameAndIdNumber) {
  const auto mine = Submit("market.counter");
  CreateApplicationRequest req;
  req.item = "market.online";
  req.fields = {{"shop_name", "另一家"}};
  auto other = CreateApplication(ctx_, other_, req);
  ASSERT_TRUE(other.ok());

  const auto ids_of = [&](ListRequest search) {
    auto listed = ListApplications(ctx_, reviewer_, search);
    EXPECT_TRUE(listed.ok()) << listed.error().message;
    std::vector<std::string> ids;
    if (listed.ok()) {
      for (const auto& app : listed->applications) ids.push_back(app.id);
    }
    return ids;
  };
  ListRequest by_reference;
  by_reference.query = mine.reference;
  EXPECT_EQ(ids_of(by_reference), std::vector<std::string>{mine.id});
  ListRequest by_id_number;
  by_id_number.query = "11010519491231002x";  // lower-case x as typed
  EXPECT_EQ(ids_of(by_id_number), std::vector<std::string>{mine.id});
  ListRequest by_name;
  by_name.query = "测";
  by_name.by_deadline = true;
  EXPECT_EQ(ids_of(by_name).size(), 2u);
  ListRequest by_name_and_item = by_name;
  by_name_and_item.item = "market.online";
  EXPECT_EQ(ids_of(by_name_and_item), std::vector<std::string>{other->id});
  ListRequest by_state;
  by_state.state = ApplicationState::kAccepted;
  EXPECT_TRUE(ids_of(by_state).empty());
  ListRequest nobody;
  nobody.query = "王";
  EXPECT_TRUE(ids_of(nobody).empty());
  // Another department's reviewer finds nothing by the same number.
  auto foreign = ListApplications(ctx_, stranger_, by_reference);
  ASSERT_TRUE(foreign.ok());
  EXPECT_TRUE(foreign->applications.empty());
  ListRequest too_long;
  too_long.query = std::string(60, 'a');
  EXPECT_EQ(ListApplications(ctx_, reviewer_, too_long).error().code, ErrorCode::kInvalidArgument);
}

TEST_P(WorkbenchTest, Point8QueueSortsByDeadlineAndMarksOverdueAndDueSoon) {
  const auto later = Submit("market.online");   // 5 working days: 2026-10-13 (National Day)
  const auto sooner = Submit("market.counter");  // 3 working days
  ListRequest queue;
  queue.by_deadline = true;
  queue.limit = 1;
  auto page1 = ListApplications(ctx_, reviewer_, queue);
  ASSERT_TRUE(page1.ok());
  ASSERT_EQ(page1->applications.size(), 1u);
  EXPECT_EQ(page1->applications[0].id, sooner.id);
  queue.page_token = page1->next_page_token;
  auto page2 = ListApplications(ctx_, reviewer_, queue);
  ASSERT_TRUE(page2.ok());
  ASSERT_EQ(page2->applications.size(), 1u);
  EXPECT_EQ(page2->applications[0].id, later.id);
  EXPECT_TRUE(page2->next_page_token.empty());

  EXPECT_EQ(MarkDeadline(ctx_, sooner), DeadlineMark::kDueSoon);
  EXPECT_EQ(MarkDeadline(ctx_, later), DeadlineMark::kNone);
  auto counts = CountQueue(ctx_, reviewer_);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->waiting, 2);
  EXPECT_EQ(counts->overdue, 0);
  EXPECT_EQ(counts->due_soon, 1);

  clock_.Set({2026, 10, 20});
  EXPECT_EQ(MarkDeadline(ctx_, sooner), DeadlineMark::kOverdue);
  counts = CountQueue(ctx_, reviewer_);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->overdue, 2);
  EXPECT_EQ(CountQueue(ctx_, citizen_).error().code, ErrorCode::kPermissionDenied);
}

TEST_P(WorkbenchTest, Point8AssignToSelfOrColleagueOfTheDepartmentOnly) {
  const auto app = Submit("market.counter");
  const Actor colleague = MakeUser("clerk.market", domain::Role::kClerk, "market", "");
  auto colleagues = Colleagues(ctx_, reviewer_);
  ASSERT_TRUE(colleagues.ok());
  EXPECT_EQ(colleagues->size(), 2u);

  auto assigned = Assign(ctx_, reviewer_, app.reference, reviewer_.user.id);
  ASSERT_TRUE(assigned.ok()) << assigned.error().message;
  EXPECT_EQ(assigned->assignee_user_id, reviewer_.user.id);
  EXPECT_EQ(assigned->state, ApplicationState::kSubmitted);  // not a transition
  assigned = Assign(ctx_, reviewer_, app.id, colleague.user.id);
  ASSERT_TRUE(assigned.ok());
  EXPECT_EQ(assigned->assignee_user_id, colleague.user.id);

  auto events = ListEvents(ctx_, reviewer_, app.id);
  ASSERT_TRUE(events.ok());
  ASSERT_GE(events->size(), 3u);
  const auto& last = events->back();
  EXPECT_EQ(last.action, "assign");
  EXPECT_EQ(last.actor_user_id, reviewer_.user.id);
  EXPECT_EQ(last.from, ApplicationState::kSubmitted);
  EXPECT_EQ(last.to, ApplicationState::kSubmitted);

  // "mine": the colleague's cases.
  ListRequest mine;
  mine.mine = true;
  auto listed = ListApplications(ctx_, colleague, mine);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->applications.size(), 1u);
  listed = ListApplications(ctx_, reviewer_, mine);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->applications.empty());

  // Nobody else: another department's reviewer does not see it; the applicant may not assign; an
  // official of another department is no assignee.
  EXPECT_EQ(Assign(ctx_, stranger_, app.id, stranger_.user.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Assign(ctx_, citizen_, app.id, reviewer_.user.id).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(Assign(ctx_, reviewer_, app.id, stranger_.user.id).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Assign(ctx_, reviewer_, app.id, citizen_.user.id).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Assign(ctx_, reviewer_, app.id, "no-such-user").error().code, ErrorCode::kInvalidArgument);
  auto unchanged = GetApplication(ctx_, reviewer_, app.id);
  ASSERT_TRUE(unchanged.ok());
  EXPECT_EQ(unchanged->assignee_user_id, colleague.user.id);
  EXPECT_EQ(unchanged->version, assigned->version);

  // An ended case is not assigned any more.
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kReject, "不符合条件").ok());
  EXPECT_EQ(Assign(ctx_, reviewer_, app.id, reviewer_.user.id).error().code, ErrorCode::kConflict);
}

TEST_P(WorkbenchTest, Point9ApplicationsMadeBeforeReferencesGetOneAtStartUp) {
  domain::Application old = Submit("market.counter");
  // As a row written before V008: no reference, no name.
  domain::Application bare = old;
  bare.id = ids_.NewId();
  bare.reference.clear();
  bare.applicant_name.clear();
  bare.created_at = StartOfLocalDay(Date{2026, 9, 1}) + std::chrono::hours(9);
  ASSERT_TRUE(store_->Write([&](ports::Transaction& tx) { return tx.applications().InsertApplication(bare); }).ok());
  auto numbered = AssignMissingReferences(ctx_);
  ASSERT_TRUE(numbered.ok()) << numbered.error().message;
  EXPECT_EQ(*numbered, 1);
  auto got = GetApplication(ctx_, reviewer_, bare.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->reference, FormatReference("SH", Date{2026, 9, 1}, 1));
  EXPECT_EQ(got->applicant_name, "测试");
  EXPECT_EQ(*AssignMissingReferences(ctx_), 0);
}

INSTANTIATE_TEST_SUITE_P(Databases, WorkbenchTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::services::testing
