// RegisterWebRoutes and the pages that belong to no group: home, preferences, sign-in and
// sign-out, static files, and the HTML error pages for unknown addresses.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "http/web/page.h"
#include "services/accounts.h"

namespace tongban::http {
namespace web {
namespace {

constexpr int kPrefsMaxAge = 365 * 24 * 3600;

Response Home(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  Data data = BaseData(site, page, "page.home.title");
  const auto catalogue = site.ctx().Catalogue();
  Data popular{Data::type::list};
  Data bundles{Data::type::list};
  if (catalogue) {
    // 常办事项 from the catalogue's curated lists (popular.yaml): an enterprise agent's, a person's,
    // or both for a visitor.
    std::vector<domain::ApplicantKind> audiences = {domain::ApplicantKind::kPerson, domain::ApplicantKind::kEnterprise};
    if (page.caller) {
      const auto& user = page.caller->actor.user;
      if (user.HasRole(domain::Role::kEnterpriseAgent)) {
        audiences = {domain::ApplicantKind::kEnterprise};
      } else if (user.HasRole(domain::Role::kCitizen)) {
        audiences = {domain::ApplicantKind::kPerson};
      }
    }
    for (const auto audience : audiences) {
      Data items{Data::type::list};
      for (const domain::ServiceItem* item : catalogue->Popular(audience)) {
        Data row;
        row.set("code", item->code);
        row.set("name", item->name.In(page.lang));
        row.set("department", DepartmentName(site, page, item->department));
        row.set("fully_online", item->fully_online);
        items.push_back(row);
      }
      if (items.is_empty_list()) continue;
      Data group;
      const std::string kind = domain::ApplicantKindName(audience);
      group.set("id", "popular-" + kind);
      group.set("heading", page.T(site, "home.popular_" + kind));
      group.set("items", items);
      popular.push_back(group);
    }
    for (const auto& bundle : catalogue->bundles()) {
      Data row;
      row.set("code", bundle.code);
      row.set("name", bundle.name.In(page.lang));
      SetText(row, "description", bundle.description.In(page.lang));
      Data parts{Data::type::list};
      for (const auto& code : bundle.items) {
        Data part;
        part.set("code", code);
        part.set("name", ItemName(site, page, code));
        parts.push_back(part);
      }
      row.set("items", parts);
      bundles.push_back(row);
    }
  }
  data.set("popular", popular);
  data.set("has_popular", !popular.is_empty_list());
  data.set("bundles", bundles);
  data.set("has_bundles", !bundles.is_empty_list());
  return RenderPage(site, page, "home", data);
}

Response Prefs(const Site& site, Request& req) {
  std::string back = req.Query("return");
  if (!IsLocalPath(back)) back = "/";
  Response res = Redirect(back);
  const std::string lang = req.Query("lang");
  const auto chosen = ParseLanguageCode(lang);
  const auto& offered = site.i18n().Offered();
  if (chosen && std::find(offered.begin(), offered.end(), *chosen) != offered.end()) {
    res.AddHeader("Set-Cookie", "lang=" + lang + "; Path=/; Max-Age=" + std::to_string(kPrefsMaxAge) + "; SameSite=Lax");
  }
  const std::string elder = req.Query("elder");
  if (elder == "1" || elder == "0") {
    res.AddHeader("Set-Cookie", "elder=" + elder + "; Path=/; Max-Age=" + std::to_string(elder == "1" ? kPrefsMaxAge : 0) +
                                    "; SameSite=Lax");
  }
  return res;
}

Response Static(const Site& site, Request& req) {
  const std::string name = req.Param("file");
  bool safe = !name.empty() && name.front() != '.' && name.size() < 100;
  for (const char c : name) {
    safe = safe && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.');
  }
  PageRequest page;
  page.req = &req;
  page.lang = RequestLanguage(req, site.i18n().Offered());
  if (!safe) return ErrorPage(site, page, 404, "page.not_found.message");
  std::ifstream in(std::filesystem::path(site.static_dir) / name, std::ios::binary);
  if (!in) return ErrorPage(site, page, 404, "page.not_found.message");
  std::ostringstream body;
  body << in.rdbuf();
  Response res;
  const std::string ext = std::filesystem::path(name).extension().string();
  res.content_type = ext == ".css"   ? "text/css; charset=utf-8"
                     : ext == ".js"  ? "text/javascript; charset=utf-8"
                     : ext == ".svg" ? "image/svg+xml"
                     : ext == ".png" ? "image/png"
                     : ext == ".ico" ? "image/x-icon"
                                     : "application/octet-stream";
  res.body = body.str();
  res.AddHeader("Cache-Control", "public, max-age=3600");
  return res;
}

Data LoginData(const Site& site, const PageRequest& page, const std::string& username, const std::string& back,
               const std::string& error_key, const std::string& login_token) {
  Data data = BaseData(site, page, "page.login.title");
  // What was typed is shown again, unless it cannot be a username at all.
  if (username.size() <= services::kMaxUsernameBytes) SetText(data, "username", username);
  SetText(data, "return", back);
  data.set("login_token", login_token);
  data.set("username_max", std::to_string(services::kMaxUsernameBytes));
  data.set("password_max", std::to_string(services::kMaxPasswordBytes));
  if (!error_key.empty()) {
    Data errors{Data::type::list};
    Data error;
    error.set("href", "#username");
    error.set("text", page.T(site, error_key));
    errors.push_back(error);
    data.set("errors", errors);
    data.set("has_errors", true);
    data.set("login_error", page.T(site, error_key));
    data.set("title", page.T(site, "page.error_prefix") + page.T(site, "page.login.title"));
  }
  return data;
}

// The sign-in form's pre-session token: the browser's own while it has one (several open sign-in
// tabs stay valid), else a new one.
std::string LoginTokenOf(const Site& site, const Request& req) {
  std::string token = req.Cookie(kLoginCookie);
  bool plausible = token.size() >= 32 && token.size() <= 128;
  for (const char c : token) {
    plausible = plausible && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                              c == '-' || c == '_');
  }
  return plausible ? token : site.ctx().ids->NewToken();
}

// The sign-in page, with the pre-session cookie (re)set beside it.
Response LoginPage(const Site& site, const PageRequest& page, const std::string& username, const std::string& back,
                   const std::string& error_key, int status) {
  const std::string token = LoginTokenOf(site, *page.req);
  Response res = RenderPage(site, page, "login", LoginData(site, page, username, back, error_key, token), status);
  res.AddHeader("Set-Cookie", LoginCookie(token, site.deps.web.secure_cookies));
  return res;
}

std::string HomeFor(const PageRequest& page, const domain::User& user) {
  // The reform office's work starts at the escalated rectifications.
  if (user.HasRole(domain::Role::kReformOffice)) return "/office/rectifications";
  for (const auto role : user.roles) {
    if (domain::IsOfficialRole(role)) return "/office";
  }
  return "/me";
}

Response LoginForm(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  std::string back = req.Query("return");
  if (!IsLocalPath(back)) back.clear();
  if (page.caller && !back.empty()) return Redirect(back);
  return LoginPage(site, page, "", back, "", 200);
}

// Sign-in from the form. Login CSRF is refused twice over: the form must carry the pre-session
// token of this browser's kLoginCookie, which a cross-site form can neither read nor send
// (SameSite=Lax), and a browser that names the request's site (Sec-Fetch-Site, Origin, Referer)
// must name this one. The token works without JavaScript and without those headers (our pages'
// Referrer-Policy no-referrer makes a browser send Origin "null" for this very form); the site
// check also stops a sibling subdomain that could plant its own kLoginCookie.
Response LoginSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!CheckOrigin(req, site.deps.web.public_url, /*null_origin_ok=*/true).ok()) {
    return ErrorPage(site, page, 403, "error.auth.origin");
  }
  const auto form = FormOf(req);
  const std::string username = FormValue(form, "username");
  const std::string password = FormValue(form, "password");
  std::string back = FormValue(form, "return");
  if (!IsLocalPath(back)) back.clear();
  if (!LoginTokenMatches(req, FormValue(form, "login_token"))) {
    return LoginPage(site, page, username, back, "error.login.form_expired", 400);
  }
  if (username.empty() || password.empty()) return LoginPage(site, page, username, back, "error.login.missing", 400);
  // The session cookie sent with the sign-in (another person's, on a shared computer) is ended.
  auto signed_in = services::Login(site.ctx(), username, password, req.remote_address, req.Cookie(kSessionCookie));
  if (!signed_in.ok()) {
    const Error& error = signed_in.error();
    const int status = HttpStatus(error.code);
    const std::string key = status >= 500 ? "error.internal" : error.message;
    return LoginPage(site, page, username, back, key, status);
  }
  Response res = Redirect(back.empty() ? HomeFor(page, signed_in->user) : back);
  const auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(services::kSessionLifetime).count();
  res.AddHeader("Set-Cookie", SessionCookie(signed_in->token, static_cast<int>(lifetime), site.deps.web.secure_cookies));
  res.AddHeader("Set-Cookie", LoginCookie("", site.deps.web.secure_cookies));
  return res;
}

Response Logout(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  Response res = Redirect("/");
  if (page.caller) {
    const auto form = FormOf(req);
    if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
      return ErrorPage(site, page, 403, "error.auth.csrf");
    }
    const Status status = services::Logout(site.ctx(), SessionToken(req));
    if (!status.ok()) return ErrorPageFor(site, page, status.error());
  }
  res.AddHeader("Set-Cookie", SessionCookie("", 0, site.deps.web.secure_cookies));
  return res;
}

}  // namespace
}  // namespace web

Status RegisterWebRoutes(Router& router, const HttpDeps& deps) {
  auto renderer = web::Renderer::Load(deps.web.web_dir, *deps.i18n);
  if (!renderer.ok()) return renderer.take_error();
  auto site = std::make_shared<web::Site>();
  site->deps = deps;
  site->renderer = std::move(renderer.value());
  site->static_dir = deps.web.web_dir + "/static";
  std::shared_ptr<const web::Site> s = site;

  router.Add("GET", "/", [s](Request& req) { return web::Home(*s, req); });
  router.Add("GET", "/prefs", [s](Request& req) { return web::Prefs(*s, req); });
  router.Add("GET", "/static/{file}", [s](Request& req) { return web::Static(*s, req); });
  router.Add("GET", "/login", [s](Request& req) { return web::LoginForm(*s, req); });
  router.Add("POST", "/login", [s](Request& req) { return web::LoginSubmit(*s, req); });
  router.Add("POST", "/logout", [s](Request& req) { return web::Logout(*s, req); });
  web::RegisterCataloguePages(router, s);
  web::RegisterApplyPages(router, s);
  web::RegisterApplicationPages(router, s);
  web::RegisterOfficePages(router, s);
  web::RegisterEnterprisePages(router, s);
  web::RegisterDownloadPages(router, s);
  web::RegisterVerifyPages(router, s);
  web::RegisterAccessLogPages(router, s);
  web::RegisterConsentPages(router, s);
  web::RegisterLicencePages(router, s);
  web::RegisterIdentityPages(router, s);
  web::RegisterMyDataPages(router, s);
  web::RegisterMessagePages(router, s);
  web::RegisterBundlePages(router, s);
  web::RegisterSettingsPages(router, s);
  web::RegisterQueuePages(router, s);
  web::RegisterWindowPages(router, s);
  web::RegisterHomePages(router, s);
  web::RegisterKioskPages(router, s);
  web::RegisterProxyPages(router, s);
  web::RegisterCrossProvincePages(router, s);
  web::RegisterDecisionPages(router, s);
  web::RegisterProactivePages(router, s);
  web::RegisterSupervisionPages(router, s);
  web::RegisterRatingPages(router, s);
  web::RegisterMetricsPages(router, s);
  web::RegisterFederationPages(router, s);
  web::RegisterRolePages(router, s);
  web::RegisterApiKeyPages(router, s);
  web::RegisterEnterpriseAccessPages(router, s);
  web::RegisterDataRequestPages(router, s);

  // Browsers get pages for unknown addresses; API clients get the JSON error.
  router.SetFallback([s](Request& req, int status) {
    if (req.path.rfind("/api/", 0) == 0 || req.path.rfind("/.well-known/", 0) == 0) {
      Response res = ErrorResponse(s->deps, req, MakeError(status == 405 ? ErrorCode::kInvalidArgument : ErrorCode::kNotFound,
                                                           status == 405 ? "error.method_not_allowed" : "error.not_found"));
      res.status = status;
      return res;
    }
    web::PageRequest page = web::StartPage(*s, req);
    return web::ErrorPage(*s, page, status, status == 405 ? "page.method_not_allowed.message" : "page.not_found.message");
  });
  return Ok();
}

}  // namespace tongban::http
