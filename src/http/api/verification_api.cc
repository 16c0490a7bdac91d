// Verification by anyone (docs/api.md "Licences"): GET /api/v1/trust-list, POST /api/v1/verify
// (public, no sign-in) and POST /api/v1/licences/{id}/presentations (the holder).
#include "http/api/handlers.h"
#include "http/peer_verify.h"
#include "services/federation.h"
#include "services/mutual_recognition.h"
#include "services/verification.h"

namespace tongban::http::api {
namespace {

const char* KindName(ports::TokenKind kind) {
  switch (kind) {
    case ports::TokenKind::kCredential: return "credential";
    case ports::TokenKind::kQr: return "qr";
    case ports::TokenKind::kPresentation: return "presentation";
  }
  return "credential";
}

Response Verify(const HttpDeps& deps, Request& req) {
  // Before anything is read: a client over its limit is told so at once (a clear 429).
  const Status counted = services::CountVerifyRequest(*deps.ctx, req.remote_address, deps.verify_per_minute);
  if (!counted.ok()) {
    Response res = ErrorResponse(deps, req, counted.error());
    res.AddHeader("Retry-After", "60");
    return res;
  }
  auto body = ParseObject(req.body);
  if (!body.ok()) return ErrorResponse(deps, req, body.error());
  std::string token;
  services::VerifyExpectations expect;
  const Status parsed = [&]() -> Status {
    TB_ASSIGN_OR_RETURN(token, OptionalString(*body, "token"));
    TB_ASSIGN_OR_RETURN(expect.audience, OptionalString(*body, "audience"));
    TB_ASSIGN_OR_RETURN(expect.nonce, OptionalString(*body, "nonce"));
    if (token.empty()) {
      return Error{ErrorCode::kInvalidArgument, "error.verify.token_required",
                   {{"token", "error.verify.token_required", ""}}};
    }
    return Ok();
  }();
  if (!parsed.ok()) return ErrorResponse(deps, req, parsed.error());
  // This platform's issuers first, exactly as before; then the peers' (issue 14 item 3), whose
  // status lists are fetched from the peer first when not cached (http/peer_verify.h).
  return VerifyThen(*deps.ctx, deps.outbound, std::move(token), std::move(expect),
                    [&deps, &req](Result<services::Verification> v) {
                      if (!v.ok()) return ErrorResponse(deps, req, v.error());
                      Response res = JsonResponse(200, VerificationJson(deps, req, *v));
                      res.AddHeader("Cache-Control", "no-store");
                      return res;
                    });
}

Response CreatePresentation(const HttpDeps& deps, Request& req) {
  auto caller = RequireCaller(deps, req, /*write=*/true);
  if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
  auto body = ParseObject(req.body);
  if (!body.ok()) return ErrorResponse(deps, req, body.error());
  ports::PresentationRequest request;
  const Status parsed = [&]() -> Status {
    const auto type_error = [](const char* field) {
      return Error{ErrorCode::kInvalidArgument, "error.json.type", {{field, "error.json.type", field}}};
    };
    const auto disclose = body->find("disclose");
    if (disclose != body->end() && !disclose->is_null()) {
      if (!disclose->is_array()) return type_error("disclose");
      for (const Json& name : *disclose) {
        if (!name.is_string()) return type_error("disclose");
        request.disclose.push_back(name.get<std::string>());
      }
    }
    const auto ttl = body->find("ttl_seconds");
    if (ttl == body->end() || !ttl->is_number_integer()) return type_error("ttl_seconds");
    request.ttl_seconds = ttl->get<int64_t>();
    TB_ASSIGN_OR_RETURN(request.audience, OptionalString(*body, "audience"));
    TB_ASSIGN_OR_RETURN(request.nonce, OptionalString(*body, "nonce"));
    return Ok();
  }();
  if (!parsed.ok()) return ErrorResponse(deps, req, parsed.error());
  auto presentation = services::CreatePresentation(*deps.ctx, caller->actor, req.params["id"], std::move(request));
  if (!presentation.ok()) return ErrorResponse(deps, req, presentation.error());
  Response res = JsonResponse(201, Json{{"token", presentation->token},
                                        {"expires_at", FormatRfc3339(presentation->expires_at)}});
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

}  // namespace

Json VerificationJson(const HttpDeps& deps, const Request& req, const services::Verification& v) {
  const auto lang = RequestLanguage(req, deps.i18n->Offered());
  Json reasons = Json::array();
  for (const ports::VerifyReason& r : v.reasons) {
    reasons.push_back({{"code", r.code}, {"message", deps.i18n->T(lang, r.code, r.detail)}});
  }
  Json out{{"valid", v.valid},
           {"status", v.status},
           {"claims", Json::parse(v.claims_json, nullptr, false)},
           {"reasons", std::move(reasons)}};
  if (!out["claims"].is_object()) out["claims"] = Json::object();
  if (v.kind) out["kind"] = KindName(*v.kind);
  // A peer's licence (issue 14): the platform whose issuer signed it.
  if (!v.peer_code.empty()) {
    out["platform"] = {{"code", v.peer_code}, {"name", {{"zh", v.peer_name_zh}, {"en", v.peer_name_en}}}};
  }
  return out;
}

void RegisterVerificationRoutes(Router& router, const HttpDeps& deps) {
  router.Add("GET", "/api/v1/trust-list", [&deps](Request& req) {
    // ?kid= asks for the list signed by that list key, active or retired: a federation peer that
    // still trusts a retired key reads from it which key signs the lists now (services/federation.h).
    const std::string kid = req.Query("kid");
    auto signed_list = kid.empty() ? services::SignedTrustList(*deps.ctx)
                                   : services::SignedTrustListWithKey(*deps.ctx, kid);
    if (!signed_list.ok()) return ErrorResponse(deps, req, signed_list.error());
    Response res;
    res.content_type = "application/jwt";
    res.body = std::move(*signed_list);
    // A few minutes of caching: a new key or issuer appears within that time; the list itself is
    // valid for trust_list.validity_hours.
    res.AddHeader("Cache-Control", "public, max-age=300");
    return res;
  });
  router.Add("POST", "/api/v1/verify", [&deps](Request& req) { return Verify(deps, req); });
  router.Add("POST", "/api/v1/licences/{id}/presentations",
             [&deps](Request& req) { return CreatePresentation(deps, req); });
}

}  // namespace tongban::http::api
