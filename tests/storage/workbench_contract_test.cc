// Reference numbers, the workbench's queries and assignment: the storage contract on every
// database (issue 8 points 8 and 9).
#include <set>
#include <thread>

#include "store_contract.h"

namespace tongban::storage {
namespace {

std::string Id(int n) {
  std::string id = "01J" + std::to_string(100000 + n);
  id.resize(26, '0');
  return id;
}

TEST_P(StoreContractTest, Point9ReferenceIsStoredUniqueAndFindsItsApplication) {
  domain::Application app = SampleApplication(Id(1));
  app.reference = "SH-2026-1129-0001X";
  app.applicant_name = "张伟";
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.applications().InsertApplication(app); }));
  const Result<domain::Application> got = ReadValue<domain::Application>(
      [&](ports::Transaction& tx) { return tx.applications().GetApplicationByReference(app.reference); });
  ASSERT_OK(got);
  EXPECT_EQ(got->id, app.id);
  EXPECT_EQ(got->reference, app.reference);
  EXPECT_EQ(got->applicant_name, "张伟");
  EXPECT_EQ(got->assignee_user_id, "");
  domain::Application twin = SampleApplication(Id(2));
  twin.reference = app.reference;
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.applications().InsertApplication(twin); }),
              ErrorCode::kConflict);
  EXPECT_CODE(ReadValue<domain::Application>(
                  [&](ports::Transaction& tx) { return tx.applications().GetApplicationByReference("SH-2026-1129-0002Y"); }),
              ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, Point9ReferenceSequenceIsPerDayAndNeverRepeatsUnderConcurrentWriters) {
  const Date day{2026, 11, 29};
  constexpr int kThreads = 4;
  constexpr int kEach = 10;
  std::mutex mutex;
  std::set<int64_t> seen;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        int64_t got = 0;
        const Status status = Write([&](ports::Transaction& tx) -> Status {
          TB_ASSIGN_OR_RETURN(got, tx.applications().NextReferenceSequence(day));
          return Ok();
        });
        std::lock_guard lock(mutex);
        EXPECT_TRUE(status.ok()) << status.error().message;
        seen.insert(got);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(seen.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(*seen.begin(), 1);
  EXPECT_EQ(*seen.rbegin(), kThreads * kEach);
  // Another day starts again at 1; a rolled-back transaction hands its number out again.
  int64_t other = 0;
  ASSERT_OK(Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(other, tx.applications().NextReferenceSequence(Date{2026, 11, 30}));
    return Ok();
  }));
  EXPECT_EQ(other, 1);
  EXPECT_FALSE(Write([&](ports::Transaction& tx) -> Status {
                 auto n = tx.applications().NextReferenceSequence(Date{2026, 11, 30});
                 if (!n.ok()) return n.take_error();
                 return MakeError(ErrorCode::kConflict, "roll back");
               }).ok());
  ASSERT_OK(Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(other, tx.applications().NextReferenceSequence(Date{2026, 11, 30}));
    return Ok();
  }));
  EXPECT_EQ(other, 2);
}

TEST_P(StoreContractTest, Point9RowsWithoutAReferenceAreListedUntilNumbered) {
  domain::Application old = SampleApplication(Id(3));
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.applications().InsertApplication(old); }));
  auto missing = ReadValue<std::vector<domain::Application>>(
      [&](ports::Transaction& tx) { return tx.applications().ListWithoutReference(10); });
  ASSERT_OK(missing);
  ASSERT_EQ(missing->size(), 1u);
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.applications().SetReference(old.id, "SH-2025-1031-0001A", "李娜"); }));
  // A row that has its number keeps it.
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.applications().SetReference(old.id, "SH-2025-1031-0002B", "x"); }));
  const auto got = GetApplication(old.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->reference, "SH-2025-1031-0001A");
  EXPECT_EQ(got->applicant_name, "李娜");
  missing = ReadValue<std::vector<domain::Application>>(
      [&](ports::Transaction& tx) { return tx.applications().ListWithoutReference(10); });
  ASSERT_OK(missing);
  EXPECT_TRUE(missing->empty());
}

TEST_P(StoreContractTest, Point8QueueByDeadlineWithNamePersonAndAssigneeFilters) {
  // Six cases of one department, deadlines out of id order; two other names; one assigned.
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"2026-12-03", "张伟"}, {"2026-12-01", "张伟"}, {"2026-12-02", "李娜"},
      {"2026-12-01", "张三丰"}, {"2026-12-05", "王五"}, {"2026-12-04", "张伟"},
  };
  ASSERT_OK(Write([&](ports::Transaction& tx) -> Status {
    for (size_t i = 0; i < rows.size(); ++i) {
      domain::Application app = SampleApplication(Id(10 + static_cast<int>(i)));
      app.deadline = ParseIsoDate(rows[i].first);
      app.applicant_name = rows[i].second;
      app.reference = "SH-2026-1129-" + std::to_string(1000 + i) + "Z";
      if (rows[i].second == "李娜") app.person_id = "310115199201020023";
      if (i == 4) app.assignee_user_id = "u-reviewer";
      TB_RETURN_IF_ERROR(tx.applications().InsertApplication(app));
    }
    return Ok();
  }));
  const auto walk = [&](ports::ApplicationQuery query) {
    std::vector<std::string> seen;
    query.department = "market";
    query.by_deadline = true;
    query.limit = 2;
    for (int page = 0; page < 10; ++page) {
      const auto result = ReadValue<ports::ApplicationPage>(
          [&](ports::Transaction& tx) { return tx.applications().ListApplications(query); });
      EXPECT_TRUE(result.ok()) << result.error().message;
      if (!result.ok()) break;
      for (const auto& app : result->applications) seen.push_back(FormatIsoDate(*app.deadline) + " " + app.applicant_name);
      if (result->next_page_token.empty()) break;
      query.page_token = result->next_page_token;
    }
    return seen;
  };
  EXPECT_EQ(walk({}), (std::vector<std::string>{"2026-12-01 张伟", "2026-12-01 张三丰", "2026-12-02 李娜", "2026-12-03 张伟",
                                                "2026-12-04 张伟", "2026-12-05 王五"}));
  ports::ApplicationQuery by_name;
  by_name.name_prefix = "张";
  EXPECT_EQ(walk(by_name).size(), 4u);
  by_name.name_prefix = "张伟";
  EXPECT_EQ(walk(by_name), (std::vector<std::string>{"2026-12-01 张伟", "2026-12-03 张伟", "2026-12-04 张伟"}));
  ports::ApplicationQuery by_person;
  by_person.person_filter = "310115199201020023";
  EXPECT_EQ(walk(by_person), (std::vector<std::string>{"2026-12-02 李娜"}));
  ports::ApplicationQuery by_assignee;
  by_assignee.assignee_user_id = "u-reviewer";
  EXPECT_EQ(walk(by_assignee), (std::vector<std::string>{"2026-12-05 王五"}));

  // The assignee is written by an update like every other column.
  auto app = GetApplication(Id(10));
  ASSERT_OK(app);
  domain::Application assigned = *app;
  assigned.assignee_user_id = "u-clerk";
  assigned.version += 1;
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.applications().UpdateApplication(assigned); }));
  EXPECT_EQ(GetApplication(Id(10))->assignee_user_id, "u-clerk");
  EXPECT_EQ(GetApplication(Id(10))->reference, "SH-2026-1129-1000Z");

  // Counts of the waiting cases: all six are submitted.
  const auto counts = ReadValue<ports::QueueCounts>([&](ports::Transaction& tx) {
    ports::ApplicationQuery scope;
    scope.department = "market";
    return tx.applications().CountQueue(scope, Date{2026, 12, 2}, Date{2026, 12, 4});
  });
  ASSERT_OK(counts);
  EXPECT_EQ(counts->waiting, 6);
  EXPECT_EQ(counts->overdue, 2);
  EXPECT_EQ(counts->due_soon, 3);
}

TEST_P(StoreContractTest, Point8OfficialsOfADepartmentAreListed) {
  domain::User a = testing::SampleUser("u-a", "reviewer.a");
  a.department = "market";
  domain::User b = testing::SampleUser("u-b", "clerk.b");
  b.department = "market";
  domain::User c = testing::SampleUser("u-c", "reviewer.c");
  c.department = "hrss";
  ASSERT_OK(Write([&](ports::Transaction& tx) -> Status {
    for (const auto& u : {a, b, c}) TB_RETURN_IF_ERROR(tx.accounts().InsertUser(u));
    return Ok();
  }));
  const auto users = ReadValue<std::vector<domain::User>>(
      [&](ports::Transaction& tx) { return tx.accounts().ListUsersOfDepartment("market", 10); });
  ASSERT_OK(users);
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].id, "u-a");
  EXPECT_EQ((*users)[1].id, "u-b");
}

}  // namespace
}  // namespace tongban::storage
