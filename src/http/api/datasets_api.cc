// GET /api/v1/datasets and /api/v1/datasets/{code}: the city's datasets as the catalogue describes
// them (issue 9 item 1): owner, subject, fields with their class, legal bases. Public, like the
// catalogue: it says what the city holds and why, never a record.
#include <charconv>

#include "domain/dataset.h"
#include "http/api/handlers.h"

namespace tongban::http::api {
namespace {

Json DatasetJson(const domain::Dataset& dataset, const domain::Catalogue& catalogue) {
  Json fields = Json::array();
  for (const domain::DatasetField& f : dataset.fields) {
    fields.push_back(Json{{"name", f.name},
                          {"label", ToJson(f.label)},
                          {"type", domain::FieldTypeName(f.type)},
                          {"class", domain::DataClassName(f.data_class)},
                          {"required", f.required}});
  }
  Json bases = Json::array();
  for (const domain::LegalBasis& b : dataset.legal_bases) {
    bases.push_back(Json{{"code", b.code}, {"citation", ToJson(b.citation)}});
  }
  const domain::Department* owner = catalogue.FindDepartment(dataset.department);
  return Json{{"code", dataset.code},
              {"name", ToJson(dataset.name)},
              {"department", dataset.department},
              {"owner", owner != nullptr ? ToJson(*owner) : Json(nullptr)},
              {"subject", domain::SubjectKindName(dataset.subject)},
              {"source", domain::DatasetSourceName(dataset.source)},
              {"fields", std::move(fields)},
              {"legal_bases", std::move(bases)},
              // The purposes other platforms may ask for a person's record for (issue 14 item 5).
              {"federation_purposes", dataset.federation_purposes}};
}

// A decimal number in [low, high], or nullopt.
std::optional<size_t> Number(const std::string& text, size_t low, size_t high) {
  size_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || n < low || n > high) return std::nullopt;
  return n;
}

}  // namespace

void RegisterDatasetRoutes(Router& router, const HttpDeps& deps) {
  const auto* ctx = deps.ctx;
  // Pages by offset like /items (the token is the decimal offset); department= and subject= filter.
  router.Add("GET", "/api/v1/datasets", [&deps, ctx](Request& req) {
    const std::string token = req.Query("page_token");
    const std::string size = req.Query("page_size");
    const std::optional<size_t> offset = token.empty() ? std::optional<size_t>(0) : Number(token, 0, SIZE_MAX);
    if (!offset) return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.page_token.invalid"));
    const std::optional<size_t> limit = size.empty() ? std::optional<size_t>(50) : Number(size, 1, 100);
    if (!limit) return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.page_size"));
    const std::string department = req.Query("department");
    const std::string subject = req.Query("subject");
    if (!subject.empty() && !domain::ParseSubjectKind(subject)) {
      return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.dataset.subject"));
    }
    const auto catalogue = ctx->Catalogue();
    Json items = Json::array();
    size_t total = 0;
    for (const domain::Dataset& d : catalogue->datasets()) {
      if (!department.empty() && d.department != department) continue;
      if (!subject.empty() && subject != domain::SubjectKindName(d.subject)) continue;
      if (total >= *offset && items.size() < *limit) items.push_back(DatasetJson(d, *catalogue));
      ++total;
    }
    const size_t next = *offset + items.size();
    return JsonResponse(200, Json{{"items", std::move(items)},
                                  {"total", total},
                                  {"next_page_token", next < total ? Json(std::to_string(next)) : Json(nullptr)}});
  });

  router.Add("GET", "/api/v1/datasets/{code}", [&deps, ctx](Request& req) {
    const auto catalogue = ctx->Catalogue();
    const domain::Dataset* dataset = catalogue->FindDataset(req.Param("code"));
    if (dataset == nullptr) return ErrorResponse(deps, req, MakeError(ErrorCode::kNotFound, "error.dataset.not_found"));
    return JsonResponse(200, DatasetJson(*dataset, *catalogue));
  });
}

}  // namespace tongban::http::api
