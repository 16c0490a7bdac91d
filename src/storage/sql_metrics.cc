#include "storage/sql_metrics.h"

#include <algorithm>
#include <string_view>

namespace tongban::storage {
namespace {

constexpr std::string_view kInsertCase =
    "INSERT INTO metric_cases (application_id, department, item, district, channel, online, in_person)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (application_id) DO NOTHING";
constexpr std::string_view kGetCase =
    "SELECT application_id, department, item, district, channel, online, in_person FROM metric_cases"
    " WHERE application_id = $1";
constexpr std::string_view kMarkInPerson = "UPDATE metric_cases SET in_person = 1 WHERE application_id = $1";

// The counter columns, in the order of domain::MetricCounts as ReadCounts and the upsert take them.
#define TB_METRIC_COUNTERS                                                                                  \
  "submitted, online_submitted, materials_shared, materials_licence, decided, on_time, fully_online,"      \
  " working_days_sum, legal_days_sum, promised_days_sum, visits_avoided, level_1, level_2, level_3, level_4," \
  " level_5, rectified_on_time, rectified_late, escalated"
#define TB_ADD(c) " " c " = metric_counters." c " + excluded." c
// One statement for both databases: the row is created with the delta, or the delta is added.
constexpr std::string_view kAddCounts =
    "INSERT INTO metric_counters (month, department, item, district, channel, " TB_METRIC_COUNTERS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,"
    " $22, $23, $24) ON CONFLICT (month, department, item, district, channel) DO UPDATE SET" TB_ADD("submitted") ","
    TB_ADD("online_submitted") "," TB_ADD("materials_shared") "," TB_ADD("materials_licence") "," TB_ADD("decided")
    "," TB_ADD("on_time") "," TB_ADD("fully_online") "," TB_ADD("working_days_sum") "," TB_ADD("legal_days_sum") ","
    TB_ADD("promised_days_sum") "," TB_ADD("visits_avoided") "," TB_ADD("level_1") "," TB_ADD("level_2") ","
    TB_ADD("level_3") "," TB_ADD("level_4") "," TB_ADD("level_5") "," TB_ADD("rectified_on_time") ","
    TB_ADD("rectified_late") "," TB_ADD("escalated");
#undef TB_ADD
constexpr std::string_view kAddDuration =
    "INSERT INTO metric_durations (month, department, item, district, channel, days, cases)"
    " VALUES ($1, $2, $3, $4, $5, $6, 1) ON CONFLICT (month, department, item, district, channel, days)"
    " DO UPDATE SET cases = metric_durations.cases + 1";

// Every slice is a range of months of the primary key, whatever else it filters on ("" is every
// value): a month holds at most items x districts x channels rows.
#define TB_SLICE                                                                                   \
  " WHERE month >= $1 AND month <= $2 AND ($3 = '' OR department = $3) AND ($4 = '' OR item = $4)" \
  " AND ($5 = '' OR district = $5) AND ($6 = '' OR channel = $6)"
#define TB_SUMS                                                                                                   \
  "COALESCE(SUM(submitted), 0), COALESCE(SUM(online_submitted), 0), COALESCE(SUM(materials_shared), 0),"          \
  " COALESCE(SUM(materials_licence), 0), COALESCE(SUM(decided), 0), COALESCE(SUM(on_time), 0),"                    \
  " COALESCE(SUM(fully_online), 0), COALESCE(SUM(working_days_sum), 0), COALESCE(SUM(legal_days_sum), 0),"         \
  " COALESCE(SUM(promised_days_sum), 0), COALESCE(SUM(visits_avoided), 0), COALESCE(SUM(level_1), 0),"             \
  " COALESCE(SUM(level_2), 0), COALESCE(SUM(level_3), 0), COALESCE(SUM(level_4), 0), COALESCE(SUM(level_5), 0),"   \
  " COALESCE(SUM(rectified_on_time), 0), COALESCE(SUM(rectified_late), 0), COALESCE(SUM(escalated), 0)"
constexpr std::string_view kSum = "SELECT " TB_SUMS " FROM metric_counters" TB_SLICE;
#define TB_SUM_BY(column) \
  "SELECT " column ", " TB_SUMS " FROM metric_counters" TB_SLICE " GROUP BY " column " ORDER BY " column
constexpr std::string_view kSumByMonth = TB_SUM_BY("month");
constexpr std::string_view kSumByDepartment = TB_SUM_BY("department");
constexpr std::string_view kSumByItem = TB_SUM_BY("item");
constexpr std::string_view kSumByDistrict = TB_SUM_BY("district");
constexpr std::string_view kSumByChannel = TB_SUM_BY("channel");
constexpr std::string_view kDurations =
    "SELECT days, COALESCE(SUM(cases), 0) FROM metric_durations" TB_SLICE " GROUP BY days ORDER BY days";
#undef TB_SUM_BY
#undef TB_SUMS
#undef TB_SLICE
#undef TB_METRIC_COUNTERS

std::string_view SumBy(ports::MetricDimension by) {
  switch (by) {
    case ports::MetricDimension::kMonth: return kSumByMonth;
    case ports::MetricDimension::kDepartment: return kSumByDepartment;
    case ports::MetricDimension::kItem: return kSumByItem;
    case ports::MetricDimension::kDistrict: return kSumByDistrict;
    case ports::MetricDimension::kChannel: return kSumByChannel;
  }
  return kSumByMonth;
}

void BindSlice(Binder& b, const ports::MetricSlice& s) {
  b.Text(s.from_month).Text(s.to_month).Text(s.department).Text(s.item).Text(s.district).Text(s.channel);
}

void BindKey(Binder& b, const std::string& month, const ports::MetricCase& c) {
  b.Text(month).Text(c.department).Text(c.item).Text(c.district).Text(c.channel);
}

domain::MetricCounts ReadCounts(Columns& c) {
  domain::MetricCounts m;
  for (int64_t* n : {&m.submitted, &m.online_submitted, &m.materials_shared, &m.materials_licence, &m.decided,
                     &m.on_time, &m.fully_online, &m.working_days_sum, &m.legal_days_sum, &m.promised_days_sum,
                     &m.visits_avoided}) {
    *n = c.Int();
  }
  for (int64_t& n : m.ratings.levels) n = c.Int();
  m.ratings.rectified_on_time = c.Int();
  m.ratings.rectified_late = c.Int();
  m.ratings.escalated = c.Int();
  return m;
}

}  // namespace

Result<bool> SqlMetrics::InsertMetricCase(const ports::MetricCase& c) {
  TB_ASSIGN_OR_RETURN(const int64_t inserted, sql_.Execute(kInsertCase, [&](Binder& b) {
    b.Text(c.application_id).Text(c.department).Text(c.item).Text(c.district).Text(c.channel);
    b.Int(c.online ? 1 : 0).Int(c.in_person ? 1 : 0);
  }));
  return inserted > 0;
}

Result<std::optional<ports::MetricCase>> SqlMetrics::GetMetricCase(const std::string& application_id) {
  TB_ASSIGN_OR_RETURN(auto rows, sql_.All<ports::MetricCase>(
                                     kGetCase, [&](Binder& b) { b.Text(application_id); },
                                     [](Statement& statement) -> Result<ports::MetricCase> {
                                       Columns c(statement);
                                       ports::MetricCase m;
                                       m.application_id = c.Text();
                                       m.department = c.Text();
                                       m.item = c.Text();
                                       m.district = c.Text();
                                       m.channel = c.Text();
                                       m.online = c.Bool();
                                       m.in_person = c.Bool();
                                       return m;
                                     }));
  if (rows.empty()) return std::optional<ports::MetricCase>();
  return std::optional<ports::MetricCase>(std::move(rows.front()));
}

Status SqlMetrics::MarkInPerson(const std::string& application_id) {
  return sql_.Run(kMarkInPerson, [&](Binder& b) { b.Text(application_id); });
}

Status SqlMetrics::AddMetricCounts(const std::string& month, const ports::MetricCase& c,
                                   const domain::MetricCounts& d) {
  return sql_.Run(kAddCounts, [&](Binder& b) {
    BindKey(b, month, c);
    for (const int64_t n : {d.submitted, d.online_submitted, d.materials_shared, d.materials_licence, d.decided,
                            d.on_time, d.fully_online, d.working_days_sum, d.legal_days_sum, d.promised_days_sum,
                            d.visits_avoided}) {
      b.Int(n);
    }
    for (const int64_t n : d.ratings.levels) b.Int(n);
    b.Int(d.ratings.rectified_on_time).Int(d.ratings.rectified_late).Int(d.ratings.escalated);
  });
}

Status SqlMetrics::AddMetricDuration(const std::string& month, const ports::MetricCase& c, int days) {
  return sql_.Run(kAddDuration, [&](Binder& b) {
    BindKey(b, month, c);
    b.Int(std::clamp(days, 0, domain::kMaxCountedWorkingDays));
  });
}

Result<domain::MetricCounts> SqlMetrics::SumMetricCounts(const ports::MetricSlice& slice) {
  return sql_.One<domain::MetricCounts>(
      kSum, [&](Binder& b) { BindSlice(b, slice); }, "error.metrics.none",
      [](Statement& statement) -> Result<domain::MetricCounts> {
        Columns c(statement);
        return ReadCounts(c);
      });
}

Result<std::vector<std::pair<std::string, domain::MetricCounts>>> SqlMetrics::SumMetricCountsBy(
    const ports::MetricSlice& slice, ports::MetricDimension by) {
  using Row = std::pair<std::string, domain::MetricCounts>;
  return sql_.All<Row>(
      SumBy(by), [&](Binder& b) { BindSlice(b, slice); },
      [](Statement& statement) -> Result<Row> {
        Columns c(statement);
        Row row;
        row.first = c.Text();
        row.second = ReadCounts(c);
        return row;
      });
}

Result<domain::DurationHistogram> SqlMetrics::MetricDurations(const ports::MetricSlice& slice) {
  using Row = std::pair<int, int64_t>;
  TB_ASSIGN_OR_RETURN(const auto rows, sql_.All<Row>(
                                           kDurations, [&](Binder& b) { BindSlice(b, slice); },
                                           [](Statement& statement) -> Result<Row> {
                                             Columns c(statement);
                                             const int days = static_cast<int>(c.Int());
                                             return Row{days, c.Int()};
                                           }));
  return domain::DurationHistogram(rows.begin(), rows.end());
}

}  // namespace tongban::storage
