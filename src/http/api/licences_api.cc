// The licence routes of docs/api.md: GET /api/v1/me/licences, GET /api/v1/licences/{id}, its
// credential (compact JWS, typ vc+jwt), its QR code (qr.svg, qr.png) and
// POST /api/v1/licences/{id}/actions/{suspend|revoke|reinstate}.
#include <charconv>

#include "http/api/handlers.h"
#include "services/licences.h"

namespace tongban::http::api {
namespace {

Json LicenceJson(const services::LicenceView& v) {
  const domain::Licence& l = v.licence;
  Json claims = Json::object();
  for (const auto& [name, value] : l.claims) claims[name] = value;
  Json j{{"id", l.id},
         {"type", l.type},
         {"holder", Json{{"kind", domain::ApplicantKindName(l.holder_kind)},
                         {"id", l.holder_id},
                         {"name", l.holder_name}}},
         {"issuer", l.issuer},
         {"issued_at", FormatRfc3339(l.issued_at)},
         {"valid_until", l.valid_until ? Json(FormatRfc3339(*l.valid_until)) : Json(nullptr)},
         {"status", v.shown_status},
         {"delivered", v.delivered},
         {"claims", std::move(claims)},
         {"parts", l.parts},
         {"status_list", l.status_list},
         {"status_index", l.status_index},
         {"application", l.application_id.empty() ? Json(nullptr) : Json(l.application_id)}};
  // The token its QR code carries, once delivered (what a checker scans, as text).
  if (v.delivered) j["qr_token"] = l.qr_token;
  if (!v.history.empty()) {
    Json history = Json::array();
    for (const auto& h : v.history) {
      history.push_back(Json{{"action", h.action},
                             {"status", domain::LicenceStatusName(h.status)},
                             {"at", FormatRfc3339(h.at)},
                             {"reason", h.reason}});
    }
    j["history"] = std::move(history);
  }
  return j;
}

// The licence the caller may see, for the document routes: the holder gets its documents once it
// was delivered (before that it is pending), the issuing department's officials at once.
Result<services::LicenceView> Deliverable(const HttpDeps& deps, Request& req) {
  TB_ASSIGN_OR_RETURN(Caller caller, RequireCaller(deps, req, /*write=*/false));
  TB_ASSIGN_OR_RETURN(services::LicenceView view, services::GetLicence(*deps.ctx, caller.actor, req.Param("id")));
  const bool official = !caller.actor.user.department.empty() && caller.actor.user.department == view.licence.issuer;
  if (!view.delivered && !official) return MakeError(ErrorCode::kConflict, "error.licence.not_delivered");
  return view;
}

Response Document(std::string body, const char* content_type, const std::string& file_name) {
  Response res;
  res.status = 200;
  res.content_type = content_type;
  res.body = std::move(body);
  if (!file_name.empty()) res.AddHeader("Content-Disposition", "inline; filename=\"" + file_name + "\"");
  res.AddHeader("Cache-Control", "private, no-store");
  return res;
}

}  // namespace

void RegisterLicenceRoutes(Router& router, const HttpDeps& deps) {
  router.Add("GET", "/api/v1/me/licences", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, /*write=*/false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    int limit = ports::kMaxLicencePage / 5;
    const std::string size = req.Query("page_size");
    if (!size.empty()) {
      auto [p, ec] = std::from_chars(size.data(), size.data() + size.size(), limit);
      if (ec != std::errc() || p != size.data() + size.size() || limit < 1 || limit > ports::kMaxLicencePage) {
        return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.page_size"));
      }
    }
    std::string enterprise = req.Query("enterprise");
    if (enterprise.empty()) enterprise = caller->session.acting_enterprise;
    auto list = services::ListMyLicences(*deps.ctx, caller->actor, enterprise, req.Query("page_token"), limit);
    if (!list.ok()) return ErrorResponse(deps, req, list.error());
    Json items = Json::array();
    for (const auto& v : list->licences) items.push_back(LicenceJson(v));
    return JsonResponse(200, Json{{"items", std::move(items)},
                                  {"next_page_token", list->next_after.empty() ? Json(nullptr) : Json(list->next_after)}});
  });
  router.Add("GET", "/api/v1/licences/{id}", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, /*write=*/false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto view = services::GetLicence(*deps.ctx, caller->actor, req.Param("id"));
    if (!view.ok()) return ErrorResponse(deps, req, view.error());
    return JsonResponse(200, LicenceJson(*view));
  });
  router.Add("GET", "/api/v1/licences/{id}/credential", [&deps](Request& req) {
    auto view = Deliverable(deps, req);
    if (!view.ok()) return ErrorResponse(deps, req, view.error());
    return Document(view->licence.credential, "application/vc+jwt", "licence-" + view->licence.id + ".jwt");
  });
  router.Add("GET", "/api/v1/licences/{id}/qr.svg", [&deps](Request& req) {
    auto view = Deliverable(deps, req);
    if (!view.ok()) return ErrorResponse(deps, req, view.error());
    auto svg = deps.ctx->licence_format->QrSvg(view->licence.qr_token);
    if (!svg.ok()) return ErrorResponse(deps, req, svg.error());
    return Document(std::move(svg).value(), "image/svg+xml", "");
  });
  router.Add("GET", "/api/v1/licences/{id}/qr.png", [&deps](Request& req) {
    auto view = Deliverable(deps, req);
    if (!view.ok()) return ErrorResponse(deps, req, view.error());
    auto png = deps.ctx->licence_format->QrPng(view->licence.qr_token);
    if (!png.ok()) return ErrorResponse(deps, req, png.error());
    return Document(std::move(png).value(), "image/png", "");
  });
  router.Add("GET", "/api/v1/status-lists/{id}", [&deps](Request& req) {
    auto token = services::StatusListCredential(*deps.ctx, req.Param("id"));
    if (!token.ok()) return ErrorResponse(deps, req, token.error());
    Response res = Document(std::move(token).value(), "application/vc+jwt", "");
    // Public: anyone checks a licence's status; a copy is good for the list's TTL.
    res.headers.clear();
    res.AddHeader("Cache-Control", "public, max-age=" + std::to_string(deps.ctx->licence_status_ttl_seconds));
    return res;
  });
  router.Add("POST", "/api/v1/licences/{id}/actions/{action}", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, /*write=*/true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    const auto action = domain::ParseLicenceAction(req.Param("action"));
    if (!action) return ErrorResponse(deps, req, MakeError(ErrorCode::kNotFound, "error.action.unknown"));
    std::string reason;
    if (!req.body.empty()) {
      auto body = ParseObject(req.body);
      if (!body.ok()) return ErrorResponse(deps, req, body.error());
      auto read = OptionalString(*body, "reason");
      if (!read.ok()) return ErrorResponse(deps, req, read.error());
      reason = std::move(read).value();
    }
    auto view = services::ActOnLicence(*deps.ctx, caller->actor, req.Param("id"), *action, reason);
    if (!view.ok()) return ErrorResponse(deps, req, view.error());
    return JsonResponse(200, LicenceJson(*view));
  });
}

}  // namespace tongban::http::api
