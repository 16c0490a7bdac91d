#include "services/metrics.h"

#include <algorithm>

#include "services/applications.h"

namespace tongban::services {
namespace {

using domain::ApplicationState;

// The slice a case counts in: its own department, item and creation channel, and the district
// of the centre it was made at. None of these changes after creation, so every event of the case
// (hand-over, decision, rating) counts in the same slice.
ports::MetricKey KeyOf(const domain::Catalogue& catalogue, const domain::Application& app) {
  ports::MetricKey key;
  key.department = app.department;
  key.item = app.item;
  key.channel = domain::ChannelName(app.channel);
  if (const domain::ServiceCentre* centre = catalogue.FindCentre(app.centre)) key.district = centre->district;
  return key;
}

bool Online(const domain::Application& app) {
  return app.channel == domain::Channel::kWeb || app.channel == domain::Channel::kMobile;
}

// Handed to its department: submitted (from a draft or a confirmed offer) or a bundle's sub-case
// waiting; a waiting sub-case that starts was counted when it began to wait.
bool HandedOver(const domain::ApplicationChanged& e) {
  const ApplicationState to = e.application.state;
  return (to == ApplicationState::kSubmitted || to == ApplicationState::kWaiting) && e.from != ApplicationState::kWaiting;
}

bool IsDecision(ApplicationState to) {
  return to == ApplicationState::kApproved || to == ApplicationState::kRefused || to == ApplicationState::kNotAccepted;
}

// Whether a step of the case asked the person to come in person (a correction marked so).
Result<bool> AskedInPerson(ports::Transaction& tx, const std::string& application_id) {
  TB_ASSIGN_OR_RETURN(const std::vector<domain::Event> events, tx.applications().ListEvents(application_id));
  return std::any_of(events.begin(), events.end(),
                     [](const domain::Event& e) { return e.reason.rfind(kInPersonPrefix, 0) == 0; });
}

Status CountHandover(EffectScope& scope, const domain::Catalogue& catalogue, const domain::ApplicationChanged& e) {
  const domain::Application& app = e.application;
  domain::MetricCounts delta;
  delta.submitted = 1;
  delta.online_submitted = Online(app) ? 1 : 0;
  for (const domain::AttachedMaterial& m : app.materials) {
    if (m.status != domain::MaterialStatus::kFetched) continue;
    (m.licence_id.empty() ? delta.materials_shared : delta.materials_licence) += 1;
  }
  return scope.tx().metrics().AddMetricCounts(domain::MonthOf(LocalDate(e.at)), KeyOf(catalogue, app), delta);
}

Status CountDecision(EffectScope& scope, const domain::Catalogue& catalogue, const domain::ApplicationChanged& e) {
  const domain::Application& app = e.application;
  const domain::ServiceItem* item = catalogue.FindItem(app.item);
  const int promised = item != nullptr ? item->promised_limit_days : 0;
  const auto calendar = scope.context().WorkingDays();
  const Date decided = LocalDate(e.at);
  const auto between = [&](Date from, Date to) { return calendar->WorkingDaysBetween(from, to); };
  int days = 0;
  if (app.deadline) {
    days = domain::WorkingDaysTaken(decided, *app.deadline, promised, between);
  } else if (app.submitted_at) {
    days = between(LocalDate(*app.submitted_at), decided);
  }
  domain::MetricCounts delta;
  delta.decided = 1;
  delta.on_time = !app.deadline || decided <= *app.deadline ? 1 : 0;
  delta.working_days_sum = days;
  delta.legal_days_sum = item != nullptr ? item->legal_limit_days : 0;
  delta.promised_days_sum = promised;
  if (Online(app)) {
    TB_ASSIGN_OR_RETURN(const bool in_person, AskedInPerson(scope.tx(), app.id));
    if (!in_person) {
      delta.fully_online = 1;
      // The visit to hand it in, and the visit to collect the paper result an e-licence replaces.
      const bool licence = item != nullptr && !item->licence_type.empty() && app.state == ApplicationState::kApproved;
      delta.visits_avoided = licence ? 2 : 1;
    }
  }
  const std::string month = domain::MonthOf(decided);
  const ports::MetricKey key = KeyOf(catalogue, app);
  TB_RETURN_IF_ERROR(scope.tx().metrics().AddMetricCounts(month, key, delta));
  return scope.tx().metrics().AddMetricDuration(month, key, days);
}

Status CheckQuery(const domain::Catalogue& catalogue, const MetricsQuery& q) {
  if (!domain::IsMonth(q.month)) return MakeError(ErrorCode::kInvalidArgument, "error.metrics.month");
  if (!q.department.empty() && catalogue.FindDepartment(q.department) == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "error.metrics.department");
  }
  if (!q.item.empty() && catalogue.FindItem(q.item) == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "error.metrics.item");
  }
  if (!q.district.empty() && catalogue.FindDistrict(q.district) == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "error.metrics.district");
  }
  if (!q.channel.empty() && !domain::ParseChannel(q.channel)) {
    return MakeError(ErrorCode::kInvalidArgument, "error.metrics.channel");
  }
  return Ok();
}

ports::MetricSlice SliceOf(const MetricsQuery& q, std::string from_month) {
  return ports::MetricSlice{q.department, q.item, q.district, q.channel, std::move(from_month), q.month};
}

ports::MetricDimension BreakdownOf(const MetricsQuery& q) {
  if (q.department.empty() && q.item.empty()) return ports::MetricDimension::kDepartment;
  if (q.item.empty()) return ports::MetricDimension::kItem;
  return ports::MetricDimension::kDistrict;
}

}  // namespace

Result<MetricsView> GetMetrics(const Context& ctx, const MetricsQuery& query) {
  MetricsView view;
  view.query = query;
  if (view.query.month.empty()) view.query.month = domain::MonthOf(LocalDate(ctx.clock->Now()));
  TB_RETURN_IF_ERROR(CheckQuery(*ctx.Catalogue(), view.query));
  const MetricsQuery& q = view.query;
  std::vector<std::string> months{q.month};
  while (months.size() < static_cast<size_t>(kMetricsTrendMonths)) months.push_back(domain::PreviousMonth(months.back()));
  view.breakdown_by = BreakdownOf(q);
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    ports::MetricsRepository& metrics = tx.metrics();
    const ports::MetricSlice month = SliceOf(q, q.month);
    TB_ASSIGN_OR_RETURN(const domain::MetricCounts counts, metrics.SumMetricCounts(month));
    TB_ASSIGN_OR_RETURN(const domain::DurationHistogram durations, metrics.MetricDurations(month));
    view.figures = domain::ComputeFigures(counts, durations);
    TB_ASSIGN_OR_RETURN(const auto by_month,
                        metrics.SumMetricCountsBy(SliceOf(q, months.back()), ports::MetricDimension::kMonth));
    size_t next = 0;
    for (auto m = months.rbegin(); m != months.rend(); ++m) {
      domain::MetricCounts in_month;
      if (next < by_month.size() && by_month[next].first == *m) in_month = by_month[next++].second;
      view.trend.push_back({*m, domain::ComputeFigures(in_month, {})});
    }
    TB_ASSIGN_OR_RETURN(const auto by, metrics.SumMetricCountsBy(month, view.breakdown_by));
    for (const auto& [key, c] : by) view.breakdown.push_back({key, domain::ComputeFigures(c, {})});
    return Ok();
  }));
  return view;
}

void RegisterMetricsEffects(Effects& effects) {
  effects.On<domain::ApplicationChanged>(
      "metrics.count_case", [](EffectScope& scope, const domain::ApplicationChanged& e) -> Status {
        if (!e.Transitioned()) return Ok();
        const auto catalogue = scope.context().Catalogue();
        // A cross-province case filed here for a peer's item is counted by the peer that handles it.
        if (catalogue->FindItem(e.application.item) == nullptr) return Ok();
        if (HandedOver(e)) return CountHandover(scope, *catalogue, e);
        if (IsDecision(e.application.state)) return CountDecision(scope, *catalogue, e);
        return Ok();
      });
  effects.On<domain::RatingCounted>(
      "metrics.count_rating", [](EffectScope& scope, const domain::RatingCounted& e) -> Status {
        TB_ASSIGN_OR_RETURN(const domain::Application app, scope.tx().applications().GetApplication(e.application_id));
        domain::MetricCounts delta;
        delta.ratings = e.delta;
        return scope.tx().metrics().AddMetricCounts(e.month, KeyOf(*scope.context().Catalogue(), app), delta);
      });
}

}  // namespace tongban::services
