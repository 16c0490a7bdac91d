#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "http/api/handlers.h"
#include "http/status.h"

namespace tongban::http {

Response ErrorResponse(const HttpDeps& deps, const Request& req, const Error& error) {
  const auto lang = RequestLanguage(req, deps.i18n->Offered());
  // Internal messages are for operators, not for people: log them, answer a generic text.
  const std::string message = error.code == ErrorCode::kInternal ? deps.i18n->T(lang, "error.internal")
                                                                  : deps.i18n->T(lang, error.message);
  api::Json body{{"code", ErrorCodeName(error.code)}, {"message", message}, {"request_id", req.request_id}};
  if (!error.fields.empty()) {
    api::Json fields = api::Json::array();
    for (const auto& f : error.fields) {
      fields.push_back({{"field", f.field}, {"code", f.message_key}, {"message", deps.i18n->T(lang, f.message_key, f.detail)}});
    }
    body["fields"] = std::move(fields);
  }
  Response res = api::JsonResponse(HttpStatus(error.code), api::Json{{"error", std::move(body)}});
  if (error.code == ErrorCode::kUnauthenticated) res.AddHeader("WWW-Authenticate", "Bearer");
  return res;
}

void RegisterApiRoutes(Router& router, const HttpDeps& deps) {
  api::RegisterCatalogueRoutes(router, deps);
  api::RegisterSessionRoutes(router, deps);
  api::RegisterApplicationRoutes(router, deps);
  api::RegisterKeyRoutes(router, deps);
  api::RegisterVerificationRoutes(router, deps);
  api::RegisterLogRoutes(router, deps);
  api::RegisterLicenceRoutes(router, deps);
  api::RegisterDatasetRoutes(router, deps);
  api::RegisterIdentityRoutes(router, deps);
  api::RegisterDataAccessRoutes(router, deps);
  api::RegisterMyDataRoutes(router, deps);
  api::RegisterMessageRoutes(router, deps);
  api::RegisterContactRoutes(router, deps);
  api::RegisterQueueRoutes(router, deps);
  api::RegisterWindowRoutes(router, deps);
  api::RegisterHomeRoutes(router, deps);
  api::RegisterProxyRoutes(router, deps);
  api::RegisterDecisionRoutes(router, deps);
  api::RegisterSupervisionRoutes(router, deps);
  api::RegisterRatingRoutes(router, deps);
  api::RegisterMetricsRoutes(router, deps);
  api::RegisterFederationRoutes(router, deps);
  api::RegisterRoleRoutes(router, deps);
  api::RegisterDataRequestRoutes(router, deps);

  std::ifstream in(deps.web.openapi_path);
  std::ostringstream openapi;
  openapi << in.rdbuf();
  const std::string document = openapi.str();
  router.Add("GET", "/api/v1/openapi.json", [document](Request&) {
    Response res;
    res.body = document;
    return res;
  });
}

namespace api {

Response JsonResponse(int status, const Json& body) {
  Response res;
  res.status = status;
  res.content_type = "application/json; charset=utf-8";
  res.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return res;
}

Response NoStore(Response res) {
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

Result<int> PageSize(const Request& req, int max) {
  const std::string size = req.Query("page_size");
  if (size.empty()) return std::min(ports::kDefaultPageSize, max);
  int limit = 0;
  auto [p, ec] = std::from_chars(size.data(), size.data() + size.size(), limit);
  if (ec != std::errc() || p != size.data() + size.size() || limit < 1 || limit > max) {
    return MakeError(ErrorCode::kInvalidArgument, "error.page_size");
  }
  return limit;
}

Result<Caller> RequireCaller(const HttpDeps& deps, Request& req, bool write) {
  TB_ASSIGN_OR_RETURN(Caller caller, Identify(*deps.ctx, req));
  if (write) TB_RETURN_IF_ERROR(CheckCsrf(caller, req, ""));
  return caller;
}

}  // namespace api
}  // namespace tongban::http
