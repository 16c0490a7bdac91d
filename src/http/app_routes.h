// Registers every route of the server: the JSON API (api/) and the pages (web/).
// Thread-safety: call before serving.
#pragma once

#include <string>

#include "http/i18n.h"
#include "http/router.h"
#include "ports/outbound_http.h"
#include "services/context.h"

namespace tongban::services {
class FederationHandlers;
}  // namespace tongban::services

namespace tongban::http {

struct WebOptions {
  std::string web_dir = "web";       // templates/, static/, i18n/
  std::string openapi_path = "docs/openapi.json";
  bool secure_cookies = true;        // Secure cookies: off only for plain-HTTP demos on loopback
  // "https://host[:port]" people use to reach the server; sign-in refuses a browser Origin other
  // than this one. Empty: the origin must match the Host header (a proxy must forward Host).
  std::string public_url;
};

struct HttpDeps {
  services::Context* ctx = nullptr;
  const Translator* i18n = nullptr;
  WebOptions web;
  // The outbound HTTP client (federation peers are fetched through it); none when null.
  ports::OutboundHttp* outbound = nullptr;
  // POST /api/v1/verify's requests per client address per minute (config verify.requests_per_minute);
  // 0: no limit.
  int verify_per_minute = 120;
  // Handlers of federation messages by kind (POST /api/v1/federation/messages); none when null.
  const services::FederationHandlers* federation_handlers = nullptr;
};

// Maps an error to the API's status and body {"error":{"code","message","request_id","fields"}}.
Response ErrorResponse(const HttpDeps& deps, const Request& req, const Error& error);

void RegisterApiRoutes(Router& router, const HttpDeps& deps);
// Returns an error when templates cannot be read.
Status RegisterWebRoutes(Router& router, const HttpDeps& deps);

}  // namespace tongban::http
