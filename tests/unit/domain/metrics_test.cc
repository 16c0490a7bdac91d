#include "domain/metrics.h"

#include <gtest/gtest.h>

#include "common/calendar.h"

namespace tongban::domain {
namespace {

TEST(MetricsTest, FiguresAreSharesAndAveragesOfTheCountsAndAbsentWithoutCases) {
  const MetricFigures none = ComputeFigures(MetricCounts{}, {});
  EXPECT_FALSE(none.online_share);
  EXPECT_FALSE(none.on_time_share);
  EXPECT_FALSE(none.average_days);
  EXPECT_FALSE(none.p90_days);
  EXPECT_FALSE(none.satisfaction_index);
  EXPECT_FALSE(none.legal_ratio);

  MetricCounts c;
  c.submitted = 3;
  c.online_submitted = 2;
  c.decided = 3;
  c.on_time = 2;
  c.fully_online = 1;
  c.working_days_sum = 7;
  c.legal_days_sum = 60;
  c.promised_days_sum = 30;
  c.ratings.levels = {1, 0, 0, 0, 1};
  c.ratings.rectified_on_time = 1;
  const MetricFigures f = ComputeFigures(c, {{0, 2}, {7, 1}});
  EXPECT_EQ(*f.online_share, 66.7);
  EXPECT_EQ(*f.on_time_share, 66.7);
  EXPECT_EQ(*f.fully_online_share, 33.3);
  EXPECT_EQ(*f.average_days, 2.3);
  EXPECT_EQ(*f.p90_days, 7);
  EXPECT_EQ(*f.average_legal_days, 20.0);
  EXPECT_EQ(*f.average_promised_days, 10.0);
  EXPECT_EQ(*f.legal_ratio, 11.7);      // 7 / 60
  EXPECT_EQ(*f.promised_ratio, 23.3);   // 7 / 30
  EXPECT_EQ(*f.promise_compression, 50.0);
  EXPECT_EQ(*f.satisfaction_index, 60.0);
  EXPECT_EQ(*f.rectified_on_time_share, 100.0);
}

TEST(MetricsTest, ThePercentileIsTheNearestRankOfTheHistogram) {
  EXPECT_FALSE(HistogramPercentile({}, 90));
  EXPECT_EQ(HistogramPercentile({{4, 1}}, 90), 4);
  // Ten cases 1..10 days: the 9th is the 90th percentile; eleven: the 10th.
  DurationHistogram ten;
  for (int d = 1; d <= 10; ++d) ten[d] = 1;
  EXPECT_EQ(HistogramPercentile(ten, 90), 9);
  ten[11] = 1;
  EXPECT_EQ(HistogramPercentile(ten, 90), 10);
  EXPECT_EQ(HistogramPercentile({{0, 99}, {30, 1}}, 90), 0);
  EXPECT_EQ(HistogramPercentile({{0, 89}, {30, 11}}, 90), 30);
}

TEST(MetricsTest, CountsAddUpFieldByField) {
  MetricCounts a;
  a.submitted = 1;
  a.visits_avoided = 2;
  a.ratings.levels[4] = 1;
  MetricCounts b = a;
  b.ratings.escalated = 3;
  a += b;
  EXPECT_EQ(a.submitted, 2);
  EXPECT_EQ(a.visits_avoided, 4);
  EXPECT_EQ(a.ratings.levels[4], 2);
  EXPECT_EQ(a.ratings.escalated, 3);
}

TEST(MetricsTest, WorkingDaysTakenCountFromTheDeadlineBackOrPastIt) {
  const Calendar calendar;  // weekends only
  const auto between = [&](Date from, Date to) { return calendar.WorkingDaysBetween(from, to); };
  const Date monday = *ParseIsoDate("2026-11-02");
  const Date deadline = calendar.AddWorkingDays(monday, 5);  // the next Monday
  EXPECT_EQ(WorkingDaysTaken(monday, deadline, 5, between), 0);
  EXPECT_EQ(WorkingDaysTaken(*ParseIsoDate("2026-11-04"), deadline, 5, between), 2);
  EXPECT_EQ(WorkingDaysTaken(deadline, deadline, 5, between), 5);
  EXPECT_EQ(WorkingDaysTaken(*ParseIsoDate("2026-11-11"), deadline, 5, between), 7);  // two days late
  // A deadline moved later by a correction never makes the time taken negative.
  EXPECT_EQ(WorkingDaysTaken(monday, calendar.AddWorkingDays(monday, 9), 5, between), 0);
}

TEST(MetricsTest, MonthsAreYearDashMonth) {
  EXPECT_TRUE(IsMonth("2026-11"));
  EXPECT_FALSE(IsMonth("2026-13"));
  EXPECT_FALSE(IsMonth("2026-00"));
  EXPECT_FALSE(IsMonth("2026-1"));
  EXPECT_FALSE(IsMonth("202611"));
  EXPECT_FALSE(IsMonth(""));
  EXPECT_EQ(PreviousMonth("2026-11"), "2026-10");
  EXPECT_EQ(PreviousMonth("2026-01"), "2025-12");
}

}  // namespace
}  // namespace tongban::domain
