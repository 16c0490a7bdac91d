// GET /.well-known/jwks.json: every public key of the platform's key store (active and retired)
// as RFC 8037 OKP Ed25519 JWKs, so that any JOSE library verifies what Tongban signs.
#include "http/api/handlers.h"
#include "services/keys.h"

namespace tongban::http::api {

void RegisterKeyRoutes(Router& router, const HttpDeps& deps) {
  router.Add("GET", "/.well-known/jwks.json", [&deps](Request& req) {
    auto keys = services::ListPublicKeys(*deps.ctx);
    if (!keys.ok()) return ErrorResponse(deps, req, keys.error());
    Json list = Json::array();
    for (const auto& key : *keys) {
      list.push_back({{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", key.x}, {"kid", key.kid}, {"use", "sig"},
                      {"alg", "EdDSA"}});
    }
    Response res = JsonResponse(200, Json{{"keys", std::move(list)}});
    res.content_type = "application/jwk-set+json";
    // A rotated key appears within this time; old keys never leave, so a stale copy still verifies
    // everything signed before the rotation.
    res.AddHeader("Cache-Control", "public, max-age=300");
    return res;
  });
}

}  // namespace tongban::http::api
