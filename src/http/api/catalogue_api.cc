// GET /api/v1/departments, districts, service-centres, items, items/{code}, bundles, bundles/{code},
// and search (items and bundles together).
#include <atomic>
#include <charconv>
#include <memory>
#include <unordered_map>

#include "http/api/handlers.h"

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

// Serialised item JSON for one catalogue version, rebuilt when the catalogue is swapped.
struct ItemJsonCache {
  std::shared_ptr<const domain::Catalogue> catalogue;
  std::unordered_map<std::string, std::string> items;
};

std::shared_ptr<const ItemJsonCache> BuildItemCache(std::shared_ptr<const domain::Catalogue> catalogue) {
  auto cache = std::make_shared<ItemJsonCache>();
  for (const auto& item : catalogue->items()) cache->items.emplace(item.code, ToJson(item, *catalogue).dump());
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
Json ResultJson(const domain::Catalogue& catalogue, const domain::SearchHit& hit) {
  if (hit.item != nullptr) {
    const domain::ServiceItem& item = *hit.item;
    return Json{{"kind", "item"},
                {"code", item.code},
                {"name", ToJson(item.name)},
                {"description", ToJson(item.description)},
                {"standard_code", item.standard_code.empty() ? Json(nullptr) : Json(item.standard_code)},
                {"department", item.department},
                {"applicant", domain::ApplicantKindName(item.applicant)},
                {"fully_online", item.fully_online},
                {"instant", item.instant}};
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
  router.Add("GET", "/api/v1/bundles", [ctx](Request&) { return ListAll(ctx->Catalogue()->bundles()); });
  router.Add("GET", "/api/v1/licence-types", [ctx](Request&) { return ListAll(ctx->Catalogue()->licence_types()); });

  router.Add("GET", "/api/v1/bundles/{code}", [&deps, ctx](Request& req) {
    const auto catalogue = ctx->Catalogue();
    const domain::Bundle* b = catalogue->FindBundle(req.Param("code"));
    if (b == nullptr) return ErrorResponse(deps, req, MakeError(ErrorCode::kNotFound, "error.bundle.not_found"));
    return JsonResponse(200, ToJson(*b));
  });

  router.Add("GET", "/api/v1/items", [&deps, ctx](Request& req) {
    auto q = ParseQuery<domain::ItemQuery>(req, domain::ItemQuery{}.limit);
    if (!q.ok()) return ErrorResponse(deps, req, q.error());
    const auto catalogue = ctx->Catalogue();
    auto [page, total] = catalogue->Search(*q);
    Json items = Json::array();
    for (const auto* item : page) items.push_back(ToJson(*item, *catalogue));
    return PageResponse(std::move(items), q->offset, page.size(), total);
  });

  // Items and bundles together, ranked: what the search box on the pages uses.
  router.Add("GET", "/api/v1/search", [&deps, ctx](Request& req) {
    auto q = ParseQuery<domain::SearchQuery>(req, 20);
    if (!q.ok()) return ErrorResponse(deps, req, q.error());
    const auto catalogue = ctx->Catalogue();
    const domain::SearchPage found = catalogue->Find(*q);
    Json items = Json::array();
    for (const domain::SearchHit& hit : found.hits) items.push_back(ResultJson(*catalogue, hit));
    return PageResponse(std::move(items), q->offset, found.hits.size(), found.total);
  });

  // Items are read far more than anything else: their JSON is rendered once per catalogue, and
  // served from memory on the I/O thread (no hand-off to a worker thread).
  auto cache = std::make_shared<std::shared_ptr<const ItemJsonCache>>(BuildItemCache(ctx->Catalogue()));
  router.Add("GET", "/api/v1/items/{code}", [&deps, ctx, cache](Request& req) {
    auto current = std::atomic_load(cache.get());
    if (current->catalogue != ctx->Catalogue()) {
      current = BuildItemCache(ctx->Catalogue());
      std::atomic_store(cache.get(), current);
    }
    auto it = current->items.find(req.Param("code"));
    if (it == current->items.end()) {
      return ErrorResponse(deps, req, MakeError(ErrorCode::kNotFound, "error.item.not_found"));
    }
    Response res;
    res.content_type = "application/json; charset=utf-8";
    res.body = it->second;
    return res;
  }, RouteOptions{.run_inline = true});
}

}  // namespace tongban::http::api
