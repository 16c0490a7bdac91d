// Good/bad ratings and rectification (services/ratings.h, services/rectifications.h, issue 13 items
// 1 and 2): who may rate and when (each refusal with its own reason, nothing written), a bad rating
// opening a rectification due in 15 working days, the reply, feedback, the daily escalation on a
// fake clock, and the counters moving in the rating's transaction. Runs on SQLite and, when
// TONGBAN_TEST_PG_URL is set, PostgreSQL.
#include "services/ratings.h"

#include "services/messages.h"
#include "services/rectifications.h"
#include "services_fixture.h"

namespace tongban::services {
namespace {

using domain::Action;
using domain::ApplicationState;

class RatingsTest : public testing::ServicesTest {
 protected:
  // A case of zhang.wei (citizen_) refused by the market reviewer: ended.
  domain::Application Ended() {
    domain::Application app = Submit("market.online");
    EXPECT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
    auto refused = Do(reviewer_, app.id, Action::kRefuse, "材料不符合要求");
    EXPECT_TRUE(refused.ok()) << refused.error().message;
    return refused.ok() ? *refused : app;
  }

  static RatingRequest Level(int level) {
    RatingRequest req;
    req.level = level;
    return req;
  }

  domain::RatingCounts Counts() {
    auto counts = RatingSummary(ctx_, ports::RatingSlice{"market", "market.online", ""});
    EXPECT_TRUE(counts.ok()) << counts.error().message;
    return counts.ok() ? *counts : domain::RatingCounts{};
  }

  void ExpectNoRating(const std::string& id) {
    auto view = GetRating(ctx_, citizen_, id);
    ASSERT_TRUE(view.ok()) << view.error().message;
    EXPECT_FALSE(view->rating.has_value());
    EXPECT_EQ(Counts().Total(), 0);
  }
};

TEST_P(RatingsTest, RatingByNotTheApplicantIsRefused) {
  const domain::Application app = Ended();
  // The reviewer sees the case but is not its applicant.
  auto by_reviewer = RateApplication(ctx_, reviewer_, app.id, Level(5));
  ASSERT_FALSE(by_reviewer.ok());
  EXPECT_EQ(by_reviewer.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(by_reviewer.error().message, "error.rating.not_applicant");
  // Another citizen does not even see it.
  auto by_other = RateApplication(ctx_, other_, app.id, Level(1));
  ASSERT_FALSE(by_other.ok());
  EXPECT_EQ(by_other.error().code, ErrorCode::kNotFound);
  ExpectNoRating(app.id);
}

TEST_P(RatingsTest, SecondRatingIsRefused) {
  const domain::Application app = Ended();
  auto first = RateApplication(ctx_, citizen_, app.id, Level(4));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->channel, domain::RatingChannel::kWeb);
  EXPECT_EQ(first->month, "2026-09");
  auto second = RateApplication(ctx_, citizen_, app.id, Level(1));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  EXPECT_EQ(second.error().message, "error.rating.already_rated");
  const domain::RatingCounts counts = Counts();
  EXPECT_EQ(counts.Total(), 1);
  EXPECT_EQ(counts.levels[3], 1);
  auto view = GetRating(ctx_, citizen_, app.id);
  ASSERT_TRUE(view.ok());
  ASSERT_TRUE(view->rating.has_value());
  EXPECT_EQ(view->rating->level, 4);
  EXPECT_FALSE(view->rectification.has_value());
}

TEST_P(RatingsTest, RatingBeforeTheCaseEndsIsRefused) {
  const domain::Application app = Submit("market.online");
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
  auto rated = RateApplication(ctx_, citizen_, app.id, Level(5));
  ASSERT_FALSE(rated.ok());
  EXPECT_EQ(rated.error().code, ErrorCode::kConflict);
  EXPECT_EQ(rated.error().message, "error.rating.not_ended");
  ExpectNoRating(app.id);
}

TEST_P(RatingsTest, RatingAfterThePeriodIsRefused) {
  ctx_.rating_period_days = 30;
  const domain::Application app = Ended();
  clock_.Advance(std::chrono::days(30));
  auto rated = RateApplication(ctx_, citizen_, app.id, Level(2));
  ASSERT_FALSE(rated.ok());
  EXPECT_EQ(rated.error().code, ErrorCode::kConflict);
  EXPECT_EQ(rated.error().message, "error.rating.period_over");
  ExpectNoRating(app.id);
  // A second before the period ends it was still open.
  clock_.Advance(-std::chrono::seconds(1));
  EXPECT_TRUE(RateApplication(ctx_, citizen_, app.id, Level(2)).ok());
}

TEST_P(RatingsTest, RatingInputIsChecked) {
  const domain::Application app = Ended();
  EXPECT_EQ(RateApplication(ctx_, citizen_, app.id, Level(6)).error().message, "error.rating.level");
  EXPECT_EQ(RateApplication(ctx_, citizen_, app.id, Level(0)).error().message, "error.rating.level");
  RatingRequest tagged = Level(3);
  tagged.tags = {"slow", "no_such_tag"};
  EXPECT_EQ(RateApplication(ctx_, citizen_, app.id, tagged).error().message, "error.rating.tag");
  RatingRequest wordy = Level(3);
  wordy.comment = std::string(domain::kMaxRatingCommentBytes + 1, 'x');
  EXPECT_EQ(RateApplication(ctx_, citizen_, app.id, wordy).error().message, "error.rating.comment");
  ExpectNoRating(app.id);
}

TEST_P(RatingsTest, BadRatingOpensRectificationWith15WorkingDays) {
  // Monday 2026-09-28: 15 working days skip the National Day week (10-01..07) and count the
  // adjusted working Saturday 10-10: 09-29, 09-30, 10-08, 10-09, 10-10, 10-12..16, 10-19..23.
  const domain::Application app = Ended();
  RatingRequest req = Level(1);
  req.comment = "跑了三趟";
  req.tags = {"slow", "too_many_materials"};
  auto rated = RateApplication(ctx_, citizen_, app.id, req);
  ASSERT_TRUE(rated.ok()) << rated.error().message;
  auto view = GetRating(ctx_, citizen_, app.id);
  ASSERT_TRUE(view.ok());
  ASSERT_TRUE(view->rectification.has_value());
  const domain::Rectification& r = *view->rectification;
  EXPECT_EQ(r.state, domain::RectificationState::kOpen);
  EXPECT_EQ(r.department, "market");
  EXPECT_EQ(r.deadline, (Date{2026, 10, 23}));
  EXPECT_EQ(r.comment, "跑了三趟");

  // The department's reviewer lists it; another department's does not.
  auto listed = ListRectifications(ctx_, reviewer_, "open", "", 20);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->rectifications.size(), 1u);
  auto foreign = ListRectifications(ctx_, stranger_, "", "", 20);
  ASSERT_TRUE(foreign.ok());
  EXPECT_TRUE(foreign->rectifications.empty());
  EXPECT_FALSE(ReplyToRectification(ctx_, stranger_, r.id, {"我们已改进", "简化了材料"}).ok());
  EXPECT_EQ(ListRectifications(ctx_, citizen_, "", "", 20).error().code, ErrorCode::kPermissionDenied);

  // Feedback before the reply is refused; the reply tells the person; feedback once.
  EXPECT_EQ(GiveRectificationFeedback(ctx_, citizen_, r.id, true).error().message, "error.rectification.not_replied");
  auto replied = ReplyToRectification(ctx_, reviewer_, r.id, {"我们已改进", "材料从五份减为三份"});
  ASSERT_TRUE(replied.ok()) << replied.error().message;
  EXPECT_EQ(ReplyToRectification(ctx_, reviewer_, r.id, {"again", "again"}).error().message,
            "error.rectification.already_replied");
  auto inbox = ListMyMessages(ctx_, citizen_, "", "", 20);
  ASSERT_TRUE(inbox.ok());
  ASSERT_FALSE(inbox->messages.empty());
  EXPECT_EQ(inbox->messages.front().kind, "rating_answered");
  EXPECT_EQ(GiveRectificationFeedback(ctx_, other_, r.id, true).error().code, ErrorCode::kNotFound);
  auto feedback = GiveRectificationFeedback(ctx_, citizen_, r.id, false);
  ASSERT_TRUE(feedback.ok()) << feedback.error().message;
  EXPECT_EQ(feedback->satisfied, std::optional<bool>(false));
  EXPECT_EQ(GiveRectificationFeedback(ctx_, citizen_, r.id, true).error().message,
            "error.rectification.feedback_given");

  const domain::RatingCounts counts = Counts();
  EXPECT_EQ(counts.levels[0], 1);
  EXPECT_EQ(counts.rectified_on_time, 1);
  EXPECT_EQ(counts.RectifiedOnTimeShare(), std::optional<double>(100.0));
}

TEST_P(RatingsTest, OverdueRectificationEscalates) {
  const domain::Application app = Ended();
  ASSERT_TRUE(RateApplication(ctx_, citizen_, app.id, Level(2)).ok());
  const Actor reform = MakeUser("reform.office", domain::Role::kReformOffice, "", "");
  // On the deadline day nothing escalates.
  clock_.Set({2026, 10, 23}, 23);
  auto none = EscalateOverdueRectifications(ctx_);
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_EQ(*none, 0);
  EXPECT_TRUE(ListRectifications(ctx_, reform, "", "", 20)->rectifications.empty());
  // The next day it does, once.
  clock_.Set({2026, 10, 24}, 1);
  auto once = EscalateOverdueRectifications(ctx_);
  ASSERT_TRUE(once.ok()) << once.error().message;
  EXPECT_EQ(*once, 1);
  auto again = EscalateOverdueRectifications(ctx_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  auto listed = ListRectifications(ctx_, reform, "", "", 20);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->rectifications.size(), 1u);
  EXPECT_EQ(listed->rectifications.front().state, domain::RectificationState::kEscalated);
  EXPECT_EQ(Counts().escalated, 1);
  // The department still answers it, late.
  ASSERT_TRUE(ReplyToRectification(ctx_, reviewer_, listed->rectifications.front().id, {"抱歉", "增派人手"}).ok());
  const domain::RatingCounts counts = Counts();
  EXPECT_EQ(counts.rectified_on_time, 0);
  EXPECT_EQ(counts.rectified_late, 1);
  EXPECT_EQ(counts.RectifiedOnTimeShare(), std::optional<double>(0.0));
}

TEST_P(RatingsTest, CountersMoveInTheRatingsTransaction) {
  const domain::Application good = Ended();
  const domain::Application bad = Ended();
  // A rating whose transaction fails (the second rating of a case) moves no counter.
  ASSERT_TRUE(RateApplication(ctx_, citizen_, good.id, Level(5)).ok());
  ASSERT_FALSE(RateApplication(ctx_, citizen_, good.id, Level(1)).ok());
  ASSERT_TRUE(RateApplication(ctx_, citizen_, bad.id, Level(2)).ok());
  const domain::RatingCounts counts = Counts();
  EXPECT_EQ(counts.Total(), 2);
  EXPECT_EQ(counts.levels[4], 1);
  EXPECT_EQ(counts.levels[1], 1);
  EXPECT_EQ(counts.levels[0], 0);
  // (5 + 2) / 2 / 5 x 100
  EXPECT_EQ(counts.SatisfactionIndex(), std::optional<double>(70.0));
  // The counters are read per department and per item; another department has none.
  EXPECT_EQ(RatingSummary(ctx_, ports::RatingSlice{"market", "", ""})->Total(), 2);
  EXPECT_EQ(RatingSummary(ctx_, ports::RatingSlice{"", "market.online", "2026-09"})->Total(), 2);
  EXPECT_EQ(RatingSummary(ctx_, ports::RatingSlice{"hrss", "", ""})->Total(), 0);
  EXPECT_EQ(RatingSummary(ctx_, ports::RatingSlice{"", "", "2026-9"}).error().message, "error.rating.month");
}

INSTANTIATE_TEST_SUITE_P(Databases, RatingsTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<storage::testing::StoreTarget>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace tongban::services
