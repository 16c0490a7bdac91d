// Decision records (issue 13 item 6): GET /api/v1/catalogue/versions (who published each version
// of the catalogue, when and why, newest first) and
// GET /api/v1/catalogue/versions/{version}/comparison?with=N (what changed from version N to it,
// file by file, side by side). The reform office and administrators only.
#include <charconv>

#include "http/api/handlers.h"
#include "services/decision_records.h"

namespace tongban::http::api {
namespace {

Json VersionJson(const ports::CatalogueVersion& v) {
  return Json{{"version", v.version},
              {"published_at", FormatRfc3339(v.published_at)},
              {"published_by", v.published_by},
              {"reason", v.reason},
              {"sha256", v.sha256}};
}

const char* FileChangeName(services::FileChange change) {
  switch (change) {
    case services::FileChange::kAdded: return "added";
    case services::FileChange::kRemoved: return "removed";
    case services::FileChange::kChanged: return "changed";
  }
  return "changed";
}

// A positive integer query or path parameter; `fallback` when absent; kInvalidArgument with `key`.
Result<int64_t> Number(const std::string& text, int64_t fallback, const char* key) {
  if (text.empty()) return fallback;
  int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || n < 1) return MakeError(ErrorCode::kInvalidArgument, key);
  return n;
}

}  // namespace

void RegisterDecisionRoutes(Router& router, const HttpDeps& deps) {
  router.Add("GET", "/api/v1/catalogue/versions", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto before = Number(req.Query("before"), 0, "error.decisions.before");
    if (!before.ok()) return ErrorResponse(deps, req, before.error());
    auto size = Number(req.Query("page_size"), ports::kDefaultPageSize, "error.decisions.page_size");
    if (!size.ok()) return ErrorResponse(deps, req, size.error());
    auto page = services::ListDecisionRecords(*deps.ctx, caller->actor, *before,
                                              static_cast<int>(std::min<int64_t>(*size, 1000)));
    if (!page.ok()) return ErrorResponse(deps, req, page.error());
    Json items = Json::array();
    for (const auto& v : page->versions) items.push_back(VersionJson(v));
    return JsonResponse(200, Json{{"items", std::move(items)},
                                  {"next_before", page->next_before > 0 ? Json(page->next_before) : Json(nullptr)}});
  });
  router.Add("GET", "/api/v1/catalogue/versions/{version}/comparison", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto to = Number(req.Param("version"), 0, "error.decisions.version");
    if (!to.ok()) return ErrorResponse(deps, req, to.error());
    auto from = Number(req.Query("with"), 0, "error.decisions.version");
    if (!from.ok()) return ErrorResponse(deps, req, from.error());
    if (*from == 0) return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.decisions.version"));
    auto comparison = services::CompareCatalogueVersions(*deps.ctx, caller->actor, *from, *to);
    if (!comparison.ok()) return ErrorResponse(deps, req, comparison.error());
    Json files = Json::array();
    for (const auto& file : comparison->files) {
      Json rows = Json::array();
      for (const auto& row : file.rows) {
        Json r{{"kind", std::string(domain::DiffRowName(row.kind))}};
        if (row.kind == domain::DiffRow::kFolded) {
          r["folded"] = row.folded;
        } else {
          r["old_line"] = row.old_line > 0 ? Json(row.old_line) : Json(nullptr);
          r["new_line"] = row.new_line > 0 ? Json(row.new_line) : Json(nullptr);
          r["old"] = row.old_text;
          r["new"] = row.new_text;
        }
        rows.push_back(std::move(r));
      }
      files.push_back(Json{{"path", file.path}, {"change", FileChangeName(file.change)}, {"rows", std::move(rows)}});
    }
    return JsonResponse(200, Json{{"from", VersionJson(comparison->from)},
                                  {"to", VersionJson(comparison->to)},
                                  {"files", std::move(files)}});
  });
}

}  // namespace tongban::http::api
