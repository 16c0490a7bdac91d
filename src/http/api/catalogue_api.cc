// GET /api/v1/departments, districts, service-centres, items, items/{code}, bundles, bundles/{code},
// and search (items and bundles together).
#include <atomic>
#include <charconv>
#include <memory>
#include <unordered_map>

#include "http/api/handlers.h"
#include "services/pilots.h"

namespace tongban::http::api {
namespace {

template <typename T>
Response ListAll(const std::vector<T>& values) {
  Json items = Json::array();
  for (const auto& v : values) items.push_back(ToJson(v));
  return JsonResponse(200, Json{{"items", std::move(items)}, {"next_page_token", nullptr}});
}

// Pages of the catalogue are numbered by offset; the token is the decimal offset.
Result<size_t> PageOffset(const std::string& token) {
  if (token.empty()) return size_t{0};
  size_t offset = 0;
  auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), offset);
  if (ec != std::errc() || p != token.data() + token.size()) {
    return MakeError(ErrorCode::kInvalidArgument, "error.page_token.invalid");
  }
  return offset;
}

// A pilot (先行先试) as GET /api/v1/pilots lists it.
Json PilotJson(const domain::Pilot& pilot) {
  Json j{{"code", pilot.code},
         {"name", ToJson(pilot.name)},
         {"description", ToJson(pilot.description)},
         {"districts", pilot.districts},
         {"city", pilot.city},
         {"ended", pilot.ended},
         {"item_variant", nullptr},
         {"bundle", pilot.bundle.empty() ? Json(nullptr) : Json(pilot.bundle)},
         {"feature", pilot.feature.empty() ? Json(nullptr) : Json(pilot.feature)}};
  if (const auto& v = pilot.item_variant) {
    Json channels = Json::array();
    for (const auto c : v->channels) channels.push_back(domain::ChannelName(c));
    j["item_variant"] = Json{{"item", v->item},
                             {"promised_limit_days", v->promised_limit_days ? Json(*v->promised_limit_days) : Json(nullptr)},
                             {"fully_online", v->fully_online ? Json(*v->fully_online) : Json(nullptr)},
                             {"on_the_spot", v->on_the_spot ? Json(*v->on_the_spot) : Json(nullptr)},
                             {"channels", v->channels.empty() ? Json(nullptr) : channels},
                             {"drop_materials", v->dropped_materials}};
  }
  return j;
}

// The pilot member of an item or bundle: {code, name, districts, city}, or null.
Json PilotBrief(const domain::Pilot* pilot) {
  if (pilot == nullptr) return nullptr;
  return Json{{"code", pilot->code}, {"name", ToJson(pilot->name)}, {"districts", pilot->districts}, {"city", pilot->city}};
}

// The item as offered in `district` ("": city-wide pilots only), with its `pilot` member.
Json EffectiveItemJson(const domain::Catalogue& catalogue, std::string_view code, std::string_view district) {
  const domain::ServiceItem* item = catalogue.ItemFor(code, district);
  Json j = ToJson(*item, catalogue);
  j["pilot"] = PilotBrief(catalogue.VariantPilot(code, district));
  return j;
}

// Whether some pilot limited to some districts changes `item` (then who asks matters).
bool VariesByDistrict(const domain::Catalogue& catalogue, std::string_view item) {
  for (const domain::Pilot& p : catalogue.pilots()) {
    if (p.item_variant && p.item_variant->item == item && !p.city && !p.ended) return true;
  }
  return false;
}

// The district whose pilots the caller sees: `?district=` (kInvalidArgument, error.district.unknown,
// when it is no district of the catalogue), else the signed-in person's or clerk's
// (services/pilots.h), else "". Reads the store only when some pilot is limited to districts.
Result<std::string> ViewerDistrict(const HttpDeps& deps, const Request& req, const domain::Catalogue& catalogue) {
  const std::string chosen = req.Query("district");
  if (!chosen.empty()) {
    if (catalogue.FindDistrict(chosen) == nullptr) return MakeError(ErrorCode::kInvalidArgument, "error.district.unknown");
    return chosen;
  }
  if (!catalogue.HasDistrictPilots() || SessionToken(req).empty()) return std::string();
  auto caller = Identify(*deps.ctx, req);
  if (!caller.ok()) return std::string();  // an expired session sees what a visitor sees
  return services::ActorDistrict(*deps.ctx, caller->actor);
}

// Serialised item JSON for one catalogue version, rebuilt when the catalogue is swapped.
struct ItemJsonCache {
  std::shared_ptr<const domain::Catalogue> catalogue;
  std::unordered_map<std::string, std::string> items;
};

std::shared_ptr<const ItemJsonCache> BuildItemCache(std::shared_ptr<const domain::Catalogue> catalogue) {
  auto cache = std::make_shared<ItemJsonCache>();
  for (const auto& item : catalogue->items()) cache->items.emplace(item.code, EffectiveItemJson(*catalogue, item.code, "").dump());
  cache->catalogue = std::move(catalogue);
  return cache;
}

// The `applicant` filter: "person", "enterprise" or absent.
Result<std::optional<domain::ApplicantKind>> ApplicantFilter(const std::string& value) {
  if (value.empty()) return std::optional<domain::ApplicantKind>();
  if (value == "person") return std::optional(domain::ApplicantKind::kPerson);
  if (value == "enterprise") return std::optional(domain::ApplicantKind::kEnterprise);
  return MakeError(ErrorCode::kInvalidArgument, "error.search.applicant");
}

// page_size: 1 to 100, default `fallback`.
Result<size_t> PageSize(const std::string& size, size_t fallback) {
  if (size.empty()) return fallback;
  int n = 0;
  auto [p, ec] = std::from_chars(size.data(), size.data() + size.size(), n);
  if (ec != std::errc() || p != size.data() + size.size() || n < 1 || n > 100) {
    return MakeError(ErrorCode::kInvalidArgument, "error.page_size");
  }
  return static_cast<size_t>(n);
}

// The query parameters /items and /search share: q, department, district, applicant, page_token
// and page_size (1 to 100, default `default_size`). kInvalidArgument for a bad token, size or
// applicant.
template <typename Query>
Result<Query> ParseQuery(const Request& req, size_t default_size) {
  Query q;
  q.q = req.Query("q");
  q.department = req.Query("department");
  q.district = req.Query("district");
  TB_ASSIGN_OR_RETURN(q.offset, PageOffset(req.Query("page_token")));
  TB_ASSIGN_OR_RETURN(q.limit, PageSize(req.Query("page_size"), default_size));
  TB_ASSIGN_OR_RETURN(q.applicant, ApplicantFilter(req.Query("applicant")));
  return q;
}

// A page of `count` results from `offset` of `total`, with the token of the next page (null on the last).
Response PageResponse(Json items, size_t offset, size_t count, size_t total) {
  const size_t next = offset + count;
  return JsonResponse(200, Json{{"items", std::move(items)},
                                {"total", total},
                                {"next_page_token", next < total ? Json(std::to_string(next)) : Json(nullptr)}});
}

// One search result: an item or a bundle, in brief (GET the item or bundle for the rest).
Json ResultJson(const domain::Catalogue& catalogue, const domain::SearchHit& hit, const std::string& district) {
  if (hit.item != nullptr) {
    const domain::ServiceItem& item = *catalogue.ItemFor(hit.item->code, district);
    return Json{{"kind", "item"},
                {"code", item.code},
                {"name", ToJson(item.name)},
                {"description", ToJson(item.description)},
                {"standard_code", item.standard_code.empty() ? Json(nullptr) : Json(item.standard_code)},
                {"department", item.department},
                {"applicant", domain::ApplicantKindName(item.applicant)},
                {"fully_online", item.fully_online},
                {"instant", item.instant},
                {"pilot", PilotBrief(catalogue.VariantPilot(item.code, district))}};
  }
  const domain::Bundle& bundle = *hit.bundle;
  Json applicants = Json::array();
  for (auto kind : {domain::ApplicantKind::kPerson, domain::ApplicantKind::kEnterprise}) {
    if (catalogue.BundleTakes(bundle, kind)) applicants.push_back(domain::ApplicantKindName(kind));
  }
  return Json{{"kind", "bundle"},
              {"code", bundle.code},
              {"name", ToJson(bundle.name)},
              {"description", ToJson(bundle.description)},
              {"applicants", std::move(applicants)},
              {"items", bundle.items}};
}

}  // namespace

void RegisterCatalogueRoutes(Router& router, const HttpDeps& deps) {
  const auto* ctx = deps.ctx;
  router.Add("GET", "/api/v1/departments", [ctx](Request&) { return ListAll(ctx->Catalogue()->departments()); });
  router.Add("GET", "/api/v1/districts", [ctx](Request&) { return ListAll(ctx->Catalogue()->districts()); });
  router.Add("GET", "/api/v1/service-centres", [ctx](Request&) { return ListAll(ctx->Catalogue()->centres()); });
  // Bundles offered in the caller's district: one a pilot names only where the pilot applies.
  router.Add("GET", "/api/v1/bundles", [&deps, ctx](Request& req) {
    const auto catalogue = ctx->Catalogue();
    auto district = ViewerDistrict(deps, req, *catalogue);
    if (!district.ok()) return ErrorResponse(deps, req, district.error());
    Json items = Json::array();
    for (const auto& b : catalogue->bundles()) {
      if (catalogue->BundleOffered(b.code, *district)) items.push_back(ToJson(b));
    }
    return JsonResponse(200, Json{{"items", std::move(items)}, {"next_page_token", nullptr}});
  });
  // Pilots (先行先试), public: where each applies and what it enables.
  router.Add("GET", "/api/v1/pilots", [ctx](Request&) {
    Json items = Json::array();
    for (const auto& p : ctx->Catalogue()->pilots()) items.push_back(PilotJson(p));
    return JsonResponse(200, Json{{"items", std::move(items)}, {"next_page_token", nullptr}});
  });
  router.Add("GET", "/api/v1/licence-types", [ctx](Request&) { return ListAll(ctx->Catalogue()->licence_types()); });

  router.Add("GET", "/api/v1/bundles/{code}", [&deps, ctx](Request& req) {
    const auto catalogue = ctx->Catalogue();
    const domain::Bundle* b = catalogue->FindBundle(req.Param("code"));
    if (b == nullptr) return ErrorResponse(deps, req, MakeError(ErrorCode::kNotFound, "error.bundle.not_found"));
    auto district = ViewerDistrict(deps, req, *catalogue);
    if (!district.ok()) return ErrorResponse(deps, req, district.error());
    Json j = ToJson(*b);
    const domain::Pilot* pilot = nullptr;
    for (const auto& p : catalogue->pilots()) {
      if (p.bundle == b->code && (pilot == nullptr || p.AppliesIn(*district))) pilot = &p;
    }
    j["pilot"] = PilotBrief(pilot);
    j["offered"] = catalogue->BundleOffered(b->code, *district);
    return JsonResponse(200, j);
  });

  router.Add("GET", "/api/v1/items", [&deps, ctx](Request& req) {
    auto q = ParseQuery<domain::ItemQuery>(req, domain::ItemQuery{}.limit);
    if (!q.ok()) return ErrorResponse(deps, req, q.error());
    const auto catalogue = ctx->Catalogue();
    auto district = ViewerDistrict(deps, req, *catalogue);
    if (!district.ok()) return ErrorResponse(deps, req, district.error());
    auto [page, total] = catalogue->Search(*q);
    Json items = Json::array();
    for (const auto* item : page) items.push_back(EffectiveItemJson(*catalogue, item->code, *district));
    return PageResponse(std::move(items), q->offset, page.size(), total);
  });

  // Items and bundles together, ranked: what the search box on the pages uses.
  router.Add("GET", "/api/v1/search", [&deps, ctx](Request& req) {
    auto q = ParseQuery<domain::SearchQuery>(req, 20);
    if (!q.ok()) return ErrorResponse(deps, req, q.error());
    const auto catalogue = ctx->Catalogue();
    auto district = ViewerDistrict(deps, req, *catalogue);
    if (!district.ok()) return ErrorResponse(deps, req, district.error());
    q->offered_in = *district;
    const domain::SearchPage found = catalogue->Find(*q);
    Json items = Json::array();
    for (const domain::SearchHit& hit : found.hits) items.push_back(ResultJson(*catalogue, hit, *district));
    return PageResponse(std::move(items), q->offset, found.hits.size(), found.total);
  });

  // Items are read far more than anything else: their JSON is rendered once per catalogue, and
  // served from memory on the I/O thread (no hand-off to a worker thread), except for a signed-in
  // caller asking for an item a district's pilot (先行先试) changes: their district is read from
  // the store, on a worker thread.
  auto cache = std::make_shared<std::shared_ptr<const ItemJsonCache>>(BuildItemCache(ctx->Catalogue()));
  router.Add("GET", "/api/v1/items/{code}", [&deps, ctx, cache](Request& req) {
    auto current = std::atomic_load(cache.get());
    if (current->catalogue != ctx->Catalogue()) {
      current = BuildItemCache(ctx->Catalogue());
      std::atomic_store(cache.get(), current);
    }
    const std::string code = req.Param("code");
    auto it = current->items.find(code);
    if (it == current->items.end()) {
      return ErrorResponse(deps, req, MakeError(ErrorCode::kNotFound, "error.item.not_found"));
    }
    // A pilot limited to some districts changes this item: answer the variant of the caller's
    // district (`?district=`, else the signed-in person's: a read of the store, which is why such
    // a request is handed to a worker thread, see ReadsDistrict).
    if (VariesByDistrict(*current->catalogue, code)) {
      auto district = ViewerDistrict(deps, req, *current->catalogue);
      if (!district.ok()) return ErrorResponse(deps, req, district.error());
      return JsonResponse(200, EffectiveItemJson(*current->catalogue, code, *district));
    }
    Response res;
    res.content_type = "application/json; charset=utf-8";
    res.body = it->second;
    return res;
  }, RouteOptions{.run_inline = true, .inline_if = [ctx](const Request& req) {
    return !req.Query("district").empty() || SessionToken(req).empty() ||
           !VariesByDistrict(*ctx->Catalogue(), req.Param("code"));
  }});
}

}  // namespace tongban::http::api
