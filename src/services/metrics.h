// Performance dashboards (评估考核, issue 13 item 3, docs/product.md C12): the counters of
// domain/metrics.h kept by effects in the transactions of the events that move them, and the
// figures of any slice of department, item, district, channel and month read from them (never by
// loading cases). The figures are public statistics: aggregates with no personal data, shown
// without sign-in like the ratings' statistics.
//
// Which district a case counts in: the district of the service centre where it was made (window
// or kiosk); a case made online belongs to no centre and counts under district "" ("online").
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <string>
#include <vector>

#include "domain/metrics.h"
#include "ports/metrics_repository.h"
#include "services/context.h"
#include "services/effects.h"

namespace tongban::services {

// How many months a trend shows, the slice's month the last.
inline constexpr int kMetricsTrendMonths = 12;

// A slice; "" is every value. month: "YYYY-MM" ("" is the current month, city time).
struct MetricsQuery {
  std::string department;
  std::string item;
  std::string district;
  std::string channel;
  std::string month;
};

struct MetricsRow {
  std::string key;  // the month, department, item, district or channel code
  domain::MetricFigures figures;
};

struct MetricsView {
  MetricsQuery query;             // as asked, the month filled in
  domain::MetricFigures figures;  // the slice in its month
  // The slice in each of the kMetricsTrendMonths months up to its month, oldest first, every month
  // present (a month without cases has zero counts).
  std::vector<MetricsRow> trend;
  // The slice in its month broken down by the next finer dimension: departments city-wide, a
  // department's items, or an item's districts. Only values with counts appear.
  ports::MetricDimension breakdown_by = ports::MetricDimension::kDepartment;
  std::vector<MetricsRow> breakdown;
};

// The figures of a slice. kInvalidArgument, nothing read: error.metrics.month (not YYYY-MM),
// error.metrics.department, error.metrics.item, error.metrics.district (not in the catalogue),
// error.metrics.channel (not web, mobile, kiosk or window).
Result<MetricsView> GetMetrics(const Context& ctx, const MetricsQuery& query);

// Registers the counting effects: on domain::ApplicationChanged (a case handed to its department,
// a step that asks for the person in person, the department's decision) and on
// domain::RatingCounted (a rating, its rectification). Their errors fail the event's transaction.
void RegisterMetricsEffects(Effects& effects);

}  // namespace tongban::services
