// Performance dashboards (issue 13 item 3, docs/PERFORMANCE.md):
//   load       the counters of `--cases` cases (default 1,000,000) written through the metrics
//              repository exactly as the effects write them when a case is handed over and decided
//              (its row of dimensions, two counter upserts, one histogram upsert), over the demo
//              catalogue's items, its districts and online, the four channels and twelve months
//   dashboard  services::GetMetrics (the month's figures, its 90th percentile, the twelve-month
//              trend and the breakdown) for one department's month and for the whole city's month,
//              next to the raw ceiling: one SELECT of the same month's sums through the driver
//   submission services::CreateApplication (submitted, durable) from 8 threads, with the
//              counting effects registered and without them: the counters' cost as a ratio
// Usage: metrics_bench [--db URL] [--cases N] [--catalogue DIR] [--submissions N]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "app/catalogue_loader.h"
#include "crypto/system.h"
#include "domain/rating.h"
#include "services/accounts.h"
#include "services/applications.h"
#include "services/effects.h"
#include "services/metrics.h"
#include "storage/sql_store.h"

namespace tb = tongban;
using SteadyClock = std::chrono::steady_clock;

namespace {

double MsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

int Fail(const char* what, const tb::Error& e) {
  std::fprintf(stderr, "metrics_bench: %s: %s\n", what, e.message.c_str());
  return 1;
}

class SystemClock final : public tb::ports::Clock {
 public:
  tb::Timestamp Now() const override {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

std::string FreshSqlite(const std::string& name) {
  const std::string path = (std::filesystem::temp_directory_path() / name).string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  return "sqlite:" + path;
}

// Median and worst of `runs` calls of `f`, in milliseconds.
template <typename F>
std::pair<double, double> Time(int runs, F&& f) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto start = SteadyClock::now();
    f();
    ms.push_back(MsSince(start));
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.back()};
}

}  // namespace

int main(int argc, char** argv) {
  std::string db = FreshSqlite("tongban-metrics-bench.db");
  std::string catalogue_dir = "catalogue";
  int cases = 1000000;
  int submissions = 4000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--db") == 0) db = argv[i + 1];
    if (std::strcmp(argv[i], "--cases") == 0) cases = std::stoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--catalogue") == 0) catalogue_dir = argv[i + 1];
    if (std::strcmp(argv[i], "--submissions") == 0) submissions = std::stoi(argv[i + 1]);
  }
  if (!tb::crypto::InitCrypto()) return 1;
  auto loaded = tb::app::LoadCatalogue(catalogue_dir);
  if (!loaded.ok()) return Fail("catalogue", loaded.error());
  auto store = tb::storage::OpenStore(db);
  if (!store.ok()) return Fail("store", store.error());
  SystemClock clock;
  tb::crypto::SodiumIdGenerator ids;
  tb::crypto::SodiumHasher hasher;
  tb::services::Context ctx;
  ctx.store = store->get();
  ctx.clock = &clock;
  ctx.ids = &ids;
  ctx.hasher = &hasher;
  ctx.catalogue = loaded->catalogue;
  ctx.calendar = std::make_shared<const tb::Calendar>(loaded->calendar);
  const tb::domain::Catalogue& catalogue = *loaded->catalogue;
  const std::string month = tb::domain::MonthOf(tb::LocalDate(clock.Now()));
  std::vector<std::string> months{month};
  while (months.size() < 12) months.push_back(tb::domain::PreviousMonth(months.back()));

  // ---- load: what the effects write for each case handed over and decided ----
  {
    std::vector<std::string> districts{""};
    for (const auto& d : catalogue.districts()) districts.push_back(d.code);
    const char* channels[] = {"web", "mobile", "kiosk", "window"};
    std::mt19937_64 random(42);
    const auto start = SteadyClock::now();
    const int batch = 5000;
    for (int done = 0; done < cases;) {
      const int n = std::min(batch, cases - done);
      const tb::Status written = ctx.store->Write([&](tb::ports::Transaction& tx) -> tb::Status {
        for (int i = 0; i < n; ++i) {
          const auto& item = catalogue.items()[random() % catalogue.items().size()];
          tb::ports::MetricCase c;
          c.application_id = "bench-" + std::to_string(done + i);
          c.department = item.department;
          c.item = item.code;
          c.channel = channels[random() % 4];
          c.online = c.channel == "web" || c.channel == "mobile";
          c.district = c.online ? "" : districts[1 + random() % (districts.size() - 1)];
          c.in_person = !c.online || random() % 10 == 0;
          const std::string& in = months[random() % months.size()];
          TB_ASSIGN_OR_RETURN(const bool first, tx.metrics().InsertMetricCase(c));
          (void)first;
          tb::domain::MetricCounts handed;
          handed.submitted = 1;
          handed.online_submitted = c.online ? 1 : 0;
          handed.materials_shared = static_cast<int64_t>(random() % 3);
          TB_RETURN_IF_ERROR(tx.metrics().AddMetricCounts(in, c, handed));
          const int days = static_cast<int>(random() % (item.promised_limit_days * 3 / 2 + 1));
          tb::domain::MetricCounts decided;
          decided.decided = 1;
          decided.on_time = days <= item.promised_limit_days ? 1 : 0;
          decided.working_days_sum = days;
          decided.legal_days_sum = item.legal_limit_days;
          decided.promised_days_sum = item.promised_limit_days;
          decided.fully_online = c.online && !c.in_person ? 1 : 0;
          decided.visits_avoided = decided.fully_online;
          decided.ratings.levels[random() % 5] = random() % 4 == 0 ? 1 : 0;
          TB_RETURN_IF_ERROR(tx.metrics().AddMetricCounts(in, c, decided));
          TB_RETURN_IF_ERROR(tx.metrics().AddMetricDuration(in, c, days));
        }
        return tb::Ok();
      });
      if (!written.ok()) return Fail("load", written.error());
      done += n;
      if (done % 100000 == 0 || done == cases) {
        std::fprintf(stderr, "\rloaded %d of %d cases (%.0f s)", done, cases, MsSince(start) / 1000);
      }
    }
    std::fprintf(stderr, "\n");
    std::printf("%-52s %12.0f cases/s (%d cases in %.1f s)\n", "load: the effects' writes per case", cases / (MsSince(start) / 1000),
                cases, MsSince(start) / 1000);
  }

  // ---- dashboard: one department's month, the whole city's month, next to one raw SELECT ----
  {
    const std::string department = catalogue.departments().front().code;
    auto dashboard = [&](const tb::services::MetricsQuery& q) {
      auto view = tb::services::GetMetrics(ctx, q);
      if (!view.ok()) std::fprintf(stderr, "metrics_bench: %s\n", view.error().message.c_str());
      return view.ok() ? view->figures.counts.submitted : 0;
    };
    int64_t seen = 0;
    const auto [dept_median, dept_worst] = Time(21, [&] { seen = dashboard({department, "", "", "", month}); });
    std::printf("%-52s %9.1f ms median, %.1f ms worst (%lld applications; target 200 ms)\n",
                ("dashboard: department " + department + ", one month").c_str(), dept_median, dept_worst,
                static_cast<long long>(seen));
    const auto [city_median, city_worst] = Time(21, [&] { seen = dashboard({"", "", "", "", month}); });
    std::printf("%-52s %9.1f ms median, %.1f ms worst (%lld applications; target 500 ms)\n",
                "dashboard: whole city, one month", city_median, city_worst, static_cast<long long>(seen));
    // The ceiling: the month's sums alone, one statement (the dashboard adds the histogram, the
    // twelve months and the breakdown, and the figures).
    const auto [raw_median, raw_worst] = Time(21, [&] {
      (void)ctx.store->Read([&](tb::ports::Transaction& tx) -> tb::Status {
        auto sums = tx.metrics().SumMetricCounts({"", "", "", "", month, month});
        return sums.ok() ? tb::Ok() : tb::Status(sums.take_error());
      });
    });
    (void)raw_worst;
    std::printf("%-52s %9.1f ms median (city dashboard = %.1fx this)\n", "ceiling: one SELECT of the city's month sums",
                raw_median, city_median / raw_median);
  }

  // ---- submission: CreateApplication with the counting effects and without ----
  {
    tb::domain::CatalogueData data;
    data.departments.push_back({"market", {"市场监管局", "Market regulation"}});
    tb::domain::ServiceItem item;
    item.code = "market.bench";
    item.name = {"测试事项", "Bench item"};
    item.department = "market";
    item.legal_limit_days = 20;
    item.promised_limit_days = 5;
    item.channels = {tb::domain::Channel::kWeb};
    tb::domain::Field shop;
    shop.name = "shop_name";
    shop.label = {"店名", "Shop name"};
    shop.required = true;
    item.fields = {shop};
    data.items.push_back(item);
    auto small = tb::domain::Catalogue::Build(std::move(data));
    if (!small.ok()) return Fail("bench catalogue", small.error());
    double per_second[2] = {0, 0};
    for (int with = 0; with < 2; ++with) {
      const std::string url = db.rfind("sqlite:", 0) == 0 ? FreshSqlite("tongban-metrics-submit.db") : db;
      auto submit_store = tb::storage::OpenStore(url);
      if (!submit_store.ok()) return Fail("store", submit_store.error());
      tb::services::Effects effects;
      if (with == 1) tb::services::RegisterMetricsEffects(effects);
      tb::services::Context sctx = ctx;
      sctx.store = submit_store->get();
      sctx.catalogue = *small;
      sctx.effects = &effects;
      tb::services::NewUser u;
      u.username = with == 1 ? "bench.with" : "bench.without";
      u.password = "a-long-password";
      u.name = "测试";
      u.role = tb::domain::Role::kCitizen;
      u.person_id = with == 1 ? "11010519491231002X" : "110105198001010016";
      auto user = tb::services::CreateUser(sctx, u);
      if (!user.ok()) return Fail("user", user.error());
      const tb::services::Actor actor{*user, tb::domain::Channel::kWeb, "127.0.0.1"};
      std::atomic<int> next{0};
      std::atomic<int> failed{0};
      const auto start = SteadyClock::now();
      std::vector<std::thread> threads;
      for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
          while (next.fetch_add(1) < submissions) {
            tb::services::CreateApplicationRequest req;
            req.item = "market.bench";
            req.fields = {{"shop_name", "测试店"}};
            if (!tb::services::CreateApplication(sctx, actor, req).ok()) failed.fetch_add(1);
          }
        });
      }
      for (auto& t : threads) t.join();
      per_second[with] = submissions / (MsSince(start) / 1000);
      if (failed.load() > 0) std::fprintf(stderr, "metrics_bench: %d submissions failed\n", failed.load());
      std::printf("%-52s %12.0f submissions/s (8 threads, %d submissions)\n",
                  with == 1 ? "submission with the counting effects" : "submission without them", per_second[with],
                  submissions);
    }
    std::printf("%-52s %12.2f (1.00 = free)\n", "counters' cost: with / without", per_second[1] / per_second[0]);
  }
  return 0;
}
