// Use cases on the real SQL store and a fake clock, on every database the build can reach:
// deadlines in working days, correction pauses the clock, one transition when many reviewers act
// at once, shared data is never asked for, refusals change nothing. Sign-in and its throttling
// are in accounts_test.cc.
#include "services_fixture.h"

namespace tongban::services {
namespace {

using domain::Action;
using domain::ApplicationState;
class ApplicationsTest : public testing::ServicesTest {};

TEST_P(ApplicationsTest, DeadlineCountsWorkingDaysAcrossNationalDay) {
  // Monday 2026-09-28 + 3 working days: 29, 30, then the holiday, then Thursday 10-08.
  const auto app = Submit("market.counter");
  ASSERT_TRUE(app.deadline.has_value());
  EXPECT_EQ(*app.deadline, (Date{2026, 10, 8}));
  EXPECT_EQ(app.state, ApplicationState::kSubmitted);
  EXPECT_FALSE(domain::IsOverdue(app, {2026, 10, 8}));
  EXPECT_TRUE(domain::IsOverdue(app, {2026, 10, 9}));
}

TEST_P(ApplicationsTest, CorrectionTimeDoesNotCountAgainstTheDepartment) {
  auto app = Submit("market.counter");  // deadline 10-08
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
  clock_.Set({2026, 9, 29});
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kRequestCorrection, "照片不清晰").ok());
  clock_.Set({2026, 10, 9});  // the applicant answers after the holiday: 09-30, 10-08 and 10-09 passed
  auto resubmitted = Do(citizen_, app.id, Action::kResubmit);
  ASSERT_TRUE(resubmitted.ok()) << resubmitted.error().message;
  EXPECT_EQ(resubmitted->state, ApplicationState::kUnderReview);
  // Three working days waited: the deadline moves from Thursday 10-08 over Friday 10-09 and
  // Saturday 10-10 (an adjusted working day) to Monday 10-12.
  EXPECT_EQ(*resubmitted->deadline, (Date{2026, 10, 12}));
}

TEST_P(ApplicationsTest, ManyReviewersAtOnceGiveOneTransition) {
  const auto app = Submit("market.counter");
  std::atomic<int> ok{0}, conflicts{0};
  std::vector<std::thread> threads;
  // Sixteen reviewers at once, half accepting and half rejecting: exactly one decision is taken.
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      auto r = i % 2 == 0 ? Do(reviewer_, app.id, Action::kAccept) : Do(reviewer_, app.id, Action::kReject, "材料不全");
      if (r.ok()) {
        ++ok;
      } else if (r.error().code == ErrorCode::kConflict) {
        ++conflicts;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflicts.load(), 15);
  auto events = ListEvents(ctx_, citizen_, app.id);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 2u);  // the submission and the one decision
}

TEST_P(ApplicationsTest, RefusedActionsChangeNothing) {
  const auto app = Submit("market.counter");
  EXPECT_EQ(Do(citizen_, app.id, Action::kApprove).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(Do(reviewer_, app.id, Action::kDeliver).error().code, ErrorCode::kConflict);
  EXPECT_EQ(Do(reviewer_, app.id, Action::kReject).error().code, ErrorCode::kInvalidArgument);  // no reason
  EXPECT_EQ(Do(other_, app.id, Action::kWithdraw).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Do(stranger_, app.id, Action::kAccept).error().code, ErrorCode::kNotFound);
  auto now = GetApplication(ctx_, citizen_, app.id);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->version, app.version);
  EXPECT_EQ(now->state, ApplicationState::kSubmitted);
}

TEST_P(ApplicationsTest, FullyOnlineItemNeverAsksForPresence) {
  const auto online = Submit("market.online");
  ActRequest req{Action::kRequestCorrection, "请本人到窗口核验", true, std::nullopt};
  auto r = Act(ctx_, reviewer_, online.id, req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "error.action.fully_online_no_presence");
  const auto counter = Submit("market.counter");
  EXPECT_TRUE(Act(ctx_, reviewer_, counter.id, req).ok());
}

TEST_P(ApplicationsTest, SharedDataIsNeverAskedFor) {
  CreateApplicationRequest req;
  req.item = "market.counter";
  req.fields = {{"shop_name", "浦江小馆"}, {"applicant_name", "张伟"}};
  auto r = CreateApplication(ctx_, citizen_, req);
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.error().fields.size(), 1u);
  EXPECT_EQ(r.error().fields[0].field, "applicant_name");
  // A draft's shared-data material waits to be fetched at submission: it is never asked for.
  req.fields = {{"shop_name", "浦江小馆"}};
  req.submit = false;
  auto draft = CreateApplication(ctx_, citizen_, req);
  ASSERT_TRUE(draft.ok()) << draft.error().message;
  ASSERT_EQ(draft->materials.size(), 1u);
  EXPECT_EQ(draft->materials[0].status, domain::MaterialStatus::kToBeFetched);
  auto upload = AttachUpload(ctx_, citizen_, draft->id, "identity", "id.pdf", "%PDF-1.4\n");
  EXPECT_FALSE(upload.ok());
  // Submission fetches it; the fixture's city holds no record, so it stays missing with the reason
  // and may be uploaded instead (services/data_access.h).
  const auto app = Submit("market.counter");
  ASSERT_EQ(app.materials.size(), 1u);
  EXPECT_EQ(app.materials[0].status, domain::MaterialStatus::kMissing);
  EXPECT_EQ(app.materials[0].reason, "no_record");
  // It may be uploaded instead once the application is editable again (a correction asked).
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kRequestCorrection, "请上传身份证明").ok());
  auto instead = AttachUpload(ctx_, citizen_, app.id, "identity", "id.pdf", "%PDF-1.4\n");
  ASSERT_TRUE(instead.ok()) << instead.error().message;
  EXPECT_EQ(instead->materials[0].status, domain::MaterialStatus::kProvided);
  EXPECT_EQ(instead->materials[0].reason, "");
}

TEST_P(ApplicationsTest, CheckAnswersValidatesACompleteFormAndWritesNothing) {
  const auto missing = CheckAnswers(ctx_, "market.counter", {});
  ASSERT_FALSE(missing.ok());
  ASSERT_EQ(missing.error().fields.size(), 1u);
  EXPECT_EQ(missing.error().fields[0].field, "shop_name");
  EXPECT_TRUE(CheckAnswers(ctx_, "market.counter", {{"shop_name", "浦江小馆"}}).ok());
  EXPECT_EQ(CheckAnswers(ctx_, "no.such-item", {}).error().code, ErrorCode::kNotFound);
  auto none = ListApplications(ctx_, citizen_, {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->applications.empty());
}

// One question at a time (elder mode) merges the answer into the stored form in one write; a
// whole form replaces it.
TEST_P(ApplicationsTest, UpdateFieldsMergesOrReplaces) {
  CreateApplicationRequest req;
  req.item = "market.counter";
  req.fields = {{"shop_name", "浦江小馆"}};
  req.submit = false;
  auto draft = CreateApplication(ctx_, citizen_, req);
  ASSERT_TRUE(draft.ok()) << draft.error().message;

  auto merged = UpdateFields(ctx_, citizen_, draft->id, {{"opening_hours", "9-17"}}, FieldUpdate::kMerge);
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  EXPECT_EQ(merged->fields, (std::map<std::string, std::string>{{"opening_hours", "9-17"}, {"shop_name", "浦江小馆"}}));
  EXPECT_EQ(merged->version, draft->version + 1);

  // A wrong answer is refused and the stored form is unchanged.
  auto wrong = UpdateFields(ctx_, citizen_, draft->id, {{"applicant_name", "someone"}}, FieldUpdate::kMerge);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(GetApplication(ctx_, citizen_, draft->id)->fields, merged->fields);

  auto replaced = UpdateFields(ctx_, citizen_, draft->id, {{"opening_hours", "10-18"}});
  ASSERT_TRUE(replaced.ok()) << replaced.error().message;
  EXPECT_EQ(replaced->fields, (std::map<std::string, std::string>{{"opening_hours", "10-18"}}));
}

TEST_P(ApplicationsTest, UploadsAreJudgedByContent) {
  EXPECT_EQ(SniffContentType("%PDF-1.7\n..."), "application/pdf");
  EXPECT_EQ(SniffContentType(std::string("\xFF\xD8\xFF\xE0", 4)), "image/jpeg");
  EXPECT_EQ(SniffContentType(std::string("\x89PNG\r\n\x1a\n\0\0", 10)), "image/png");
  EXPECT_EQ(SniffContentType("GIF89a"), "");
  EXPECT_EQ(SniffContentType("<html>%PDF-"), "");
}

TEST_P(ApplicationsTest, ListsShowOnlyWhatTheCallerMaySee) {
  const auto mine = Submit("market.counter");
  auto own = ListApplications(ctx_, citizen_, {});
  ASSERT_TRUE(own.ok());
  ASSERT_EQ(own->applications.size(), 1u);
  EXPECT_EQ(own->applications[0].id, mine.id);
  auto theirs = ListApplications(ctx_, other_, {});
  ASSERT_TRUE(theirs.ok());
  EXPECT_TRUE(theirs->applications.empty());
  auto queue = ListApplications(ctx_, reviewer_, {});
  ASSERT_TRUE(queue.ok());
  EXPECT_EQ(queue->applications.size(), 1u);
  auto elsewhere = ListApplications(ctx_, stranger_, {});
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_TRUE(elsewhere->applications.empty());
}

// A decision and the licence it leads to refer to the item and legal basis in force when the
// application was made: the application keeps the published catalogue version.
TEST_P(ApplicationsTest, AnApplicationRecordsTheCatalogueVersionItWasMadeUnder) {
  UseCatalogueVersion(42);
  const auto app = Submit("market.counter");
  EXPECT_EQ(app.catalogue_version, 42);
  UseCatalogueVersion(43);  // a new version is published
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
  const auto stored = GetApplication(ctx_, reviewer_, app.id);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(stored->catalogue_version, 42);
}

INSTANTIATE_TEST_SUITE_P(Databases, ApplicationsTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<storage::testing::StoreTarget>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace tongban::services
