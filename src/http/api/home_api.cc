// The homepage route of docs/api.md: GET /api/v1/me/home (services/home.h): the caller's, or the
// enterprise's they act for (?enterprise= or the session's choice), in the request's language.
#include "http/api/handlers.h"
#include "services/home.h"
#include "services/suggestions.h"

namespace tongban::http::api {
namespace {

Json LicenceSummary(const services::LicenceView& v, const domain::Catalogue* catalogue, domain::Language lang) {
  const domain::Licence& l = v.licence;
  const domain::LicenceType* type = catalogue ? catalogue->FindLicenceType(l.type) : nullptr;
  return Json{{"id", l.id},
              {"type", l.type},
              {"name", type ? Json(type->name.In(lang)) : Json(l.type)},
              {"status", v.shown_status},
              {"valid_until", l.valid_until ? Json(FormatRfc3339(*l.valid_until)) : Json(nullptr)},
              {"parts", l.parts},
              {"href", "/api/v1/licences/" + l.id}};
}

Json HomeJson(const HttpDeps& deps, const Request& req, const services::HomeView& view) {
  const auto lang = RequestLanguage(req, deps.i18n->Offered());
  const auto catalogue = deps.ctx->Catalogue();
  const Date today = LocalDate(deps.ctx->clock->Now());
  Json apps = Json::array();
  for (const auto& app : view.applications) apps.push_back(ToJson(app, today));
  Json licences = Json::array();
  for (const auto& l : view.licences) licences.push_back(LicenceSummary(l, catalogue.get(), lang));
  Json expiring = Json::array();
  for (const auto& e : view.expiring) {
    Json row = LicenceSummary(e.licence, catalogue.get(), lang);
    row["days_left"] = e.days_left;
    row["renewed_by"] = e.renewed_by.empty() ? Json(nullptr) : Json(e.renewed_by);
    expiring.push_back(std::move(row));
  }
  Json suggestions = Json::array();
  for (const auto& s : view.suggestions) {
    Json values = Json::object();
    for (const auto& [name, value] : s.values) values[name] = value;
    suggestions.push_back(Json{{"rule", s.rule},
                               {"item", s.item.empty() ? Json(nullptr) : Json(s.item)},
                               {"bundle", s.bundle.empty() ? Json(nullptr) : Json(s.bundle)},
                               {"values", std::move(values)},
                               {"reason", services::FillReason(s.reason.In(lang), s.values)}});
  }
  // Benefits without applying (services/proactive.h): the offers waiting for the person's answer.
  Json offers = Json::array();
  for (const auto& o : view.offers) {
    Json row = ToJson(o.application, today);
    row["answer_by"] = o.answer_by ? Json(FormatRfc3339(*o.answer_by)) : Json(nullptr);
    row["missing"] = o.missing;
    offers.push_back(std::move(row));
  }
  return Json{{"enterprise", view.enterprise.empty() ? Json(nullptr) : Json(view.enterprise)},
              {"offers", std::move(offers)},
              {"administrator", view.administrator},
              {"applications", std::move(apps)},
              {"more_applications", view.more_applications},
              {"licences", std::move(licences)},
              {"more_licences", view.more_licences},
              {"expiring", std::move(expiring)},
              {"suggestions", std::move(suggestions)},
              {"unread", view.unread}};
}

}  // namespace

void RegisterHomeRoutes(Router& router, const HttpDeps& deps) {
  router.Add("GET", "/api/v1/me/home", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, /*write=*/false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    std::string enterprise = req.Query("enterprise");
    if (enterprise.empty()) enterprise = caller->session.acting_enterprise;
    auto home = services::Home(*deps.ctx, caller->actor, enterprise);
    if (!home.ok()) return ErrorResponse(deps, req, home.error());
    return JsonResponse(200, HomeJson(deps, req, *home));
  });
  // A suggestion turned off (POST) or on again (DELETE): {"rule","dismissed"}.
  for (const char* method : {"POST", "DELETE"}) {
    const bool dismiss = std::string_view(method) == "POST";
    router.Add(method, "/api/v1/me/suggestions/{rule}/dismissal", [&deps, dismiss](Request& req) {
      auto caller = RequireCaller(deps, req, /*write=*/true);
      if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
      std::string enterprise = req.Query("enterprise");
      if (enterprise.empty()) enterprise = caller->session.acting_enterprise;
      const std::string rule = req.Param("rule");
      auto changed = dismiss ? services::DismissSuggestion(*deps.ctx, caller->actor, enterprise, rule)
                             : services::RestoreSuggestion(*deps.ctx, caller->actor, enterprise, rule);
      if (!changed.ok()) return ErrorResponse(deps, req, changed.error());
      return JsonResponse(200, Json{{"rule", rule}, {"dismissed", dismiss}, {"changed", *changed}});
    });
  }
}

}  // namespace tongban::http::api
