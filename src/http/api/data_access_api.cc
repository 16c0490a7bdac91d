// The purpose-bound reads' routes (issue 9 items 3, 4): GET /api/v1/prefill and the person's
// consents. Parse, call one service (services/data_access.h), map the result.
#include <charconv>

#include "http/api/handlers.h"
#include "http/deferred.h"
#include "services/data_access.h"
#include "services/bundles.h"
#include "services/window_prefill.h"

namespace tongban::http::api {
namespace {

Json ProvenanceJson(const services::Provenance& p) {
  return Json{{"dataset", p.dataset}, {"record", p.record_id}, {"as_of", FormatRfc3339(p.as_of)}};
}

Json ConsentJson(const ports::Consent& c) {
  return Json{{"id", c.id},
              {"purpose", c.purpose},
              {"given_at", FormatRfc3339(c.given_at)},
              {"revoked_at", c.revoked_at ? Json(FormatRfc3339(*c.revoked_at)) : Json(nullptr)},
              {"status", c.revoked_at ? "revoked" : "active"}};
}

// "dataset.field,dataset.field" of ?read=; nullopt when one is not of that form.
std::optional<std::vector<services::DatasetFieldRef>> ParseReads(const std::string& text) {
  std::vector<services::DatasetFieldRef> out;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find(',', at);
    if (end == std::string::npos) end = text.size();
    const std::string one = text.substr(at, end - at);
    const size_t dot = one.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == one.size()) return std::nullopt;
    out.push_back({one.substr(0, dot), one.substr(dot + 1)});
    at = end + 1;
  }
  return out;
}

Json MaterialReadJson(const services::MaterialRead& m) {
  Json j{{"code", m.code}, {"source", domain::MaterialSourceName(m.source)}, {"fetched", m.fetched}};
  if (!m.reason.empty()) j["reason"] = m.reason;
  if (m.source == domain::MaterialSource::kSharedData && m.fetched) j["provenance"] = ProvenanceJson(m.record);
  if (m.source == domain::MaterialSource::kLicence && !m.licence_id.empty()) {
    j["licence"] = Json{{"id", m.licence_id},
                        {"issuer", m.licence_issuer},
                        {"status", m.licence_status},
                        {"as_of", FormatRfc3339(m.licence_as_of)}};
  }
  return j;
}

// Each external dataset the read needed: available, or unavailable with the plain reason in both
// languages (the applicant may upload its materials instead).
Json SourcesJson(const HttpDeps& deps, const services::ItemRead& read) {
  Json sources = Json::object();
  for (const std::string& dataset : read.external) sources[dataset] = Json{{"status", "available"}};
  for (const auto& [dataset, reason] : read.unavailable) {
    const std::string key = services::SourceUnavailableKey(reason);
    sources[dataset] = Json{{"status", "unavailable"},
                            {"reason", reason},
                            {"message", Json{{"zh", deps.i18n->T(domain::Language::kZh, key)},
                                             {"en", deps.i18n->T(domain::Language::kEn, key)}}}};
  }
  return sources;
}

Json ItemReadJson(const services::ItemRead& read) {
  Json fields = Json::object();
  for (const auto& [name, v] : read.fields) fields[name] = Json{{"value", v.value}, {"source", ProvenanceJson(v.source)}};
  for (const auto& [name, v] : read.explicit_values) {
    fields[name] = Json{{"value", v.value}, {"source", ProvenanceJson(v.source)}};
  }
  Json materials = Json::array();
  for (const auto& m : read.materials) materials.push_back(MaterialReadJson(m));
  return Json{{"fields", std::move(fields)},
              {"materials", std::move(materials)},
              {"needs_consent", read.needs_consent},
              {"consent", read.consent_id ? Json(*read.consent_id) : Json(nullptr)}};
}

Json BundlePrefillJson(const services::BundlePrefill& merged) {
  Json fields = Json::object();
  for (const auto& [name, v] : merged.fields) fields[name] = Json{{"value", v.value}, {"source", ProvenanceJson(v.source)}};
  Json materials = Json::array();
  for (const auto& [of, m] : merged.materials) {
    Json j = MaterialReadJson(m);
    j["item"] = of;
    materials.push_back(std::move(j));
  }
  return Json{{"fields", std::move(fields)}, {"materials", std::move(materials)}, {"needs_consent", merged.needs_consent}};
}

// GET /api/v1/prefill?visit=...&item=... (or &bundle=...): a clerk's pre-fill for the person of
// their open window visit (services/window_prefill.h), read with the clerk as accessor.
Response WindowPrefillResponse(const HttpDeps& deps, Request& req, const services::Actor& clerk, const std::string& visit,
                               const std::string& item) {
  if (item.empty() && !req.Query("bundle").empty()) {
    auto merged = services::WindowPrefillBundle(*deps.ctx, clerk, visit, req.Query("bundle"));
    if (!merged.ok()) return ErrorResponse(deps, req, merged.error());
    Json body = BundlePrefillJson(*merged);
    body["visit"] = visit;
    Response res = JsonResponse(200, std::move(body));
    res.AddHeader("Cache-Control", "no-store");
    return res;
  }
  if (item.empty()) return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.application.item_required"));
  auto calls = services::WindowPrefillExternalCalls(*deps.ctx, clerk, visit, item);
  if (!calls.ok()) return ErrorResponse(deps, req, calls.error());
  return WithExternal(*deps.ctx, std::move(calls).value(),
                      [&deps, &req, clerk, visit, item](const services::ExternalReads* external) {
                        auto read = services::WindowPrefill(*deps.ctx, clerk, visit, item, external);
                        if (!read.ok()) return ErrorResponse(deps, req, read.error());
                        Json body = ItemReadJson(*read);
                        body["sources"] = SourcesJson(deps, *read);
                        body["visit"] = visit;
                        Response res = JsonResponse(200, std::move(body));
                        res.AddHeader("Cache-Control", "no-store");
                        return res;
                      });
}

}  // namespace

void RegisterDataAccessRoutes(Router& router, const HttpDeps& deps) {
  router.Add("GET", "/api/v1/prefill", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    const std::string item = req.Query("item");
    const std::string visit = req.Query("visit");
    if (!visit.empty()) return WindowPrefillResponse(deps, req, caller->actor, visit, item);
    if (item.empty() && !req.Query("bundle").empty()) {
      // A bundle's merged form (services::PrefillBundle): each field once, every item's materials.
      std::string acting = req.Query("enterprise");
      if (acting.empty()) acting = caller->session.acting_enterprise;
      auto merged = services::PrefillBundle(*deps.ctx, caller->actor, req.Query("bundle"), acting);
      if (!merged.ok()) return ErrorResponse(deps, req, merged.error());
      Response res = JsonResponse(200, BundlePrefillJson(*merged));
      res.AddHeader("Cache-Control", "no-store");
      return res;
    }
    if (item.empty()) return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.application.item_required"));
    auto reads = ParseReads(req.Query("read"));
    if (!reads) return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.data.read_format"));
    std::string enterprise = req.Query("enterprise");
    if (enterprise.empty()) enterprise = caller->session.acting_enterprise;
    // The external datasets' answers first (no thread waits for them), then the read.
    auto calls = services::PrefillExternalCalls(*deps.ctx, caller->actor, item, enterprise, *reads);
    if (!calls.ok()) return ErrorResponse(deps, req, calls.error());
    return WithExternal(*deps.ctx, std::move(calls).value(),
                        [&deps, &req, actor = caller->actor, item, enterprise,
                         reads = std::move(*reads)](const services::ExternalReads* external) {
                          auto read = services::Prefill(*deps.ctx, actor, item, enterprise, reads, external);
                          if (!read.ok()) return ErrorResponse(deps, req, read.error());
                          Json body = ItemReadJson(*read);
                          body["sources"] = SourcesJson(deps, *read);
                          Response res = JsonResponse(200, std::move(body));
                          res.AddHeader("Cache-Control", "no-store");
                          return res;
                        });
  });
  router.Add("GET", "/api/v1/me/consents", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    int limit = ports::kDefaultPageSize;
    const std::string size = req.Query("page_size");
    if (!size.empty()) {
      auto [p, ec] = std::from_chars(size.data(), size.data() + size.size(), limit);
      if (ec != std::errc() || p != size.data() + size.size() || limit < 1 || limit > ports::kMaxConsentsPage) {
        return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.page_size"));
      }
    }
    auto page = services::ListMyConsents(*deps.ctx, caller->actor, req.Query("page_token"), limit);
    if (!page.ok()) return ErrorResponse(deps, req, page.error());
    Json items = Json::array();
    for (const auto& c : page->consents) items.push_back(ConsentJson(c));
    Response res = JsonResponse(
        200, Json{{"items", std::move(items)},
                  {"next_page_token", page->next_page_token.empty() ? Json(nullptr) : Json(page->next_page_token)}});
    res.AddHeader("Cache-Control", "no-store");
    return res;
  });
  router.Add("POST", "/api/v1/me/consents", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto body = ParseObject(req.body);
    if (!body.ok()) return ErrorResponse(deps, req, body.error());
    auto purpose = OptionalString(*body, "purpose");
    if (!purpose.ok()) return ErrorResponse(deps, req, purpose.error());
    if (purpose->empty()) return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.consent.purpose"));
    auto consent = services::GiveConsent(*deps.ctx, caller->actor, *purpose);
    if (!consent.ok()) return ErrorResponse(deps, req, consent.error());
    return JsonResponse(201, ConsentJson(*consent));
  });
  router.Add("DELETE", "/api/v1/me/consents/{id}", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto consent = services::RevokeConsent(*deps.ctx, caller->actor, req.Param("id"));
    if (!consent.ok()) return ErrorResponse(deps, req, consent.error());
    return JsonResponse(200, ConsentJson(*consent));
  });
}

}  // namespace tongban::http::api
