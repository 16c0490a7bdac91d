// Shared helpers of the JSON handlers. Internal to src/http/api.
#pragma once

#include "ports/contact_repository.h"
#include "http/api/json.h"
#include "http/app_routes.h"
#include "http/auth.h"
#include "services/verification.h"
#include "services/bundles.h"
#include "domain/data_flag.h"

namespace tongban::http::api {

Response JsonResponse(int status, const Json& body);
// `res` with Cache-Control: no-store, for answers that hold personal data.
Response NoStore(Response res);
// ?page_size= as a whole number in 1..max; ports::kDefaultPageSize when absent (or `max`, when
// smaller). kInvalidArgument error.page_size otherwise.
Result<int> PageSize(const Request& req, int max);
// The caller, or an error response to return as is (401, or 403 for a missing CSRF token on a write).
Result<Caller> RequireCaller(const HttpDeps& deps, Request& req, bool write);

void RegisterCatalogueRoutes(Router& router, const HttpDeps& deps);
void RegisterSessionRoutes(Router& router, const HttpDeps& deps);
void RegisterApplicationRoutes(Router& router, const HttpDeps& deps);
void RegisterKeyRoutes(Router& router, const HttpDeps& deps);
void RegisterVerificationRoutes(Router& router, const HttpDeps& deps);
// The answer of POST /api/v1/verify: {"valid","status","claims","reasons":[{code,message}],"kind"}.
Json VerificationJson(const HttpDeps& deps, const Request& req, const services::Verification& v);
void RegisterLogRoutes(Router& router, const HttpDeps& deps);
// The access log's JSON shapes (log_api.cc), shared with its page.
Json TreeHeadJson(const ports::LogTree& tree, const ports::TreeHead& head);
Json AccessLogEntryJson(const ports::LogTree& tree, const ports::AccessLogRow& row);
void RegisterLicenceRoutes(Router& router, const HttpDeps& deps);
void RegisterDatasetRoutes(Router& router, const HttpDeps& deps);
void RegisterIdentityRoutes(Router& router, const HttpDeps& deps);
void RegisterDataAccessRoutes(Router& router, const HttpDeps& deps);
void RegisterMyDataRoutes(Router& router, const HttpDeps& deps);
// A data flag's JSON (my_data_api.cc), shared with the pages that link to the API.
Json DataFlagJson(const domain::DataFlag& flag, const domain::Catalogue& catalogue);
void RegisterMessageRoutes(Router& router, const HttpDeps& deps);
// A bundle case's JSON (bundles_api.cc): {"id","bundle","state","deadline","sub_cases":[...],"results":[...]}.
Json BundleCaseJson(const services::BundleView& view);
// PATCH /api/v1/me (contacts_api.cc); ContactJson is what GET /api/v1/me adds of them.
void RegisterContactRoutes(Router& router, const HttpDeps& deps);
// The comprehensive window's visits (window_api.cc).
void RegisterWindowRoutes(Router& router, const HttpDeps& deps);
Json ContactJson(const ports::ContactSettings& contact);
// Appointments and queue tickets (queue_api.cc).
void RegisterQueueRoutes(Router& router, const HttpDeps& deps);
// GET /api/v1/me/home and its suggestions' dismissals (home_api.cc).
void RegisterHomeRoutes(Router& router, const HttpDeps& deps);
// Family proxies (proxies_api.cc): the grants I gave, and the people I act for.
void RegisterProxyRoutes(Router& router, const HttpDeps& deps);
// Decision records: the catalogue's versions and their comparison (decisions_api.cc).
void RegisterDecisionRoutes(Router& router, const HttpDeps& deps);
// Supervision records and the API keys systems push them with (supervision_api.cc).
void RegisterSupervisionRoutes(Router& router, const HttpDeps& deps);
// Ratings, rectifications and their public summary (ratings_api.cc).
void RegisterRatingRoutes(Router& router, const HttpDeps& deps);
// Performance dashboards: the figures of a slice as JSON and CSV (metrics_api.cc).
void RegisterMetricsRoutes(Router& router, const HttpDeps& deps);
// Federation (federation_api.cc): GET /api/v1/platform and the administrators' peers.
void RegisterFederationRoutes(Router& router, const HttpDeps& deps);
// Role grants and their decision records (roles_api.cc, issue 13 item 6).
void RegisterRoleRoutes(Router& router, const HttpDeps& deps);
// Cross-platform data requests (data_requests_api.cc, issue 14 item 5).
void RegisterDataRequestRoutes(Router& router, const HttpDeps& deps);

}  // namespace tongban::http::api
