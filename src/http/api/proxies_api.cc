// Family proxies (issue 12 item 4): GET/POST /api/v1/me/proxies (the grants I gave; grant one),
// DELETE /api/v1/me/proxies/{id} (withdraw it), GET /api/v1/me/proxied (the people I may act for)
// and GET /api/v1/me/proxied/{person_id}/applications (their applications of my items).

#include "http/api/handlers.h"
#include "services/proxies.h"

namespace tongban::http::api {

Json ProxyGrantJson(const domain::ProxyGrant& g, Timestamp now) {
  return Json{{"id", g.id},
              {"proxy", Json{{"username", g.proxy_username}, {"name", g.proxy_name}}},
              {"grantor_name", g.grantor_name},
              {"items", g.items},
              {"valid_until", FormatRfc3339(g.valid_until)},
              {"created_at", FormatRfc3339(g.created_at)},
              {"withdrawn_at", g.withdrawn_at ? Json(FormatRfc3339(*g.withdrawn_at)) : Json(nullptr)},
              {"status", domain::ProxyGrantStatus(g, now)}};
}

namespace {

Error TypeError(const char* field) {
  Error e = MakeError(ErrorCode::kInvalidArgument, "error.json.type");
  e.fields.push_back({field, "error.json.type", field});
  return e;
}

Result<services::ProxyRequest> ParseProxyRequest(const Json& body) {
  services::ProxyRequest out;
  for (const auto& [name, value] : body.items()) {
    if (name == "username" || name == "until") {
      if (!value.is_string()) return TypeError(name == "username" ? "username" : "until");
      (name == "username" ? out.username : out.until) = value.get<std::string>();
    } else if (name == "items") {
      if (!value.is_array()) return TypeError("items");
      for (const auto& item : value) {
        if (!item.is_string()) return TypeError("items");
        out.items.push_back(item.get<std::string>());
      }
    } else {
      return MakeError(ErrorCode::kInvalidArgument, "error.proxy.unknown_field");
    }
  }
  return out;
}

}  // namespace

void RegisterProxyRoutes(Router& router, const HttpDeps& deps) {
  router.Add("GET", "/api/v1/me/proxies", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto limit = PageSize(req, ports::kMaxProxyPage);
    if (!limit.ok()) return ErrorResponse(deps, req, limit.error());
    auto page = services::ListProxiesGiven(*deps.ctx, caller->actor, req.Query("page_token"), *limit);
    if (!page.ok()) return ErrorResponse(deps, req, page.error());
    const Timestamp now = deps.ctx->clock->Now();
    Json items = Json::array();
    for (const auto& g : page->grants) items.push_back(ProxyGrantJson(g, now));
    return NoStore(JsonResponse(
        200, Json{{"items", std::move(items)},
                  {"next_page_token", page->next_page_token.empty() ? Json(nullptr) : Json(page->next_page_token)}}));
  });
  router.Add("POST", "/api/v1/me/proxies", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto body = ParseObject(req.body);
    if (!body.ok()) return ErrorResponse(deps, req, body.error());
    auto parsed = ParseProxyRequest(*body);
    if (!parsed.ok()) return ErrorResponse(deps, req, parsed.error());
    auto grant = services::GrantProxy(*deps.ctx, caller->actor, *parsed);
    if (!grant.ok()) return ErrorResponse(deps, req, grant.error());
    return JsonResponse(201, ProxyGrantJson(*grant, deps.ctx->clock->Now()));
  });
  router.Add("DELETE", "/api/v1/me/proxies/{id}", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto grant = services::WithdrawProxy(*deps.ctx, caller->actor, req.Param("id"));
    if (!grant.ok()) return ErrorResponse(deps, req, grant.error());
    return JsonResponse(200, ProxyGrantJson(*grant, deps.ctx->clock->Now()));
  });
  router.Add("GET", "/api/v1/me/proxied", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto people = services::ListProxied(*deps.ctx, caller->actor);
    if (!people.ok()) return ErrorResponse(deps, req, people.error());
    Json items = Json::array();
    for (const auto& p : *people) {
      items.push_back(Json{{"person_id", p.person_id},
                           {"name", p.name},
                           {"items", p.items},
                           {"valid_until", FormatRfc3339(p.valid_until)}});
    }
    return NoStore(JsonResponse(200, Json{{"items", std::move(items)}}));
  });
  router.Add("GET", "/api/v1/me/proxied/{person_id}/applications", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto limit = PageSize(req, ports::kMaxProxyPage);
    if (!limit.ok()) return ErrorResponse(deps, req, limit.error());
    auto page = services::ListProxiedApplications(*deps.ctx, caller->actor, req.Param("person_id"),
                                                  req.Query("page_token"), *limit);
    if (!page.ok()) return ErrorResponse(deps, req, page.error());
    const Date today = LocalDate(deps.ctx->clock->Now());
    Json items = Json::array();
    for (const auto& app : page->applications) items.push_back(ToJson(app, today));
    return NoStore(JsonResponse(
        200, Json{{"items", std::move(items)},
                  {"next_page_token", page->next_page_token.empty() ? Json(nullptr) : Json(page->next_page_token)}}));
  });
}

}  // namespace tongban::http::api
