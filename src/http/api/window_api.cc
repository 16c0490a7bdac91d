// The comprehensive window's visits (docs/api.md "Service centres and windows", services/window.h):
// POST /api/v1/window/visits {"identity_code"} (a clerk of a centre scans the person's code, or an
// enterprise's shown by its agent at a district centre: the visit opens), GET /api/v1/window/visits (the clerk's open visits), GET /api/v1/window/visits/{id},
// POST /api/v1/window/visits/{id}/close; POST /api/v1/window/applications/{id}/complete (an instant
// item completed on the spot).
#include "http/api/handlers.h"
#include "services/window.h"

namespace tongban::http::api {
namespace {

Json VisitJson(const ports::WindowVisit& v) {
  return Json{{"id", v.id},
              {"centre", v.centre},
              {"clerk", v.clerk_user_id},
              {"started_at", FormatRfc3339(v.started_at)},
              {"ends_at", FormatRfc3339(v.ends_at)},
              {"closed", v.closed},
              {"kind", v.enterprise.empty() ? "person" : "enterprise"}};
}

Json VisitViewJson(const services::VisitView& view) {
  Json j = VisitJson(view.visit);
  j["open"] = view.open;
  if (view.visit.enterprise.empty()) {
    j["person"] = Json{{"name", view.person_name}, {"masked_id", view.masked_id}, {"id", view.visit.person_id}};
    j["enterprise"] = nullptr;
    j["agent"] = nullptr;
  } else {
    // An enterprise's visit: the enterprise served, and the agent who showed its code.
    j["person"] = nullptr;
    j["enterprise"] = Json{{"code", view.visit.enterprise}, {"name", view.enterprise_name}};
    j["agent"] = Json{{"user_id", view.visit.person_user_id}, {"name", view.person_name}, {"masked_id", view.masked_id}};
  }
  return j;
}

Response Open(const HttpDeps& deps, Request& req) {
  auto caller = RequireCaller(deps, req, /*write=*/true);
  if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
  auto body = ParseObject(req.body);
  if (!body.ok()) return ErrorResponse(deps, req, body.error());
  auto token = OptionalString(*body, "identity_code");
  if (!token.ok()) return ErrorResponse(deps, req, token.error());
  if (token->empty()) {
    return ErrorResponse(deps, req,
                         Error{ErrorCode::kInvalidArgument, "error.window.identity_code_required",
                               {{"identity_code", "error.window.identity_code_required", ""}}});
  }
  auto view = services::OpenVisit(*deps.ctx, caller->actor, *token);
  if (!view.ok()) return ErrorResponse(deps, req, view.error());
  Response res = JsonResponse(201, VisitViewJson(*view));
  res.AddHeader("Location", "/api/v1/window/visits/" + view->visit.id);
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

Response List(const HttpDeps& deps, Request& req) {
  auto caller = RequireCaller(deps, req, /*write=*/false);
  if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
  auto visits = services::ListOpenVisits(*deps.ctx, caller->actor);
  if (!visits.ok()) return ErrorResponse(deps, req, visits.error());
  Json items = Json::array();
  for (const auto& v : *visits) items.push_back(VisitJson(v));
  return JsonResponse(200, Json{{"items", std::move(items)}});
}

Response Get(const HttpDeps& deps, Request& req) {
  auto caller = RequireCaller(deps, req, /*write=*/false);
  if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
  auto view = services::GetVisit(*deps.ctx, caller->actor, req.Param("id"));
  if (!view.ok()) return ErrorResponse(deps, req, view.error());
  Response res = JsonResponse(200, VisitViewJson(*view));
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

Response Close(const HttpDeps& deps, Request& req) {
  auto caller = RequireCaller(deps, req, /*write=*/true);
  if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
  const std::string id = req.Param("id");
  auto closed = services::CloseVisit(*deps.ctx, caller->actor, id);
  if (!closed.ok()) return ErrorResponse(deps, req, closed.error());
  auto view = services::GetVisit(*deps.ctx, caller->actor, id);
  if (!view.ok()) return ErrorResponse(deps, req, view.error());
  return JsonResponse(200, VisitViewJson(*view));
}

Response OnTheSpot(const HttpDeps& deps, Request& req) {
  auto caller = RequireCaller(deps, req, /*write=*/true);
  if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
  caller->actor.channel = domain::Channel::kWindow;
  auto app = services::CompleteOnTheSpot(*deps.ctx, caller->actor, req.Param("id"));
  if (!app.ok()) return ErrorResponse(deps, req, app.error());
  return JsonResponse(200, ToJson(*app, LocalDate(deps.ctx->clock->Now())));
}

}  // namespace

void RegisterWindowRoutes(Router& router, const HttpDeps& deps) {
  router.Add("POST", "/api/v1/window/visits", [&deps](Request& req) { return Open(deps, req); });
  router.Add("GET", "/api/v1/window/visits", [&deps](Request& req) { return List(deps, req); });
  router.Add("GET", "/api/v1/window/visits/{id}", [&deps](Request& req) { return Get(deps, req); });
  router.Add("POST", "/api/v1/window/visits/{id}/close", [&deps](Request& req) { return Close(deps, req); });
  router.Add("POST", "/api/v1/window/applications/{id}/complete",
             [&deps](Request& req) { return OnTheSpot(deps, req); });
}

}  // namespace tongban::http::api
