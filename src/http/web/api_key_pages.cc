// Supervision systems' API keys for administrators (issue 13 item 4): /office/api-keys lists the
// keys (never the key: a fingerprint of its stored hash, the system, the department, who created
// it and when, whether it is revoked), creates one (the key is shown once, on the page that answers
// the POST, with Cache-Control: no-store) and revokes one. Plain forms with the CSRF token: they
// work without JavaScript.
#include "http/web/forms.h"
#include "http/web/page.h"
#include "http/web/render.h"
#include "services/api_keys.h"

namespace tongban::http::web {
namespace {

constexpr size_t kFingerprintChars = 12;

bool IsAdmin(const PageRequest& page) {
  return page.caller && services::RequireKeyAdministrator(page.caller->actor).ok();
}

struct Typed {
  std::string department;
  std::string name;
};

Response Render(const Site& site, PageRequest& page, const Typed& typed, const Error* error,
                const services::NewApiKey* created, const std::string& notice) {
  Data data = BaseData(site, page, "page.api_keys.title");
  auto keys = services::ListApiKeys(site.ctx());
  if (!keys.ok()) return ErrorPageFor(site, page, keys.error());
  Data rows{Data::type::list};
  for (const ports::ApiKey& k : *keys) {
    Data row;
    row.set("id", k.id);
    row.set("name", k.name);
    row.set("department", DepartmentName(site, page, k.department));
    row.set("fingerprint", k.key_hash.substr(0, kFingerprintChars));
    row.set("created", page.T(site, "api_keys.created_text", FormatTime(k.created_at) + " · " + k.created_by));
    if (k.revoked_at) {
      row.set("state", page.T(site, "api_keys.revoked_text", FormatTime(*k.revoked_at) + " · " + k.revoked_by));
    } else {
      row.set("state", page.T(site, "api_keys.active"));
      row.set("revocable", true);
    }
    rows.push_back(row);
  }
  data.set("keys", rows);
  data.set("has_keys", !keys->empty());
  data.set("keys_caption", page.T(site, "api_keys.caption"));
  Data departments{Data::type::list};
  for (const domain::Department& d : site.ctx().Catalogue()->departments()) {
    Data option;
    option.set("code", d.code);
    option.set("label", d.name.In(page.lang) + " (" + d.code + ")");
    option.set("selected", d.code == typed.department);
    departments.push_back(option);
  }
  data.set("departments", departments);
  data.set("name", typed.name);
  if (created != nullptr) {
    Data secret;
    secret.set("key", created->secret);
    secret.set("name", created->key.name);
    secret.set("fingerprint", created->key.key_hash.substr(0, kFingerprintChars));
    data.set("created", secret);
  }
  if (error != nullptr) {
    const std::string anchor = error->message == "error.api_key.department" ? "key-department" : "key-name";
    const std::string text = AddOneErrorSummary(site, page, *error, data, "#" + anchor);
    data.set(anchor == "key-department" ? "key_department_error" : "key_name_error", text);
    MarkErrorTitle(site, page, data, page.T(site, "page.api_keys.title"));
  } else if (!notice.empty()) {
    data.set("notice", notice);
  }
  return RenderPage(site, page, "api_keys", data,
                            error == nullptr ? (created != nullptr ? 201 : 200) : HttpStatus(error->code));
}

Response KeysPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  if (!IsAdmin(page)) return ErrorPage(site, page, 403, "error.api_key.admin_only");
  std::string notice;
  if (!req.Query("revoked").empty()) notice = page.T(site, "api_keys.revoked_notice", req.Query("revoked"));
  return Render(site, page, {}, nullptr, nullptr, notice);
}

Response CreateSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  if (!IsAdmin(page)) return ErrorPage(site, page, 403, "error.api_key.admin_only");
  Typed typed{FormValue(form, "department"), FormValue(form, "name")};
  auto created = services::CreateApiKeyAs(site.ctx(), page.caller->actor, typed.department, typed.name);
  if (!created.ok()) {
    if (created.error().code != ErrorCode::kInvalidArgument) return ErrorPageFor(site, page, created.error());
    return Render(site, page, typed, &created.error(), nullptr, "");
  }
  // The only time the key is shown: this answer is not stored by the browser or a proxy (RenderPage
  // answers every page with Cache-Control: no-store), and a GET of the page never shows it.
  return Render(site, page, {}, nullptr, &*created, "");
}

Response RevokeSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  if (!IsAdmin(page)) return ErrorPage(site, page, 403, "error.api_key.admin_only");
  auto revoked = services::RevokeApiKeyAs(site.ctx(), page.caller->actor, req.Param("id"));
  if (!revoked.ok()) return ErrorPageFor(site, page, revoked.error());
  return Redirect("/office/api-keys?revoked=" + UrlEncode(revoked->name));
}

}  // namespace

void RegisterApiKeyPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/office/api-keys", [site](Request& req) { return KeysPage(*site, req); });
  router.Add("POST", "/office/api-keys", [site](Request& req) { return CreateSubmit(*site, req); });
  router.Add("POST", "/office/api-keys/{id}/revoke", [site](Request& req) { return RevokeSubmit(*site, req); });
}

}  // namespace tongban::http::web
