// POST /api/v1/session (sign in), DELETE /api/v1/session (sign out), GET /api/v1/me, and
// PUT /api/v1/enterprises/{code}/agents/{username} (an enterprise administrator sets an agent's rights).
#include "http/api/handlers.h"
#include "services/contacts.h"

namespace tongban::http::api {

void RegisterSessionRoutes(Router& router, const HttpDeps& deps) {
  router.Add("POST", "/api/v1/session", [&deps](Request& req) {
    // Login CSRF: a cross-site form (enctype text/plain needs no preflight) must not sign a
    // browser into someone else's account.
    if (auto origin = CheckOrigin(req, deps.web.public_url); !origin.ok()) {
      return ErrorResponse(deps, req, origin.error());
    }
    auto body = ParseObject(req.body);
    if (!body.ok()) return ErrorResponse(deps, req, body.error());
    auto username = OptionalString(*body, "username");
    auto password = OptionalString(*body, "password");
    if (!username.ok()) return ErrorResponse(deps, req, username.error());
    if (!password.ok()) return ErrorResponse(deps, req, password.error());
    if (username->empty() || password->empty()) {
      return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.login.missing"));
    }
    // A session cookie sent with the sign-in is ended: signing in rotates the browser's session.
    auto signed_in = services::Login(*deps.ctx, *username, *password, req.remote_address, req.Cookie(kSessionCookie));
    if (!signed_in.ok()) return ErrorResponse(deps, req, signed_in.error());
    Response res = JsonResponse(200, Json{{"token", signed_in->token},
                                          {"csrf_token", signed_in->csrf_token},
                                          {"expires_at", FormatRfc3339(signed_in->expires_at)},
                                          {"user", ToJson(signed_in->user)}});
    const auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(services::kSessionLifetime).count();
    res.AddHeader("Set-Cookie", SessionCookie(signed_in->token, static_cast<int>(lifetime), deps.web.secure_cookies));
    return res;
  });

  router.Add("DELETE", "/api/v1/session", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, /*write=*/true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto done = services::Logout(*deps.ctx, SessionToken(req));
    if (!done.ok()) return ErrorResponse(deps, req, done.error());
    Response res;
    res.status = 204;
    res.body.clear();
    res.AddHeader("Set-Cookie", SessionCookie("", 0, deps.web.secure_cookies));
    return res;
  });

  router.Add("PUT", "/api/v1/enterprises/{code}/agents/{username}", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, /*write=*/true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto body = ParseObject(req.body);
    if (!body.ok()) return ErrorResponse(deps, req, body.error());
    services::AgentRights rights;
    rights.enterprise = req.Param("code");
    rights.username = req.Param("username");
    for (auto [name, target] : {std::pair{"may_apply", &rights.may_apply}, std::pair{"may_withdraw", &rights.may_withdraw}}) {
      auto it = body->find(name);
      if (it == body->end()) continue;
      if (!it->is_boolean()) return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.json.type"));
      *target = it->get<bool>();
    }
    if (auto items = body->find("items"); items != body->end()) {
      if (!items->is_array()) return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.json.type"));
      for (const auto& code : *items) {
        if (!code.is_string()) return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.json.type"));
        rights.items.push_back(code.get<std::string>());
      }
    }
    auto grant = services::GrantAgentRights(*deps.ctx, caller->actor, rights);
    if (!grant.ok()) return ErrorResponse(deps, req, grant.error());
    return JsonResponse(200, Json{{"enterprise", grant->enterprise},
                                  {"username", rights.username},
                                  {"may_apply", grant->may_apply},
                                  {"may_withdraw", grant->may_withdraw},
                                  {"items", grant->items}});
  });

  router.Add("GET", "/api/v1/me", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, /*write=*/false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto grants = services::AgentGrantsOf(*deps.ctx, caller->actor.user.id);
    if (!grants.ok()) return ErrorResponse(deps, req, grants.error());
    Json me = ToJson(caller->actor.user);
    Json enterprises = Json::array();
    for (const auto& g : *grants) {
      enterprises.push_back(Json{{"code", g.enterprise}, {"may_apply", g.may_apply}, {"may_withdraw", g.may_withdraw},
                                 {"items", g.items}});
    }
    me["enterprises"] = std::move(enterprises);
    if (!caller->actor.user.person_id.empty()) me["person_id"] = caller->actor.user.person_id;
    auto contact = services::GetMyContact(*deps.ctx, caller->actor);
    if (!contact.ok()) return ErrorResponse(deps, req, contact.error());
    const Json contact_json = ContactJson(*contact);
    for (const auto& [name, value] : contact_json.items()) me[name] = value;
    return JsonResponse(200, me);
  });
}

}  // namespace tongban::http::api
