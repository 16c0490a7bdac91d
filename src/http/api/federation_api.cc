// Federation (docs/api.md "Federation", issue 14): GET /api/v1/platform (public), and the
// administrators' GET/POST /api/v1/federation/peers and DELETE /api/v1/federation/peers/{code}.
// Adding a peer fetches its platform document and trust list through the outbound client without
// holding a worker: the handler answers Later and the checks and the write run on a worker.
// POST /api/v1/applications/{id}/materials/{code}/peer-licence presents a peer's licence as an
// item's licence material (issue 14 item 3, services/peer_materials.h).
#include "http/api/handlers.h"
#include "http/peer_verify.h"
#include "services/cross_province.h"
#include "services/federation.h"
#include "services/federation_messages.h"
#include "services/peer_materials.h"

namespace tongban::http::api {
namespace {

Json PeerJson(const domain::Peer& p, Timestamp now) {
  const auto time_or_null = [](const std::optional<Timestamp>& at) {
    return at ? Json(FormatRfc3339(*at)) : Json(nullptr);
  };
  Json out{{"code", p.code},
           {"url", p.url},
           {"name", {{"zh", p.name_zh}, {"en", p.name_en}}},
           {"fingerprint", p.fingerprint},
           {"list_valid_until", time_or_null(p.valid_until)},
           {"list_serves", domain::PeerListServes(p, now)},
           {"fetched_at", time_or_null(p.fetched_at)},
           {"refresh_at", FormatRfc3339(p.refresh_at)},
           {"added_at", FormatRfc3339(p.added_at)},
           {"last_error", p.last_error.empty() ? Json(nullptr)
                                               : Json{{"code", p.last_error},
                                                      {"detail", p.last_error_detail},
                                                      {"at", time_or_null(p.last_error_at)}}}};
  return out;
}

Response NoCache(Response res) {
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

Response AddPeerRoute(const HttpDeps& deps, Request& req) {
  auto caller = RequireCaller(deps, req, true);
  if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
  if (Status admin = services::RequireFederationAdministrator(caller->actor); !admin.ok()) {
    return ErrorResponse(deps, req, admin.error());
  }
  auto body = ParseObject(req.body);
  if (!body.ok()) return ErrorResponse(deps, req, body.error());
  services::AddPeerRequest request;
  const Status parsed = [&]() -> Status {
    TB_ASSIGN_OR_RETURN(request.code, OptionalString(*body, "code"));
    TB_ASSIGN_OR_RETURN(request.url, OptionalString(*body, "url"));
    TB_ASSIGN_OR_RETURN(request.fingerprint, OptionalString(*body, "fingerprint"));
    return Ok();
  }();
  if (!parsed.ok()) return ErrorResponse(deps, req, parsed.error());
  auto checked = services::CheckAddPeerRequest(*deps.ctx, std::move(request));
  if (!checked.ok()) return ErrorResponse(deps, req, checked.error());
  if (deps.outbound == nullptr) {
    return ErrorResponse(deps, req, MakeError(ErrorCode::kUnavailable, "error.federation.unreachable"));
  }
  return Later([&deps, &req, request = std::move(checked).value()](Resume resume) {
    services::FetchPeer(*deps.outbound, request.url, request.fingerprint, true,
                        [&deps, &req, request, resume = std::move(resume)](services::PeerFetch fetched) {
                          auto shared = std::make_shared<services::PeerFetch>(std::move(fetched));
                          resume([&deps, &req, request, shared]() -> Response {
                            auto peer = services::AddPeer(*deps.ctx, request, *shared);
                            if (!peer.ok()) return ErrorResponse(deps, req, peer.error());
                            return NoCache(JsonResponse(201, PeerJson(*peer, deps.ctx->clock->Now())));
                          });
                        });
  });
}

// The peer's status list is fetched first when not cached (http/peer_verify.h); the attach then
// verifies the token again from the cache, in its own read, before its one write.
Response AttachPeerLicenceRoute(const HttpDeps& deps, Request& req) {
  auto caller = RequireCaller(deps, req, /*write=*/true);
  if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
  auto body = ParseObject(req.body);
  if (!body.ok()) return ErrorResponse(deps, req, body.error());
  auto token = OptionalString(*body, "token");
  if (!token.ok()) return ErrorResponse(deps, req, token.error());
  if (deps.ctx->trust_cache == nullptr) {
    return ErrorResponse(deps, req, MakeError(ErrorCode::kUnavailable, "error.keys.unavailable"));
  }
  return VerifyThen(*deps.ctx, deps.outbound, *token, {},
                    [&deps, &req, actor = caller->actor, token = *token](Result<services::Verification>) {
                      auto app = services::AttachPeerLicence(*deps.ctx, deps.ctx->trust_cache->peer_status(), actor,
                                                             req.Param("id"), req.Param("code"), token);
                      if (!app.ok()) return ErrorResponse(deps, req, app.error());
                      return NoCache(JsonResponse(200, ToJson(*app, LocalDate(deps.ctx->clock->Now()))));
                    });
}

// GET /api/v1/federation/items: this platform's cross-province items (public, what peers list), or
// with ?peer= the items a peer handles for people of other provinces, as last fetched from it.
Response ItemsRoute(const HttpDeps& deps, Request& req) {
  const std::string peer = req.Query("peer");
  Json items = Json::array();
  if (peer.empty()) {
    for (const std::string& document : services::CrossProvinceItemDocuments(*deps.ctx)) {
      items.push_back(Json::parse(document));
    }
    Response res = JsonResponse(200, Json{{"platform", deps.ctx->platform_code}, {"items", std::move(items)}});
    res.AddHeader("Cache-Control", "public, max-age=300");
    return res;
  }
  const std::string after = req.Query("cursor");
  auto listed = services::ListPeerItems(*deps.ctx, peer, after, ports::kMaxPeerPage);
  if (!listed.ok()) return ErrorResponse(deps, req, listed.error());
  for (const services::PeerItem& item : *listed) {
    Json j = Json::parse(item.document);
    j["code"] = item.item.code;
    j["peer"] = {{"code", item.peer}, {"name", {{"zh", item.peer_name_zh}, {"en", item.peer_name_en}}}};
    items.push_back(std::move(j));
  }
  Json out{{"peer", peer}, {"items", std::move(items)}, {"next_cursor", nullptr}};
  if (listed->size() == static_cast<size_t>(ports::kMaxPeerPage)) out["next_cursor"] = listed->back().item.code;
  return NoCache(JsonResponse(200, out));
}

// POST /api/v1/federation/messages (peers only): a signed message in, its signed reply out.
Response MessagesRoute(const HttpDeps& deps, Request& req) {
  if (deps.federation_handlers == nullptr) {
    return ErrorResponse(deps, req, MakeError(ErrorCode::kUnavailable, "error.keys.unavailable"));
  }
  std::string_view jws = req.body;
  while (!jws.empty() && (jws.back() == '\n' || jws.back() == '\r' || jws.back() == ' ')) jws.remove_suffix(1);
  auto reply = services::ReceiveFederationMessage(*deps.ctx, *deps.federation_handlers, jws);
  if (!reply.ok()) {
    // The refusal's key for the sending platform, which retries or gives up by it
    // (services::ReadPeerAnswer); never an internal message.
    Response res = ErrorResponse(deps, req, reply.error());
    if (reply.error().code != ErrorCode::kInternal) {
      res.AddHeader(services::kFederationErrorHeader, reply.error().message);
    }
    return res;
  }
  Response res;
  res.status = 200;
  res.body = std::move(reply).value();
  res.content_type = "application/jwt";
  return NoCache(std::move(res));
}

}  // namespace

void RegisterFederationRoutes(Router& router, const HttpDeps& deps) {
  router.Add("GET", "/api/v1/federation/items", [&deps](Request& req) { return ItemsRoute(deps, req); });
  router.Add("POST", "/api/v1/federation/messages", [&deps](Request& req) { return MessagesRoute(deps, req); });
  router.Add("GET", "/api/v1/platform", [&deps](Request& req) {
    if (deps.ctx->federation_codec == nullptr) {
      return ErrorResponse(deps, req, MakeError(ErrorCode::kUnavailable, "error.keys.unavailable"));
    }
    auto platform = services::ThisPlatform(*deps.ctx);
    if (!platform.ok()) return ErrorResponse(deps, req, platform.error());
    Response res = JsonResponse(200, Json::parse(deps.ctx->federation_codec->PlatformJson(*platform)));
    res.AddHeader("Cache-Control", "public, max-age=300");
    return res;
  });
  router.Add("GET", "/api/v1/federation/peers", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    if (Status admin = services::RequireFederationAdministrator(caller->actor); !admin.ok()) {
      return ErrorResponse(deps, req, admin.error());
    }
    const std::string after = req.Query("cursor");
    auto peers = services::ListPeers(*deps.ctx, after, ports::kMaxPeerPage);
    if (!peers.ok()) return ErrorResponse(deps, req, peers.error());
    const Timestamp now = deps.ctx->clock->Now();
    Json items = Json::array();
    for (const domain::Peer& p : *peers) items.push_back(PeerJson(p, now));
    Json out{{"items", std::move(items)}, {"next_cursor", nullptr}};
    if (peers->size() == static_cast<size_t>(ports::kMaxPeerPage)) out["next_cursor"] = peers->back().code;
    return NoCache(JsonResponse(200, out));
  });
  router.Add("POST", "/api/v1/federation/peers", [&deps](Request& req) { return AddPeerRoute(deps, req); });
  router.Add("POST", "/api/v1/applications/{id}/materials/{code}/peer-licence",
             [&deps](Request& req) { return AttachPeerLicenceRoute(deps, req); });
  router.Add("DELETE", "/api/v1/federation/peers/{code}", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    if (Status admin = services::RequireFederationAdministrator(caller->actor); !admin.ok()) {
      return ErrorResponse(deps, req, admin.error());
    }
    if (Status removed = services::RemovePeer(*deps.ctx, req.Param("code")); !removed.ok()) {
      return ErrorResponse(deps, req, removed.error());
    }
    Response res;
    res.status = 204;
    res.body.clear();
    return res;
  });
}

}  // namespace tongban::http::api
