// The identity code (docs/api.md "Identity code"): GET /api/v1/me/identity-code (the signed-in
// person's fresh code, or their enterprise's when they act for one, with its QR code as SVG for pages that refresh it in place) and
// POST /api/v1/identity-codes/verify (anyone; a clerk's check also answers the full identity
// number, and that read is in the access log).
#include "http/api/handlers.h"
#include "services/identity_code.h"

namespace tongban::http::api {
namespace {

Response MyIdentityCode(const HttpDeps& deps, Request& req) {
  auto caller = RequireCaller(deps, req, /*write=*/false);
  if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
  // An agent acting for an enterprise shows the enterprise's code (or names one with ?enterprise=).
  std::string enterprise = req.Query("enterprise");
  if (enterprise.empty()) enterprise = caller->session.acting_enterprise;
  auto code = services::IssueIdentityCode(*deps.ctx, caller->actor, enterprise);
  if (!code.ok()) return ErrorResponse(deps, req, code.error());
  Json out{{"token", code->token},
           {"kind", code->claims.kind},
           {"expires_at", FormatRfc3339(code->claims.expires_at)}};
  if (deps.ctx->licence_format != nullptr) {
    auto svg = deps.ctx->licence_format->QrSvg(code->token);
    if (svg.ok()) out["qr_svg"] = std::move(*svg);
  }
  Response res = JsonResponse(200, out);
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

Response VerifyIdentityCode(const HttpDeps& deps, Request& req) {
  auto body = ParseObject(req.body);
  if (!body.ok()) return ErrorResponse(deps, req, body.error());
  auto token = OptionalString(*body, "token");
  if (!token.ok()) return ErrorResponse(deps, req, token.error());
  if (token->empty()) {
    return ErrorResponse(deps, req,
                         Error{ErrorCode::kInvalidArgument, "error.identity_code.token_required",
                               {{"token", "error.identity_code.token_required", ""}}});
  }
  // A signed-in clerk sees more; a browser's cookie counts only with its CSRF token, so that
  // another site cannot make a clerk's browser read someone's identity number.
  std::optional<services::Actor> caller;
  if (auto identified = Identify(*deps.ctx, req); identified.ok() && CheckCsrf(*identified, req, "").ok()) {
    caller = identified->actor;
  }
  auto check = services::CheckIdentityCode(*deps.ctx, caller, *token);
  if (!check.ok()) return ErrorResponse(deps, req, check.error());
  const auto lang = RequestLanguage(req, deps.i18n->Offered());
  Json out{{"valid", check->valid}};
  if (!check->valid) {
    out["reason"] = {{"code", check->reason},
                     {"message", deps.i18n->T(lang, "identity_code.reason." + check->reason, "")}};
  }
  if (!check->claims.sub.empty()) {
    out["subject"] = {{"id", check->id_number.empty() ? check->claims.masked_id : check->id_number},
                      {"kind", check->claims.kind},
                      {"name", check->claims.name}};
    out["expires_at"] = FormatRfc3339(check->claims.expires_at);
  }
  Response res = JsonResponse(200, out);
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

}  // namespace

void RegisterIdentityRoutes(Router& router, const HttpDeps& deps) {
  router.Add("GET", "/api/v1/me/identity-code", [&deps](Request& req) { return MyIdentityCode(deps, req); });
  router.Add("POST", "/api/v1/identity-codes/verify", [&deps](Request& req) { return VerifyIdentityCode(deps, req); });
}

}  // namespace tongban::http::api
