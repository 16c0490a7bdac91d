// The dashboards' counters in SQL (V028). Internal to storage.
#pragma once

#include "ports/metrics_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlMetrics final : public ports::MetricsRepository {
 public:
  explicit SqlMetrics(const SqlAccess& sql) : sql_(sql) {}
  Result<bool> InsertMetricCase(const ports::MetricCase& c) override;
  Result<std::optional<ports::MetricCase>> GetMetricCase(const std::string& application_id) override;
  Status MarkInPerson(const std::string& application_id) override;
  Status AddMetricCounts(const std::string& month, const ports::MetricCase& c,
                         const domain::MetricCounts& delta) override;
  Status AddMetricDuration(const std::string& month, const ports::MetricCase& c, int days) override;
  Result<domain::MetricCounts> SumMetricCounts(const ports::MetricSlice& slice) override;
  Result<std::vector<std::pair<std::string, domain::MetricCounts>>> SumMetricCountsBy(
      const ports::MetricSlice& slice, ports::MetricDimension by) override;
  Result<domain::DurationHistogram> MetricDurations(const ports::MetricSlice& slice) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
