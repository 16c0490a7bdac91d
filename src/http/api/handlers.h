// Shared helpers of the JSON handlers. Internal to src/http/api.
#pragma once

#include "http/api/json.h"
#include "http/app_routes.h"
#include "http/auth.h"

namespace tongban::http::api {

Response JsonResponse(int status, const Json& body);
// The caller, or an error response to return as is (401, or 403 for a missing CSRF token on a write).
Result<Caller> RequireCaller(const HttpDeps& deps, Request& req, bool write);

void RegisterCatalogueRoutes(Router& router, const HttpDeps& deps);
void RegisterSessionRoutes(Router& router, const HttpDeps& deps);
void RegisterApplicationRoutes(Router& router, const HttpDeps& deps);
void RegisterKeyRoutes(Router& router, const HttpDeps& deps);
void RegisterDatasetRoutes(Router& router, const HttpDeps& deps);

}  // namespace tongban::http::api
