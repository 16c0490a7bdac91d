// What every page handler shares: the request's language, elder mode and caller, the header
// and footer data, HTML responses, redirects and error pages.
// Thread-safety: a Site is immutable after construction and shared by all request threads.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/app_routes.h"
#include "http/status.h"
#include "http/auth.h"
#include "http/web/render.h"
#include "services/proactive.h"

namespace tongban::http::web {

struct Site {
  HttpDeps deps;  // a copy: the pointers in it outlive the router
  std::shared_ptr<const Renderer> renderer;
  std::string static_dir;

  const services::Context& ctx() const { return *deps.ctx; }
  const Translator& i18n() const { return *deps.i18n; }
};

// One request as a page sees it.
struct PageRequest {
  Request* req = nullptr;
  domain::Language lang = domain::Language::kZh;
  bool elder = false;
  std::optional<Caller> caller;  // set when signed in

  std::string T(const Site& site, std::string_view key, std::string_view detail = "") const {
    return site.i18n().T(lang, key, detail);
  }
};

PageRequest StartPage(const Site& site, Request& req);

// The data every page has (header, footer, language and elder switches), plus `title_key`.
Data BaseData(const Site& site, const PageRequest& page, std::string_view title_key, std::string_view title_detail = "");

// Sets `key` only when `value` is not empty: mustache treats "" as true in sections.
inline void SetText(Data& data, const std::string& key, const std::string& value) {
  if (!value.empty()) data.set(key, value);
}

// Renders `template_name` as a full HTML response.
Response RenderPage(const Site& site, const PageRequest& page, std::string_view template_name, const Data& data,
                    int status = 200);

// A rendered error page for `status` (403, 404, 409, 500, ...) with the message key.
Response ErrorPage(const Site& site, const PageRequest& page, int status, std::string_view message_key,
                   std::string_view detail = "");
// Maps a service error to a page: kUnauthenticated redirects to sign-in, the others render.
Response ErrorPageFor(const Site& site, const PageRequest& page, const Error& error);

Response Redirect(std::string_view location);  // 303 See Other
Response SignInRedirect(const PageRequest& page);

// True when `path` is a local path on this site ("/x", not "//host", no scheme, no backslash).
bool IsLocalPath(std::string_view path);
// Percent-encodes `text` for a query value.
std::string UrlEncode(std::string_view text);

// The request body as form fields (application/x-www-form-urlencoded).
std::multimap<std::string, std::string> FormOf(const Request& req);
std::string FormValue(const std::multimap<std::string, std::string>& form, std::string_view name);

// The text of a service error message key, with detail when the key has one.
std::string ErrorText(const Site& site, const PageRequest& page, const Error& error);

// Labels with fallbacks when a text is missing: "state.<name>", "action.<name>", ...
std::string TextOr(const Site& site, const PageRequest& page, const std::string& key, const std::string& fallback);

// Shared views of domain values.
Data StateTag(const Site& site, const PageRequest& page, domain::ApplicationState state);
std::string ItemName(const Site& site, const PageRequest& page, const std::string& item_code);
std::string DepartmentName(const Site& site, const PageRequest& page, const std::string& code);
std::string FormatTime(Timestamp at);
Date Today(const Site& site);

// Routes of each group of pages.
void RegisterCataloguePages(Router& router, std::shared_ptr<const Site> site);
void RegisterApplyPages(Router& router, std::shared_ptr<const Site> site);
void RegisterApplicationPages(Router& router, std::shared_ptr<const Site> site);
void RegisterOfficePages(Router& router, std::shared_ptr<const Site> site);

// Applications as pages show them (office_pages.cc): the applicant's name and masked resident id
// ("applicant_name", "applicant_id"), and the rows of an applications table; `colleagues` (the
// caller's department's officials, by id), when given, adds the assignee and the assign buttons.
void SetApplicant(Data& row, const domain::Application& app);
Data ApplicationTableRows(const Site& site, const PageRequest& page, const std::vector<domain::Application>& apps,
                          const std::map<std::string, domain::User>* colleagues);
// Sets "acting_for" to the text `key` naming `enterprise` (its name when the caller may act for it,
// else its code); nothing when `enterprise` is "" (enterprise_pages.cc).
void SetActingFor(const Site& site, const PageRequest& page, Data& data, const std::string& enterprise,
                  std::string_view key);

void RegisterEnterprisePages(Router& router, std::shared_ptr<const Site> site);
void RegisterDownloadPages(Router& router, std::shared_ptr<const Site> site);
void RegisterVerifyPages(Router& router, std::shared_ptr<const Site> site);
void RegisterAccessLogPages(Router& router, std::shared_ptr<const Site> site);
void RegisterLicencePages(Router& router, std::shared_ptr<const Site> site);
void RegisterIdentityPages(Router& router, std::shared_ptr<const Site> site);
void RegisterConsentPages(Router& router, std::shared_ptr<const Site> site);
void RegisterMyDataPages(Router& router, std::shared_ptr<const Site> site);
// Eligibility (eligibility_view.cc): sets "eligibility" on the item page (the rules; to a signed-in
// person, whether they qualify) and on the case page for an official (the applicant's check).
void SetItemEligibility(const Site& site, const PageRequest& page, const domain::ServiceItem& item, Data& data);
void SetCaseEligibility(const Site& site, const PageRequest& page, const domain::Application& app, Data& data);
void RegisterMessagePages(Router& router, std::shared_ptr<const Site> site);
// The bundle apply pages and the bundle case page (bundle_pages.cc, issue 11 item 1).
void RegisterBundlePages(Router& router, std::shared_ptr<const Site> site);
void RegisterSettingsPages(Router& router, std::shared_ptr<const Site> site);
// Appointments, queue tickets and the calling display (queue_pages.cc, issue 11 item 4).
void RegisterQueuePages(Router& router, std::shared_ptr<const Site> site);
// The comprehensive window's console (window_pages.cc, issue 11 item 3).
void RegisterWindowPages(Router& router, std::shared_ptr<const Site> site);
// /me, the homepage after sign-in, and its suggestions' dismissals (home_pages.cc).
void RegisterHomePages(Router& router, std::shared_ptr<const Site> site);
// Kiosk mode (kiosk_pages.cc, issue 11 item 5).
void RegisterKioskPages(Router& router, std::shared_ptr<const Site> site);
// Family proxies (proxy_pages.cc): /me/proxies; ProxyForText is the apply form's "you are applying
// for <name>" for a proxy acting for `person_id` on `item`, kPermissionDenied
// (error.proxy.no_rights) when the caller may not.
void RegisterProxyPages(Router& router, std::shared_ptr<const Site> site);
// Cross-province applications (cross_province_pages.cc, issue 14 item 4): /cross-province and its
// apply form; SetCrossProvinceSummary sets "cross_province" on the case page ("waiting for
// Zhejiang", the peer's reference, where the result is delivered) and, on the origin's copy, the
// item's and department's names as the handler gave them.
void RegisterCrossProvincePages(Router& router, std::shared_ptr<const Site> site);
void SetCrossProvinceSummary(const Site& site, const PageRequest& page, const domain::Application& app, Data& data);
// Decision records: the catalogue's versions and their comparison (decision_pages.cc).
void RegisterDecisionPages(Router& router, std::shared_ptr<const Site> site);
void RegisterRatingPages(Router& router, std::shared_ptr<const Site> site);
void RegisterMetricsPages(Router& router, std::shared_ptr<const Site> site);
Result<std::string> ProxyForText(const Site& site, const PageRequest& page, const std::string& person_id,
                                 const std::string& item);
// Benefits without applying (proactive_pages.cc): /applications/{id}/offer, and OfferCards, the
// homepage's cards of the person's open offers (for the _offer partial).
void RegisterProactivePages(Router& router, std::shared_ptr<const Site> site);
Data OfferCards(const Site& site, const PageRequest& page, const std::vector<services::OfferView>& offers);

// Supervision records (supervision_pages.cc, issue 13 item 4): /office/supervision; on a
// reviewer's case page of an enterprise's application, "supervision" (the summary, a logged read);
// on an enterprise homepage, "home_supervision" and its rows (the agent's own read, logged).
void RegisterSupervisionPages(Router& router, std::shared_ptr<const Site> site);
void SetCaseSupervision(const Site& site, const PageRequest& page, const domain::Application& app, Data& data);
void SetHomeSupervision(const Site& site, const PageRequest& page, const std::string& enterprise, Data& data);
// Federation peers for administrators (federation_pages.cc, issue 14): /office/federation.
void RegisterFederationPages(Router& router, std::shared_ptr<const Site> site);
// Role grants and their decision records (role_pages.cc, issue 13 item 6): /office/roles,
// /office/decisions/roles and its comparison; the API keys page (api_key_pages.cc): /office/api-keys;
// the enterprise's "who read our data" (enterprise_access_pages.cc): /enterprises/{code}/access-log.
void RegisterRolePages(Router& router, std::shared_ptr<const Site> site);
void RegisterApiKeyPages(Router& router, std::shared_ptr<const Site> site);
void RegisterEnterpriseAccessPages(Router& router, std::shared_ptr<const Site> site);
// Cross-platform data requests for officials of a department (data_request_pages.cc, issue 14
// item 5): /office/data-requests.
void RegisterDataRequestPages(Router& router, std::shared_ptr<const Site> site);

}  // namespace tongban::http::web
