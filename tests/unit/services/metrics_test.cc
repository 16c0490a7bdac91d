// Performance dashboards (services/metrics.h, issue 13 item 3): the counting effects on a fake
// clock over the 2026 National Day holiday, the figures of a slice checked against values
// computed by hand, a decision counting in its own month, an in-person step taking a case out of
// "fully online", ratings counting in their case's slice, and a bad slice refused. Runs on SQLite
// and, when TONGBAN_TEST_PG_URL is set, PostgreSQL.
#include "services/metrics.h"

#include "services/ratings.h"
#include "services_fixture.h"

namespace tongban::services {
namespace {

using domain::Action;

class MetricsTest : public testing::ServicesTest {
 protected:
  void SetUp() override {
    ServicesTest::SetUp();
    ctx_.effects = &effects_;
    RegisterMetricsEffects(effects_);
  }

  MetricsView View(MetricsQuery q) {
    auto view = GetMetrics(ctx_, q);
    EXPECT_TRUE(view.ok()) << view.error().message;
    return view.ok() ? *view : MetricsView{};
  }

  void Done(const Result<domain::Application>& r) { ASSERT_TRUE(r.ok()) << r.error().message; }

  Effects effects_;
};

TEST_P(MetricsTest, FiguresOfASliceAreWhatHappenedCountedByHand) {
  // Monday 2026-09-28. An online item (promised 5) approved the same day: on time, 0 days.
  const domain::Application fast = Submit("market.online");
  Done(Do(reviewer_, fast.id, Action::kAccept));
  Done(Do(reviewer_, fast.id, Action::kApprove));
  // A counter item (promised 3) submitted the same day: its deadline is 2026-10-08 (Oct 1-7 off).
  const domain::Application slow = Submit("market.counter");
  ASSERT_EQ(*slow.deadline, (Date{2026, 10, 8}));
  Done(Do(reviewer_, slow.id, Action::kAccept));
  // A third (a counter item: it may ask for presence) asks the person in person, then is refused.
  const domain::Application visit = Submit("market.counter");
  Done(Do(reviewer_, visit.id, Action::kAccept));
  ActRequest correction;
  correction.action = Action::kRequestCorrection;
  correction.reason = "请带原件来窗口";
  correction.in_person = true;
  Done(Act(ctx_, reviewer_, visit.id, correction));
  Done(Do(citizen_, visit.id, Action::kResubmit));
  Done(Do(reviewer_, visit.id, Action::kRefuse, "不符合条件"));
  // Monday 2026-10-12: the counter case is decided 3 working days late (Oct 9, Sat Oct 10 made a
  // working day, Oct 12): 3 + 3 = 6 working days, in October.
  clock_.Set({2026, 10, 12});
  Done(Do(reviewer_, slow.id, Action::kApprove));

  const MetricsView september = View({"", "", "", "", "2026-09"});
  const domain::MetricFigures& s = september.figures;
  EXPECT_EQ(s.counts.submitted, 3);
  EXPECT_EQ(s.counts.online_submitted, 3);
  EXPECT_EQ(s.counts.decided, 2);
  EXPECT_EQ(s.counts.on_time, 2);
  EXPECT_EQ(s.counts.fully_online, 1);  // the in-person step took `visit` out
  EXPECT_EQ(s.counts.visits_avoided, 1);
  EXPECT_EQ(*s.average_days, 0.0);
  EXPECT_EQ(*s.p90_days, 0);
  EXPECT_EQ(*s.average_legal_days, 20.0);
  EXPECT_EQ(*s.average_promised_days, 4.0);  // 5 and 3
  EXPECT_EQ(*s.promise_compression, 20.0);   // 4 of 20
  EXPECT_EQ(*s.fully_online_share, 50.0);

  const MetricsView october = View({"market", "", "", "", "2026-10"});
  const domain::MetricFigures& o = october.figures;
  EXPECT_EQ(o.counts.submitted, 0);
  EXPECT_EQ(o.counts.decided, 1);
  EXPECT_EQ(o.counts.on_time, 0);
  EXPECT_EQ(*o.on_time_share, 0.0);
  EXPECT_EQ(*o.average_days, 6.0);
  EXPECT_EQ(*o.p90_days, 6);
  EXPECT_EQ(*o.legal_ratio, 30.0);     // 6 of 20
  EXPECT_EQ(*o.promised_ratio, 200.0);  // 6 of 3
  // The trend ends with October, September before it; the breakdown of a department is by item.
  ASSERT_EQ(october.trend.size(), 12u);
  EXPECT_EQ(october.trend.front().key, "2025-11");
  EXPECT_EQ(october.trend[10].key, "2026-09");
  EXPECT_EQ(october.trend[10].figures.counts.submitted, 3);
  EXPECT_EQ(october.trend[11].figures.counts.decided, 1);
  EXPECT_EQ(october.breakdown_by, ports::MetricDimension::kItem);
  ASSERT_EQ(october.breakdown.size(), 1u);
  EXPECT_EQ(october.breakdown[0].key, "market.counter");
  // The web channel holds them all, the window none; online cases have no centre's district.
  EXPECT_EQ(View({"", "", "", "web", "2026-09"}).figures.counts.submitted, 3);
  EXPECT_EQ(View({"", "", "", "window", "2026-09"}).figures.counts.submitted, 0);
  EXPECT_EQ(View({"", "", "310115", "", "2026-09"}).figures.counts.submitted, 0);
}

TEST_P(MetricsTest, RatingsCountInTheirCaseSliceAndMonth) {
  const domain::Application app = Submit("market.online");
  Done(Do(reviewer_, app.id, Action::kAccept));
  Done(Do(reviewer_, app.id, Action::kRefuse, "不符合条件"));
  clock_.Set({2026, 10, 12});
  RatingRequest bad;
  bad.level = 2;
  ASSERT_TRUE(RateApplication(ctx_, citizen_, app.id, bad).ok());
  const MetricsView october = View({"", "market.online", "", "web", "2026-10"});
  EXPECT_EQ(october.figures.counts.ratings.Total(), 1);
  EXPECT_EQ(*october.figures.satisfaction_index, 40.0);
  EXPECT_FALSE(october.figures.rectified_on_time_share);  // not answered yet
  EXPECT_EQ(View({"", "market.online", "", "mobile", "2026-10"}).figures.counts.ratings.Total(), 0);
}

TEST_P(MetricsTest, ASliceThatIsNotOneIsRefused) {
  for (const auto& [q, key] : std::vector<std::pair<MetricsQuery, std::string>>{
           {{"", "", "", "", "2026-13"}, "error.metrics.month"},
           {{"nope", "", "", "", ""}, "error.metrics.department"},
           {{"", "nope", "", "", ""}, "error.metrics.item"},
           {{"", "", "999999", "", ""}, "error.metrics.district"},
           {{"", "", "", "fax", ""}, "error.metrics.channel"}}) {
    auto view = GetMetrics(ctx_, q);
    ASSERT_FALSE(view.ok()) << key;
    EXPECT_EQ(view.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(view.error().message, key);
  }
  // No month: the clock's.
  EXPECT_EQ(View({}).query.month, "2026-09");
}

INSTANTIATE_TEST_SUITE_P(Databases, MetricsTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::services
