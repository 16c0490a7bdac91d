#include "services/metrics.h"

#include "services/applications.h"

namespace tongban::services {
namespace {

using domain::ApplicationState;

// The slice a case counts in, from the case as it is handed to its department.
ports::MetricCase CaseOf(const domain::Catalogue& catalogue, const domain::Application& app) {
  ports::MetricCase c;
  c.application_id = app.id;
  c.department = app.department;
  c.item = app.item;
  c.channel = domain::ChannelName(app.channel);
  c.online = app.channel == domain::Channel::kWeb || app.channel == domain::Channel::kMobile;
  c.in_person = !c.online;
  if (const domain::ServiceCentre* centre = catalogue.FindCentre(app.centre)) c.district = centre->district;
  return c;
}

bool HandedOver(ApplicationState to) { return to == ApplicationState::kSubmitted || to == ApplicationState::kWaiting; }

bool IsDecision(ApplicationState to) {
  return to == ApplicationState::kApproved || to == ApplicationState::kRefused || to == ApplicationState::kNotAccepted;
}

Status CountHandover(EffectScope& scope, const domain::Catalogue& catalogue, const domain::ApplicationChanged& e) {
  const domain::Application& app = e.application;
  const ports::MetricCase c = CaseOf(catalogue, app);
  TB_ASSIGN_OR_RETURN(const bool first, scope.tx().metrics().InsertMetricCase(c));
  if (!first) return Ok();  // a waiting sub-case started, a resubmission: counted when handed over
  domain::MetricCounts delta;
  delta.submitted = 1;
  delta.online_submitted = c.online ? 1 : 0;
  for (const domain::AttachedMaterial& m : app.materials) {
    if (m.status != domain::MaterialStatus::kFetched) continue;
    (m.licence_id.empty() ? delta.materials_shared : delta.materials_licence) += 1;
  }
  return scope.tx().metrics().AddMetricCounts(domain::MonthOf(LocalDate(e.at)), c, delta);
}

Status CountDecision(EffectScope& scope, const domain::Catalogue& catalogue, const domain::ApplicationChanged& e) {
  const domain::Application& app = e.application;
  const Context& ctx = scope.context();
  TB_ASSIGN_OR_RETURN(std::optional<ports::MetricCase> found, scope.tx().metrics().GetMetricCase(app.id));
  // A case handed over before the counters existed counts its decision in its own slice.
  const ports::MetricCase c = found ? *found : CaseOf(catalogue, app);
  const domain::ServiceItem* item = catalogue.FindItem(app.item);
  const int promised = item != nullptr ? item->promised_limit_days : 0;
  const auto calendar = ctx.WorkingDays();
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
  if (c.online && !c.in_person) {
    delta.fully_online = 1;
    // The visit to hand it in, and the visit to collect the paper result an e-licence replaces.
    const bool licence = item != nullptr && !item->licence_type.empty() && app.state == ApplicationState::kApproved;
    delta.visits_avoided = licence ? 2 : 1;
  }
  const std::string month = domain::MonthOf(decided);
  TB_RETURN_IF_ERROR(scope.tx().metrics().AddMetricCounts(month, c, delta));
  return scope.tx().metrics().AddMetricDuration(month, c, days);
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
        const auto catalogue = scope.context().Catalogue();
        if (e.reason.rfind(kInPersonPrefix, 0) == 0) {
          TB_RETURN_IF_ERROR(scope.tx().metrics().MarkInPerson(e.application.id));
        }
        if (!e.Transitioned()) return Ok();
        if (HandedOver(e.application.state)) return CountHandover(scope, *catalogue, e);
        if (IsDecision(e.application.state)) return CountDecision(scope, *catalogue, e);
        return Ok();
      });
  effects.On<domain::RatingCounted>(
      "metrics.count_rating", [](EffectScope& scope, const domain::RatingCounted& e) -> Status {
        TB_ASSIGN_OR_RETURN(std::optional<ports::MetricCase> found, scope.tx().metrics().GetMetricCase(e.application_id));
        ports::MetricCase c;
        if (found) {
          c = *found;
        } else {  // rated, but handed over before the counters existed: department and item only
          c.application_id = e.application_id;
          c.department = e.department;
          c.item = e.item;
        }
        domain::MetricCounts delta;
        delta.ratings = e.delta;
        return scope.tx().metrics().AddMetricCounts(e.month, c, delta);
      });
}

}  // namespace tongban::services
