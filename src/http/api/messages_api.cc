// The inbox routes of docs/api.md: GET /api/v1/me/messages (the caller's messages, newest first,
// paginated, each with its text in the request's language) and POST /api/v1/me/messages/{id}/read.
#include <charconv>

#include "http/api/handlers.h"
#include "http/message_text.h"
#include "services/messages.h"

namespace tongban::http::api {
namespace {

Json MessageJson(const HttpDeps& deps, const Request& req, const ports::Message& m) {
  const auto lang = RequestLanguage(req, deps.i18n->Offered());
  const auto catalogue = deps.ctx->Catalogue();
  Json params = Json::object();
  for (const auto& [name, value] : MessageParamsOf(m)) params[name] = value;
  const std::string href = MessageHref(m);
  return Json{{"id", m.id},
              {"kind", m.kind},
              {"params", std::move(params)},
              {"text", MessageText(*deps.i18n, catalogue.get(), lang, m)},
              {"reference", Json{{"kind", m.reference_kind}, {"id", m.reference_id}}},
              {"href", href.empty() ? Json(nullptr) : Json(href)},
              {"created_at", FormatRfc3339(m.created_at)},
              {"read_at", m.read_at ? Json(FormatRfc3339(*m.read_at)) : Json(nullptr)}};
}

}  // namespace

void RegisterMessageRoutes(Router& router, const HttpDeps& deps) {
  router.Add("GET", "/api/v1/me/messages", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, /*write=*/false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    int limit = ports::kMaxMessagePage / 5;
    const std::string size = req.Query("page_size");
    if (!size.empty()) {
      auto [p, ec] = std::from_chars(size.data(), size.data() + size.size(), limit);
      if (ec != std::errc() || p != size.data() + size.size() || limit < 1 || limit > ports::kMaxMessagePage) {
        return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.page_size"));
      }
    }
    std::string enterprise = req.Query("enterprise");
    if (enterprise.empty()) enterprise = caller->session.acting_enterprise;
    auto list = services::ListMyMessages(*deps.ctx, caller->actor, enterprise, req.Query("page_token"), limit);
    if (!list.ok()) return ErrorResponse(deps, req, list.error());
    Json items = Json::array();
    for (const auto& m : list->messages) items.push_back(MessageJson(deps, req, m));
    return JsonResponse(200, Json{{"items", std::move(items)},
                                  {"unread", list->unread},
                                  {"next_page_token", list->next_after.empty() ? Json(nullptr) : Json(list->next_after)}});
  });
  router.Add("POST", "/api/v1/me/messages/{id}/read", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, /*write=*/true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto read = services::MarkMessageRead(*deps.ctx, caller->actor, req.Param("id"));
    if (!read.ok()) return ErrorResponse(deps, req, read.error());
    return JsonResponse(200, MessageJson(deps, req, *read));
  });
}

}  // namespace tongban::http::api
