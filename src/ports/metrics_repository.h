// The dashboards' counters (issue 13 item 3; domain/metrics.h, services/metrics.h): one row of
// dimensions per case handed to a department, counters per (month, department, item, district,
// channel) and the histogram of working days taken. Written only by the effects of the events
// that move them, in those events' transactions; read a slice at a time, never case by case.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "domain/metrics.h"

namespace tongban::ports {

// The slice a case counts in, fixed when it is handed to its department.
struct MetricCase {
  std::string application_id;
  std::string department;
  std::string item;
  std::string district;  // District code; "" when not known (an enterprise's online case)
  std::string channel;   // domain::ChannelName of the channel it was created from
  bool online = false;     // created from the web or the mobile app
  bool in_person = false;  // a step asked for the person in person
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
  // Stores the case's dimensions; false (and nothing written) when it has them already, so a case
  // counts once however often it passes through submission.
  virtual Result<bool> InsertMetricCase(const MetricCase& c) = 0;
  virtual Result<std::optional<MetricCase>> GetMetricCase(const std::string& application_id) = 0;
  virtual Status MarkInPerson(const std::string& application_id) = 0;
  // Adds `delta` to the counters of (month, case's department, item, district, channel).
  virtual Status AddMetricCounts(const std::string& month, const MetricCase& c, const domain::MetricCounts& delta) = 0;
  // Adds one decided case that took `days` working days (capped) to the histogram.
  virtual Status AddMetricDuration(const std::string& month, const MetricCase& c, int days) = 0;
  // The counters of a slice added up.
  virtual Result<domain::MetricCounts> SumMetricCounts(const MetricSlice& slice) = 0;
  // The counters of a slice added up per value of `by`, in the order of the value.
  virtual Result<std::vector<std::pair<std::string, domain::MetricCounts>>> SumMetricCountsBy(
      const MetricSlice& slice, MetricDimension by) = 0;
  virtual Result<domain::DurationHistogram> MetricDurations(const MetricSlice& slice) = 0;
};

}  // namespace tongban::ports
