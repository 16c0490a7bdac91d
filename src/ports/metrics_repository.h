// The dashboards' counters (issue 13 item 3; domain/metrics.h, services/metrics.h): counters per
// (month, department, item, district, channel) and the histogram of working days taken. Written
// only by the effects of the events that move them, in those events' transactions; read a slice
// at a time, never case by case.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "domain/metrics.h"

namespace tongban::ports {

// The slice a case counts in (services/metrics.h: from the case's own item, centre and channel).
struct MetricKey {
  std::string department;
  std::string item;
  std::string district;  // District code; "" for a case made online (no service centre)
  std::string channel;   // domain::ChannelName of the channel the case was created from
};

// Which counters to add up; "" is every value. Months are "YYYY-MM", from..to inclusive.
struct MetricSlice {
  std::string department;
  std::string item;
  std::string district;
  std::string channel;
  std::string from_month;
  std::string to_month;
};

// A dimension to break a slice down by.
enum class MetricDimension { kMonth, kDepartment, kItem, kDistrict, kChannel };

class MetricsRepository {
 public:
  virtual ~MetricsRepository() = default;
  // Adds `delta` to the counters of (month, key).
  virtual Status AddMetricCounts(const std::string& month, const MetricKey& key, const domain::MetricCounts& delta) = 0;
  // Adds one decided case that took `days` working days (capped) to the histogram of (month, key).
  virtual Status AddMetricDuration(const std::string& month, const MetricKey& key, int days) = 0;
  // The counters of a slice added up.
  virtual Result<domain::MetricCounts> SumMetricCounts(const MetricSlice& slice) = 0;
  // The counters of a slice added up per value of `by`, in the order of the value.
  virtual Result<std::vector<std::pair<std::string, domain::MetricCounts>>> SumMetricCountsBy(
      const MetricSlice& slice, MetricDimension by) = 0;
  virtual Result<domain::DurationHistogram> MetricDurations(const MetricSlice& slice) = 0;
};

}  // namespace tongban::ports
