#include "domain/metrics.h"

#include <cmath>
#include <cstdio>

namespace tongban::domain {
namespace {

std::optional<double> Share(int64_t part, int64_t whole) {
  if (whole <= 0) return std::nullopt;
  return std::round(static_cast<double>(part) * 1000.0 / static_cast<double>(whole)) / 10.0;
}

std::optional<double> Average(int64_t sum, int64_t n) {
  if (n <= 0) return std::nullopt;
  return std::round(static_cast<double>(sum) * 10.0 / static_cast<double>(n)) / 10.0;
}

}  // namespace

MetricCounts& MetricCounts::operator+=(const MetricCounts& o) {
  submitted += o.submitted;
  online_submitted += o.online_submitted;
  materials_shared += o.materials_shared;
  materials_licence += o.materials_licence;
  decided += o.decided;
  on_time += o.on_time;
  fully_online += o.fully_online;
  working_days_sum += o.working_days_sum;
  legal_days_sum += o.legal_days_sum;
  promised_days_sum += o.promised_days_sum;
  visits_avoided += o.visits_avoided;
  for (size_t i = 0; i < ratings.levels.size(); ++i) ratings.levels[i] += o.ratings.levels[i];
  ratings.rectified_on_time += o.ratings.rectified_on_time;
  ratings.rectified_late += o.ratings.rectified_late;
  ratings.escalated += o.ratings.escalated;
  return *this;
}

std::optional<int> HistogramPercentile(const DurationHistogram& durations, int p) {
  int64_t total = 0;
  for (const auto& [days, n] : durations) total += n;
  if (total <= 0 || p <= 0) return std::nullopt;
  // Nearest rank: the smallest value with at least ceil(p/100 x total) cases at or below it.
  const int64_t rank = (static_cast<int64_t>(p) * total + 99) / 100;
  int64_t seen = 0;
  for (const auto& [days, n] : durations) {
    seen += n;
    if (seen >= rank) return days;
  }
  return durations.rbegin()->first;
}

MetricFigures ComputeFigures(const MetricCounts& c, const DurationHistogram& durations) {
  MetricFigures f;
  f.counts = c;
  f.online_share = Share(c.online_submitted, c.submitted);
  f.fully_online_share = Share(c.fully_online, c.decided);
  f.on_time_share = Share(c.on_time, c.decided);
  f.average_days = Average(c.working_days_sum, c.decided);
  f.p90_days = HistogramPercentile(durations, 90);
  f.average_legal_days = Average(c.legal_days_sum, c.decided);
  f.average_promised_days = Average(c.promised_days_sum, c.decided);
  f.legal_ratio = Share(c.working_days_sum, c.legal_days_sum);
  f.promised_ratio = Share(c.working_days_sum, c.promised_days_sum);
  f.promise_compression = Share(c.promised_days_sum, c.legal_days_sum);
  f.satisfaction_index = c.ratings.SatisfactionIndex();
  f.rectified_on_time_share = c.ratings.RectifiedOnTimeShare();
  return f;
}

bool IsMonth(std::string_view month) {
  if (month.size() != 7 || month[4] != '-') return false;
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u}) {
    if (month[i] < '0' || month[i] > '9') return false;
  }
  const int m = (month[5] - '0') * 10 + (month[6] - '0');
  return m >= 1 && m <= 12;
}

std::string PreviousMonth(std::string_view month) {
  int year = std::stoi(std::string(month.substr(0, 4)));
  int m = std::stoi(std::string(month.substr(5, 2))) - 1;
  if (m == 0) {
    m = 12;
    --year;
  }
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02d", year, m);
  return out;
}

}  // namespace tongban::domain
