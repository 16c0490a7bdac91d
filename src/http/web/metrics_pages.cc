// Performance dashboards (issue 13 item 3, docs/product.md C12): /metrics shows the figures of any
// slice of department, item, district, channel and month (services/metrics.h): the headline
// figures, two charts of the last twelve months and one of the slice broken down, each chart a
// server-rendered SVG with a text summary and the same numbers in a table beside it, and links to
// the same figures as CSV and JSON. Public statistics: no sign-in; a plain GET form, so it works
// without JavaScript.
#include <algorithm>
#include <cstdio>

#include "http/web/page.h"
#include "http/web/render.h"
#include "services/metrics.h"

namespace tongban::http::web {
namespace {

constexpr int kChartWidth = 640;
constexpr int kLabelWidth = 230;
constexpr int kBarSpace = 330;  // the longest bar; its value is written after it
constexpr int kRowHeight = 28;

std::string OneDecimal(double value) {
  char out[32];
  std::snprintf(out, sizeof out, "%.1f", value);
  return out;
}

// "—" where a figure has no cases behind it.
std::string Percent(const std::optional<double>& v) { return v ? OneDecimal(*v) + "%" : "—"; }
std::string Decimal(const std::optional<double>& v) { return v ? OneDecimal(*v) : "—"; }

std::string DistrictName(const domain::Catalogue& catalogue, const PageRequest& page, const Site& site,
                         const std::string& code) {
  if (code.empty()) return page.T(site, "metrics.online_district");
  const domain::District* d = catalogue.FindDistrict(code);
  return d != nullptr ? d->name.In(page.lang) : code;
}

std::string KeyName(const Site& site, const PageRequest& page, const domain::Catalogue& catalogue,
                    ports::MetricDimension by, const std::string& key) {
  switch (by) {
    case ports::MetricDimension::kDepartment: return DepartmentName(site, page, key);
    case ports::MetricDimension::kItem: return ItemName(site, page, key);
    case ports::MetricDimension::kDistrict: return DistrictName(catalogue, page, site, key);
    case ports::MetricDimension::kChannel: return page.T(site, "channel." + key);
    case ports::MetricDimension::kMonth: return key;
  }
  return key;
}

struct ChartPoint {
  std::string label;
  double value = 0;
  std::string value_text;
};

// A horizontal bar chart: one labelled bar per point, scaled to `max` (the largest value when 0).
// The summary names the highest and the lowest point, what a sighted reader takes in, or says
// there is nothing to see.
Data BarChart(const Site& site, const PageRequest& page, const std::string& id, const std::string& title,
              const std::vector<ChartPoint>& points, double max) {
  for (const ChartPoint& p : points) max = std::max(max, p.value);
  Data chart;
  chart.set("id", id);
  chart.set("title", title);
  chart.set("width", std::to_string(kChartWidth));
  chart.set("height", std::to_string(std::max<size_t>(points.size(), 1) * kRowHeight));
  Data bars{Data::type::list};
  for (size_t i = 0; i < points.size(); ++i) {
    const ChartPoint& p = points[i];
    const int width = max > 0 ? static_cast<int>(p.value / max * kBarSpace + 0.5) : 0;
    const int top = static_cast<int>(i) * kRowHeight;
    Data bar;
    bar.set("label", p.label);
    bar.set("value_text", p.value_text);
    bar.set("x", std::to_string(kLabelWidth));
    bar.set("y", std::to_string(top + 4));
    bar.set("w", std::to_string(width));
    bar.set("text_y", std::to_string(top + 19));
    bar.set("value_x", std::to_string(kLabelWidth + width + 6));
    bars.push_back(bar);
  }
  chart.set("bars", bars);
  std::string summary;
  const bool any = std::any_of(points.begin(), points.end(), [](const ChartPoint& p) { return p.value > 0; });
  if (!any) {
    summary = page.T(site, "metrics.chart.empty");
  } else {
    const auto [low, high] = std::minmax_element(points.begin(), points.end(),
                                                 [](const ChartPoint& a, const ChartPoint& b) { return a.value < b.value; });
    summary = page.T(site, "metrics.chart.highest", high->label + " (" + high->value_text + ")") + " " +
              page.T(site, "metrics.chart.lowest", low->label + " (" + low->value_text + ")");
  }
  chart.set("summary", summary);
  return chart;
}

Data FigureRow(const std::string& name, const domain::MetricFigures& f) {
  Data row;
  row.set("name", name);
  row.set("applications", std::to_string(f.counts.submitted));
  row.set("online_share", Percent(f.online_share));
  row.set("decided", std::to_string(f.counts.decided));
  row.set("on_time_share", Percent(f.on_time_share));
  row.set("average_days", Decimal(f.average_days));
  row.set("satisfaction", Decimal(f.satisfaction_index));
  row.set("rectified", Percent(f.rectified_on_time_share));
  return row;
}

Data Headline(const Site& site, const PageRequest& page, const domain::MetricFigures& f) {
  Data list{Data::type::list};
  auto add = [&](const char* key, const std::string& value) {
    Data d;
    d.set("label", page.T(site, std::string("metrics.figure.") + key));
    d.set("value", value);
    list.push_back(d);
  };
  const domain::MetricCounts& c = f.counts;
  add("applications", std::to_string(c.submitted));
  add("online_share", Percent(f.online_share));
  add("decided", std::to_string(c.decided));
  add("fully_online_share", Percent(f.fully_online_share));
  add("on_time_share", Percent(f.on_time_share));
  add("average_days", Decimal(f.average_days) + " / " + Decimal(f.average_promised_days) + " / " +
                          Decimal(f.average_legal_days));
  add("p90_days", f.p90_days ? std::to_string(*f.p90_days) : "—");
  add("legal_ratio", Percent(f.legal_ratio));
  add("promise_compression", Percent(f.promise_compression));
  add("visits_avoided", std::to_string(c.visits_avoided));
  add("materials_avoided", std::to_string(c.materials_shared) + " + " + std::to_string(c.materials_licence));
  add("satisfaction", Decimal(f.satisfaction_index) + " (" + std::to_string(c.ratings.Total()) + ")");
  add("rectified", Percent(f.rectified_on_time_share));
  return list;
}

template <typename Each>
Data Options(const std::string& selected, Each&& each) {
  Data list{Data::type::list};
  each([&](const std::string& value, const std::string& label) {
    Data o;
    o.set("value", value);
    o.set("label", label);
    o.set("selected", value == selected);
    list.push_back(o);
  });
  return list;
}

std::string QueryString(const services::MetricsQuery& q) {
  return "department=" + UrlEncode(q.department) + "&item=" + UrlEncode(q.item) + "&district=" +
         UrlEncode(q.district) + "&channel=" + UrlEncode(q.channel) + "&month=" + UrlEncode(q.month);
}

Response MetricsPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  const services::MetricsQuery asked{req.Query("department"), req.Query("item"), req.Query("district"),
                                     req.Query("channel"), req.Query("month")};
  auto view = services::GetMetrics(site.ctx(), asked);
  if (!view.ok()) return ErrorPageFor(site, page, view.error());
  const services::MetricsQuery& q = view->query;
  const auto catalogue = site.ctx().Catalogue();
  Data data = BaseData(site, page, "page.metrics.title");

  data.set("departments", Options(q.department, [&](auto add) {
             for (const auto& d : catalogue->departments()) add(d.code, d.name.In(page.lang));
           }));
  data.set("items", Options(q.item, [&](auto add) {
             for (const auto& i : catalogue->items()) {
               if (q.department.empty() || i.department == q.department) add(i.code, i.name.In(page.lang));
             }
           }));
  data.set("districts", Options(q.district, [&](auto add) {
             for (const auto& d : catalogue->districts()) add(d.code, d.name.In(page.lang));
           }));
  data.set("channels", Options(q.channel, [&](auto add) {
             for (const char* c : {"web", "mobile", "kiosk", "window"}) add(c, page.T(site, std::string("channel.") + c));
           }));
  data.set("month", q.month);

  std::string slice = page.T(site, "metrics.whole_city");
  if (!q.item.empty()) {
    slice = ItemName(site, page, q.item);
  } else if (!q.department.empty()) {
    slice = DepartmentName(site, page, q.department);
  }
  if (!q.district.empty()) slice += " · " + DistrictName(*catalogue, page, site, q.district);
  if (!q.channel.empty()) slice += " · " + page.T(site, "channel." + q.channel);
  data.set("slice", slice + " · " + q.month);
  data.set("headline", Headline(site, page, view->figures));

  std::vector<ChartPoint> applications;
  std::vector<ChartPoint> on_time;
  Data trend_rows{Data::type::list};
  for (const services::MetricsRow& row : view->trend) {
    const domain::MetricFigures& f = row.figures;
    applications.push_back({row.key, static_cast<double>(f.counts.submitted), std::to_string(f.counts.submitted)});
    on_time.push_back({row.key, f.on_time_share.value_or(0), Percent(f.on_time_share)});
    trend_rows.push_back(FigureRow(row.key, f));
  }
  data.set("trend_rows", trend_rows);
  std::vector<ChartPoint> breakdown;
  Data breakdown_rows{Data::type::list};
  for (const services::MetricsRow& row : view->breakdown) {
    const std::string name = KeyName(site, page, *catalogue, view->breakdown_by, row.key);
    breakdown.push_back({name, static_cast<double>(row.figures.counts.submitted),
                         std::to_string(row.figures.counts.submitted)});
    breakdown_rows.push_back(FigureRow(name, row.figures));
  }
  const std::string by_key = view->breakdown_by == ports::MetricDimension::kDepartment ? "department"
                             : view->breakdown_by == ports::MetricDimension::kItem   ? "item"
                                                                                     : "district";
  data.set("breakdown_rows", breakdown_rows);
  data.set("breakdown_caption", page.T(site, "metrics.breakdown." + by_key));
  Data charts{Data::type::list};
  charts.push_back(BarChart(site, page, "chart-applications", page.T(site, "metrics.chart.applications"),
                            applications, 0));
  charts.push_back(BarChart(site, page, "chart-on-time", page.T(site, "metrics.chart.on_time"), on_time, 100));
  data.set("trend_charts", charts);
  data.set("breakdown_chart", BarChart(site, page, "chart-breakdown",
                                       page.T(site, "metrics.chart.breakdown." + by_key), breakdown, 0));
  const std::string query = QueryString(q);
  data.set("csv_href", "/api/v1/metrics.csv?" + query);
  data.set("json_href", "/api/v1/metrics?" + query);
  return RenderPage(site, page, "metrics", data);
}

}  // namespace

void RegisterMetricsPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/metrics", [site](Request& req) { return MetricsPage(*site, req); });
}

}  // namespace tongban::http::web
