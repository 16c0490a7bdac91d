// Performance figures (评估考核, docs/product.md C12, issue 13 item 3): the counters kept per
// (month, department, item, district, channel) in the transaction of the events that move them,
// and the figures a dashboard shows for any slice, computed from summed counters and the
// histogram of working days taken. Pure arithmetic: no SQL, clock or JSON.
//
// What is counted, and when (services/metrics.h registers the effects that count):
// - submitted: a case handed to its department (submitted, or a bundle's sub-case waiting), in
//   the month of its submission; online_submitted when it came from the web or the mobile app;
//   materials_shared / materials_licence: its materials the platform fetched from shared data or
//   from the applicant's e-licences instead of asking for them.
// - decided: the department's decision (approved, refused or not accepted), in the month of the
//   decision: on_time when on or before the case's deadline (which moves with corrections),
//   working_days_sum the working days it took, legal_days_sum / promised_days_sum the item's
//   limits, fully_online when it was submitted online and no step asked for the person in person;
//   visits_avoided: one visit to hand it in for each fully online case, and one more to collect
//   the result when the case results in an e-licence.
// - ratings: the rating counters (domain/rating.h) of the case's slice, in the rating's month.
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "domain/rating.h"

namespace tongban::domain {

// The working days a histogram keeps apart; a case that took longer counts in the last bucket.
inline constexpr int kMaxCountedWorkingDays = 250;

struct MetricCounts {
  int64_t submitted = 0;
  int64_t online_submitted = 0;
  int64_t materials_shared = 0;
  int64_t materials_licence = 0;
  int64_t decided = 0;
  int64_t on_time = 0;
  int64_t fully_online = 0;
  int64_t working_days_sum = 0;
  int64_t legal_days_sum = 0;
  int64_t promised_days_sum = 0;
  int64_t visits_avoided = 0;
  RatingCounts ratings;

  MetricCounts& operator+=(const MetricCounts& other);
};

// Working days taken -> decided cases (days capped at kMaxCountedWorkingDays).
using DurationHistogram = std::map<int, int64_t>;

// The figures of a slice. A share or an average is nullopt when its denominator is zero (no case
// to speak of), never a made-up 0 or 100.
struct MetricFigures {
  MetricCounts counts;
  std::optional<double> online_share;        // online_submitted / submitted x 100
  std::optional<double> fully_online_share;  // fully_online / decided x 100
  std::optional<double> on_time_share;       // on_time / decided x 100
  std::optional<double> average_days;        // working_days_sum / decided
  std::optional<int> p90_days;               // the 90th percentile of the histogram (nearest rank)
  std::optional<double> average_legal_days;  // legal_days_sum / decided
  std::optional<double> average_promised_days;
  // Time taken against the limit: average days / average legal (or promised) limit x 100; the
  // compression of the legal limit the city promised: average promised / average legal x 100.
  std::optional<double> legal_ratio;
  std::optional<double> promised_ratio;
  std::optional<double> promise_compression;
  std::optional<double> satisfaction_index;   // RatingCounts::SatisfactionIndex
  std::optional<double> rectified_on_time_share;
};

// Percentages and averages rounded to one decimal.
MetricFigures ComputeFigures(const MetricCounts& counts, const DurationHistogram& durations);

// The nearest-rank percentile `p` (0 < p <= 100) of a histogram; nullopt when it is empty.
std::optional<int> HistogramPercentile(const DurationHistogram& durations, int p);

// The working days a decision on `decided` took, given the case's deadline (moved by corrections)
// and the item's promised limit: promised - days left, or promised + days late. `days_between` is
// the calendar's working days in (from, to].
template <typename WorkingDaysBetween>
int WorkingDaysTaken(Date decided, Date deadline, int promised_days, WorkingDaysBetween&& days_between) {
  if (decided <= deadline) {
    const int left = days_between(decided, deadline);
    return left >= promised_days ? 0 : promised_days - left;
  }
  return promised_days + days_between(deadline, decided);
}

// "YYYY-MM" with a real month, as the dashboards take it.
bool IsMonth(std::string_view month);
// The month before "YYYY-MM" (which must be IsMonth).
std::string PreviousMonth(std::string_view month);

}  // namespace tongban::domain
