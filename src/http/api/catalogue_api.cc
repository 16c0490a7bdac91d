// GET /api/v1/departments, districts, service-centres, items, items/{code}, bundles, bundles/{code}.
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

}  // namespace

void RegisterCatalogueRoutes(Router& router, const HttpDeps& deps) {
  const auto* ctx = deps.ctx;
  router.Add("GET", "/api/v1/departments", [ctx](Request&) { return ListAll(ctx->Catalogue()->departments()); });
  router.Add("GET", "/api/v1/districts", [ctx](Request&) { return ListAll(ctx->Catalogue()->districts()); });
  router.Add("GET", "/api/v1/service-centres", [ctx](Request&) { return ListAll(ctx->Catalogue()->centres()); });
  router.Add("GET", "/api/v1/bundles", [ctx](Request&) { return ListAll(ctx->Catalogue()->bundles()); });

  router.Add("GET", "/api/v1/bundles/{code}", [&deps, ctx](Request& req) {
    const auto catalogue = ctx->Catalogue();
    const domain::Bundle* b = catalogue->FindBundle(req.Param("code"));
    if (b == nullptr) return ErrorResponse(deps, req, MakeError(ErrorCode::kNotFound, "error.bundle.not_found"));
    return JsonResponse(200, ToJson(*b));
  });

  router.Add("GET", "/api/v1/items", [&deps, ctx](Request& req) {
    domain::ItemQuery q;
    q.q = req.Query("q");
    q.department = req.Query("department");
    q.district = req.Query("district");
    auto offset = PageOffset(req.Query("page_token"));
    if (!offset.ok()) return ErrorResponse(deps, req, offset.error());
    q.offset = *offset;
    const std::string size = req.Query("page_size");
    if (!size.empty()) {
      int n = 0;
      auto [p, ec] = std::from_chars(size.data(), size.data() + size.size(), n);
      if (ec != std::errc() || p != size.data() + size.size() || n < 1 || n > 100) {
        return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.page_size"));
      }
      q.limit = static_cast<size_t>(n);
    }
    const auto catalogue = ctx->Catalogue();
    auto [page, total] = catalogue->Search(q);
    Json items = Json::array();
    for (const auto* item : page) items.push_back(ToJson(*item, *catalogue));
    const size_t next = q.offset + page.size();
    return JsonResponse(200, Json{{"items", std::move(items)},
                                  {"total", total},
                                  {"next_page_token", next < total ? Json(std::to_string(next)) : Json(nullptr)}});
  });

  // Items are read far more than anything else: their JSON is rendered once per catalogue.
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
  });
}

}  // namespace tongban::http::api
