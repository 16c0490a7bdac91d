// Performance dashboards (issue 13 item 3; services/metrics.h): GET /api/v1/metrics and
// GET /api/v1/metrics.csv with ?department=&item=&district=&channel=&month=YYYY-MM. Public
// statistics: no sign-in.
#include <cstdio>

#include "http/api/handlers.h"
#include "services/metrics.h"

namespace tongban::http::api {
namespace {

services::MetricsQuery QueryOf(const Request& req) {
  return services::MetricsQuery{req.Query("department"), req.Query("item"), req.Query("district"),
                                req.Query("channel"), req.Query("month")};
}

template <typename T>
Json Maybe(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

const char* DimensionName(ports::MetricDimension d) {
  switch (d) {
    case ports::MetricDimension::kMonth: return "month";
    case ports::MetricDimension::kDepartment: return "department";
    case ports::MetricDimension::kItem: return "item";
    case ports::MetricDimension::kDistrict: return "district";
    case ports::MetricDimension::kChannel: return "channel";
  }
  return "month";
}

// The figures' names, in the order of the CSV's columns and of FigureValues.
constexpr const char* kFigureNames[] = {
    "applications", "online_share", "decided", "fully_online_share", "on_time_share", "average_days",
    "p90_days", "average_legal_days", "average_promised_days", "legal_ratio", "promised_ratio",
    "promise_compression", "visits_avoided", "materials_shared", "materials_licence", "ratings",
    "satisfaction_index", "bad_ratings", "rectified_on_time_share"};

std::vector<Json> FigureValues(const domain::MetricFigures& f) {
  const domain::MetricCounts& c = f.counts;
  return {c.submitted, Maybe(f.online_share), c.decided, Maybe(f.fully_online_share), Maybe(f.on_time_share),
          Maybe(f.average_days), Maybe(f.p90_days), Maybe(f.average_legal_days), Maybe(f.average_promised_days),
          Maybe(f.legal_ratio), Maybe(f.promised_ratio), Maybe(f.promise_compression), c.visits_avoided,
          c.materials_shared, c.materials_licence, c.ratings.Total(), Maybe(f.satisfaction_index), c.ratings.Bad(),
          Maybe(f.rectified_on_time_share)};
}

Json FiguresJson(const domain::MetricFigures& f) {
  Json out = Json::object();
  const std::vector<Json> values = FigureValues(f);
  for (size_t i = 0; i < values.size(); ++i) out[kFigureNames[i]] = values[i];
  return out;
}

Json RowsJson(const std::vector<services::MetricsRow>& rows) {
  Json out = Json::array();
  for (const services::MetricsRow& row : rows) out.push_back(Json{{"key", row.key}, {"figures", FiguresJson(row.figures)}});
  return out;
}

Json MetricsJson(const services::MetricsView& v) {
  const services::MetricsQuery& q = v.query;
  return Json{{"slice", Json{{"department", q.department}, {"item", q.item}, {"district", q.district},
                             {"channel", q.channel}, {"month", q.month}}},
              {"figures", FiguresJson(v.figures)},
              {"trend", RowsJson(v.trend)},
              {"breakdown", Json{{"by", DimensionName(v.breakdown_by)}, {"rows", RowsJson(v.breakdown)}}}};
}

// A CSV cell (RFC 4180): quoted when it holds a comma, quote or line break; numbers as JSON
// writes them, an absent figure empty.
std::string Cell(const Json& value) {
  if (value.is_null()) return "";
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char ch : text) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return quoted + "\"";
}

// One row per line: the slice in its month ("slice"), each month of the trend ("month") and each
// row of the breakdown (its dimension), every figure a column.
std::string MetricsCsv(const services::MetricsView& v) {
  std::string out = "row,key";
  for (const char* name : kFigureNames) out += std::string(",") + name;
  out += "\r\n";
  auto line = [&](const std::string& kind, const std::string& key, const domain::MetricFigures& f) {
    out += Cell(kind) + "," + Cell(key);
    for (const Json& value : FigureValues(f)) out += "," + Cell(value);
    out += "\r\n";
  };
  line("slice", v.query.month, v.figures);
  for (const services::MetricsRow& row : v.trend) line("month", row.key, row.figures);
  for (const services::MetricsRow& row : v.breakdown) line(DimensionName(v.breakdown_by), row.key, row.figures);
  return out;
}

}  // namespace

void RegisterMetricsRoutes(Router& router, const HttpDeps& deps) {
  router.Add("GET", "/api/v1/metrics", [&deps](Request& req) {
    auto view = services::GetMetrics(*deps.ctx, QueryOf(req));
    if (!view.ok()) return ErrorResponse(deps, req, view.error());
    return JsonResponse(200, MetricsJson(*view));
  });
  router.Add("GET", "/api/v1/metrics.csv", [&deps](Request& req) {
    auto view = services::GetMetrics(*deps.ctx, QueryOf(req));
    if (!view.ok()) return ErrorResponse(deps, req, view.error());
    Response res;
    res.content_type = "text/csv; charset=utf-8";
    res.body = MetricsCsv(*view);
    res.AddHeader("Content-Disposition", "attachment; filename=\"metrics-" + view->query.month + ".csv\"");
    return res;
  });
}

}  // namespace tongban::http::api
