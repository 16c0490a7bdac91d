// Kiosk mode (/kiosk, issue 11 item 5): a full-screen, touch-friendly flow at a service centre's
// kiosk, one step per screen, that works without JavaScript: start → scan or type the identity
// code → pick a common service the kiosk offers → confirm the pre-filled data → submit → receipt
// (print or show). The kiosk's centre comes from /kiosk?centre=CODE and stays on the device in a
// cookie; the person's session (services/kiosk.h) lives in its own cookie, sent to /kiosk only,
// and ends 60 s after the last touch: on the server (sliding expiry), by /static/kiosk.js (posts
// the sign-out and replaces the location) and, without JavaScript, by a meta refresh to the
// sign-out. Every response is no-store; every step after a form is POST-redirect-GET; no URL
// carries personal data. The site's own session cookie is never read here.
// Signed in, the person may also rate a finished service (issue 13 item 1): /kiosk/rate lists
// their ended, not yet rated cases a page at a time, /kiosk/rate/{id} is the five-level form
// (channel kiosk), after which the list shows again with a thank-you.
#include <set>

#include "domain/licence.h"
#include "domain/workflow.h"
#include "http/web/forms.h"
#include "http/web/page.h"
#include "http/web/rating_form.h"
#include "services/applications.h"
#include "services/data_access.h"
#include "services/kiosk.h"
#include "services/ratings.h"

namespace tongban::http::web {
namespace {

constexpr char kKioskCookie[] = "tongban_kiosk";          // the person's kiosk session
constexpr char kCentreCookie[] = "tongban_kiosk_centre";  // the device's centre
constexpr char kFormCookie[] = "tongban_kiosk_form";      // the code form's pre-session token
constexpr int kCentreMaxAge = 10 * 365 * 24 * 3600;

std::string KioskCookie(const Site& site, std::string_view name, const std::string& value, int max_age) {
  std::string cookie = std::string(name) + "=" + value + "; Path=/kiosk; HttpOnly; SameSite=Strict";
  if (max_age >= 0) cookie += "; Max-Age=" + std::to_string(max_age);
  if (site.deps.web.secure_cookies) cookie += "; Secure";
  return cookie;
}

// One kiosk request: the language and elder mode as everywhere, the device's centre and, when a
// kiosk session is open, its person (the sliding expiry moved by this request).
struct Kiosk {
  PageRequest page;
  std::string centre;
  std::optional<services::Authenticated> auth;
  std::optional<services::Actor> actor;
};

Kiosk StartKiosk(const Site& site, Request& req) {
  Kiosk k;
  k.page.req = &req;
  k.page.lang = RequestLanguage(req, site.i18n().Offered());
  k.page.elder = req.Cookie("elder") == "1";
  const auto catalogue = site.ctx().Catalogue();
  if (catalogue) k.centre = services::KioskCentre(*catalogue, req.Cookie(kCentreCookie));
  const std::string token = req.Cookie(kKioskCookie);
  if (!token.empty()) {
    auto auth = services::AuthenticateKiosk(site.ctx(), token);
    if (auth.ok()) {
      k.actor = services::KioskActor(*auth, k.centre, req.remote_address);
      k.auth = std::move(auth).value();
    }
  }
  return k;
}

Data KioskData(const Site& site, const Kiosk& k, std::string_view title_key) {
  Data data = BaseData(site, k.page, title_key);
  // Not the site's header: the kiosk shows its own bar (language, elder mode, sign-out).
  data.set("signed_in", false);
  if (k.auth) {
    data.set("kiosk_signed_in", true);
    data.set("csrf_token", k.auth->session.csrf_token);
    data.set("idle_seconds", std::to_string(services::kKioskIdle.count()));
  }
  const auto catalogue = site.ctx().Catalogue();
  const domain::ServiceCentre* centre = catalogue ? catalogue->FindCentre(k.centre) : nullptr;
  if (centre != nullptr) data.set("centre_name", centre->name.In(k.page.lang));
  return data;
}

Response KioskRender(const Site& site, const Kiosk& k, std::string_view name, const Data& data, int status = 200) {
  return RenderPage(site, k.page, name, data, status);  // Cache-Control: no-store, as every page
}

Response KioskError(const Site& site, const Kiosk& k, int status, const std::string& message) {
  Data data = KioskData(site, k, "page.kiosk.error_title");
  data.set("message", message);
  return KioskRender(site, k, "kiosk_error", data, status);
}

Response KioskErrorFor(const Site& site, const Kiosk& k, const Error& error) {
  if (error.code == ErrorCode::kUnauthenticated) return Redirect("/kiosk?signed_out=1");
  const int status = error.code == ErrorCode::kNotFound ? 404 : HttpStatus(error.code);
  const std::string key = error.code == ErrorCode::kNotFound ? "page.not_found.message" : error.message;
  return KioskError(site, k, status, ErrorText(site, k.page, MakeError(error.code, key)));
}

// Ends the session of this request's kiosk cookie, if any, and clears the cookie.
void EndSession(const Site& site, const Request& req, Response& res) {
  const std::string token = req.Cookie(kKioskCookie);
  if (!token.empty()) (void)services::Logout(site.ctx(), token);
  res.AddHeader("Set-Cookie", KioskCookie(site, kKioskCookie, "", 0));
}

// GET /kiosk: the start screen. ?centre=CODE sets up the device; the start screen is a new
// person's, so a session still open on the device ends here.
Response Start(const Site& site, Request& req) {
  const std::string centre_param = req.Query("centre");
  if (!centre_param.empty()) {
    const auto catalogue = site.ctx().Catalogue();
    const std::string centre = catalogue ? services::KioskCentre(*catalogue, centre_param) : "";
    if (centre.empty()) {
      Kiosk k = StartKiosk(site, req);
      return KioskError(site, k, 400, k.page.T(site, "error.kiosk.unknown_centre"));
    }
    Response res = Redirect("/kiosk");
    res.AddHeader("Set-Cookie", KioskCookie(site, kCentreCookie, centre, kCentreMaxAge));
    return res;
  }
  Kiosk k = StartKiosk(site, req);
  k.auth.reset();
  k.actor.reset();
  Data data = KioskData(site, k, "page.kiosk.start_title");
  if (!k.centre.empty()) {
    data.set("ready", true);
    data.set("ticket_href", "/service-centres/" + k.centre + "/ticket");
  }
  if (req.Query("signed_out") == "1") data.set("signed_out", true);
  Response res = KioskRender(site, k, "kiosk_start", data);
  if (!req.Cookie(kKioskCookie).empty()) EndSession(site, req, res);
  return res;
}

// The code screen, with the form's pre-session token (a double-submit cookie).
Response CodeScreen(const Site& site, const Kiosk& k, const std::string& error_key, int status) {
  Data data = KioskData(site, k, "page.kiosk.code_title");
  std::string token = k.page.req->Cookie(kFormCookie);
  if (token.size() < 20 || token.size() > 64) token = site.ctx().ids->NewToken();
  data.set("form_token", token);
  if (!error_key.empty()) {
    data.set("code_error", k.page.T(site, error_key));
    data.set("title", k.page.T(site, "page.error_prefix") + k.page.T(site, "page.kiosk.code_title"));
  }
  Response res = KioskRender(site, k, "kiosk_code", data, status);
  res.AddHeader("Set-Cookie", KioskCookie(site, kFormCookie, token, -1));
  return res;
}

Response Code(const Site& site, Request& req) {
  Kiosk k = StartKiosk(site, req);
  if (k.centre.empty()) return Redirect("/kiosk");
  if (k.auth) return Redirect("/kiosk/services");
  return CodeScreen(site, k, "", 200);
}

// POST /kiosk/sign-in: the identity code the scanner typed (or the person did).
Response SignIn(const Site& site, Request& req) {
  Kiosk k = StartKiosk(site, req);
  k.auth.reset();
  if (k.centre.empty()) return Redirect("/kiosk");
  if (!CheckOrigin(req, site.deps.web.public_url, /*null_origin_ok=*/true).ok()) {
    return CodeScreen(site, k, "error.auth.origin", 403);
  }
  const auto form = FormOf(req);
  const std::string expected = req.Cookie(kFormCookie);
  if (expected.empty() || FormValue(form, "form_token") != expected) {
    return CodeScreen(site, k, "error.login.form_expired", 400);
  }
  auto opened = services::OpenKioskSession(site.ctx(), FormValue(form, "code"), req.Cookie(kKioskCookie));
  if (!opened.ok()) {
    if (opened.error().code != ErrorCode::kUnauthenticated) return KioskErrorFor(site, k, opened.error());
    return CodeScreen(site, k, opened.error().message, 401);
  }
  Response res = Redirect("/kiosk/services");
  res.AddHeader("Set-Cookie", KioskCookie(site, kKioskCookie, opened->token, -1));
  res.AddHeader("Set-Cookie", KioskCookie(site, kFormCookie, "", 0));
  return res;
}

// GET /kiosk/services: the common services the kiosk offers.
Response Services(const Site& site, Request& req) {
  Kiosk k = StartKiosk(site, req);
  if (!k.auth) return Redirect("/kiosk?signed_out=1");
  Data data = KioskData(site, k, "page.kiosk.services_title");
  data.set("person_name", k.auth->user.display_name);
  Data items{Data::type::list};
  const auto catalogue = site.ctx().Catalogue();
  if (catalogue) {
    for (const domain::ServiceItem* item : services::KioskServices(*catalogue)) {
      Data row;
      row.set("href", "/kiosk/apply/" + item->code);
      row.set("name", item->name.In(k.page.lang));
      row.set("department", DepartmentName(site, k.page, item->department));
      items.push_back(row);
    }
  }
  data.set("has_items", !items.is_empty_list());
  data.set("items", items);
  return KioskRender(site, k, "kiosk_services", data);
}

const domain::ServiceItem* KioskItem(const domain::Catalogue& catalogue, const std::string& code) {
  const domain::ServiceItem* item = catalogue.FindItem(code);
  if (item == nullptr) return nullptr;
  for (const domain::ServiceItem* offered : services::KioskServices(catalogue)) {
    if (offered == item) return item;
  }
  return nullptr;
}

// The confirm screen: what the platform fills in (read now, and logged in the person's access log
// as on the web) and the answers the person gives, with `values` and `errors` after a wrong form.
Response Confirm(const Site& site, const Kiosk& k, const domain::ServiceItem& item,
                 const std::map<std::string, std::string>& values, const Error* error) {
  Data data = KioskData(site, k, "page.kiosk.confirm_title");
  data.set("item_name", item.name.In(k.page.lang));
  data.set("department", DepartmentName(site, k.page, item.department));
  data.set("action", "/kiosk/apply/" + item.code);
  std::map<std::string, std::string> field_errors;
  if (error != nullptr) {
    field_errors = AddErrorSummary(site, k.page, *error, data);
    MarkErrorTitle(site, k.page, data, k.page.T(site, "page.kiosk.confirm_title"));
  }
  auto read = services::Prefill(site.ctx(), *k.actor, item.code, "");
  if (!read.ok()) return KioskErrorFor(site, k, read.error());
  Data sourced{Data::type::list};
  Data fields{Data::type::list};
  for (const auto& field : item.fields) {
    if (field.source) {
      Data row;
      row.set("label", field.label.In(k.page.lang));
      const auto value = read->fields.find(field.name);
      if (value != read->fields.end() && !value->second.value.empty()) {
        // A screen in a public hall: an identity number shows masked, as on the identity code.
        row.set("value", field.type == domain::FieldType::kIdNumber ? domain::MaskHolderId(value->second.value)
                                                                    : value->second.value);
      } else {
        row.set("value", k.page.T(site, "kiosk.fetched_later"));
      }
      sourced.push_back(row);
      continue;
    }
    const auto given = values.find(field.name);
    const auto err = field_errors.find(field.name);
    fields.push_back(FieldView(site, k.page, field, given != values.end() ? given->second : "",
                               err != field_errors.end() ? err->second : ""));
  }
  data.set("sourced", sourced);
  data.set("has_sourced", !sourced.is_empty_list());
  data.set("fields", fields);
  data.set("has_fields", !fields.is_empty_list());
  return KioskRender(site, k, "kiosk_confirm", data, error != nullptr ? HttpStatus(error->code) : 200);
}

Response ApplyForm(const Site& site, Request& req) {
  Kiosk k = StartKiosk(site, req);
  if (!k.auth) return Redirect("/kiosk?signed_out=1");
  const auto catalogue = site.ctx().Catalogue();
  const domain::ServiceItem* item = catalogue ? KioskItem(*catalogue, req.Param("code")) : nullptr;
  if (item == nullptr) return KioskError(site, k, 404, k.page.T(site, "error.kiosk.not_offered"));
  return Confirm(site, k, *item, {}, nullptr);
}

// A kiosk form's CSRF token, checked against the kiosk session: the refusal to answer, or nullopt.
std::optional<Response> RefuseKioskForm(const Site& site, Kiosk& k, const Request& req,
                                        const std::multimap<std::string, std::string>& form) {
  Caller caller;
  caller.session = k.auth->session;
  caller.via_cookie = true;
  if (CheckCsrf(caller, req, FormValue(form, "csrf_token")).ok()) return std::nullopt;
  return KioskError(site, k, 403, k.page.T(site, "error.auth.csrf"));
}

Response ApplySubmit(const Site& site, Request& req) {
  Kiosk k = StartKiosk(site, req);
  if (!k.auth) return Redirect("/kiosk?signed_out=1");
  const auto form = FormOf(req);
  if (auto refused = RefuseKioskForm(site, k, req, form)) return *refused;
  const auto catalogue = site.ctx().Catalogue();
  const domain::ServiceItem* item = catalogue ? KioskItem(*catalogue, req.Param("code")) : nullptr;
  if (item == nullptr) return KioskError(site, k, 404, k.page.T(site, "error.kiosk.not_offered"));
  // Only the answers the person gives: what the platform fills in is never taken from the form.
  std::map<std::string, std::string> fields;
  for (const auto& field : item->fields) {
    if (field.source) continue;
    const std::string value = FormValue(form, field.name);
    if (!value.empty()) fields[field.name] = value;
  }
  auto app = services::SubmitAtKiosk(site.ctx(), *k.actor, item->code, fields);
  if (!app.ok()) {
    if (app.error().code == ErrorCode::kInvalidArgument) return Confirm(site, k, *item, fields, &app.error());
    return KioskErrorFor(site, k, app.error());
  }
  return Redirect("/kiosk/receipt/" + app->id);
}

// GET /kiosk/receipt/{id}: reference, item, department, deadline; printable (print stylesheet);
// ?view=show shows the reference alone in very large type, to show at a window or photograph.
Response Receipt(const Site& site, Request& req) {
  Kiosk k = StartKiosk(site, req);
  if (!k.auth) return Redirect("/kiosk?signed_out=1");
  auto app = services::GetApplication(site.ctx(), *k.actor, req.Param("id"));
  if (!app.ok()) return KioskErrorFor(site, k, app.error());
  Data data = KioskData(site, k, "page.kiosk.receipt_title");
  data.set("reference", app->reference);
  data.set("item_name", ItemName(site, k.page, app->item));
  data.set("department", DepartmentName(site, k.page, app->department));
  data.set("deadline", app->deadline ? FormatIsoDate(*app->deadline) : k.page.T(site, "kiosk.no_deadline"));
  if (app->submitted_at) data.set("submitted_at", FormatTime(*app->submitted_at));
  const auto catalogue = site.ctx().Catalogue();
  const domain::ServiceCentre* centre = catalogue ? catalogue->FindCentre(app->centre) : nullptr;
  if (centre != nullptr) data.set("centre_name", centre->name.In(k.page.lang));
  data.set("here", "/kiosk/receipt/" + app->id);
  data.set("show", req.Query("view") == "show");
  return KioskRender(site, k, "kiosk_receipt", data);
}

// How many cases the kiosk's rating list shows at a time (large targets: a short list).
constexpr int kKioskRatablePage = 5;

// GET /kiosk/rate: the person's finished services they may still rate, newest first.
Response RateList(const Site& site, Request& req) {
  Kiosk k = StartKiosk(site, req);
  if (!k.auth) return Redirect("/kiosk?signed_out=1");
  auto list = services::ListRatable(site.ctx(), *k.actor, req.Query("page_token"), kKioskRatablePage);
  if (!list.ok()) return KioskErrorFor(site, k, list.error());
  Data data = KioskData(site, k, "page.kiosk.rate_list_title");
  if (req.Query("done") == "rated") data.set("notice", k.page.T(site, "kiosk.rated_notice"));
  Data rows{Data::type::list};
  for (const auto& entry : list->entries) {
    const domain::Application& app = entry.application;
    Data row;
    row.set("href", "/kiosk/rate/" + app.id);
    row.set("name", ItemName(site, k.page, app.item));
    row.set("reference", app.reference);
    row.set("department", DepartmentName(site, k.page, app.department));
    row.set("until", FormatIsoDate(entry.rate_until));
    rows.push_back(row);
  }
  data.set("cases", rows);
  data.set("has_cases", !rows.is_empty_list());
  if (!list->next_page_token.empty()) data.set("next_href", "/kiosk/rate?page_token=" + UrlEncode(list->next_page_token));
  return KioskRender(site, k, "kiosk_rate_list", data);
}

// The rating form of one case (`typed` and `error` after a refused submission).
Response RateScreen(const Site& site, Kiosk& k, const std::string& id, const TypedRating& typed, const Error* error) {
  auto app = services::GetApplication(site.ctx(), *k.actor, id);
  if (!app.ok()) return KioskErrorFor(site, k, app.error());
  auto view = services::GetRating(site.ctx(), *k.actor, app->id);
  if (!view.ok()) return KioskErrorFor(site, k, view.error());
  if (!view->may_rate) {
    // Rated already, not ended, past the period, or not theirs to rate: said plainly.
    const char* key = view->rating                         ? "error.rating.already_rated"
                      : !domain::IsTerminal(app->state)    ? "error.rating.not_ended"
                                                           : "error.rating.period_over";
    return KioskError(site, k, 409, k.page.T(site, key));
  }
  Data data = KioskData(site, k, "page.kiosk.rate_title");
  data.set("item_name", ItemName(site, k.page, app->item));
  data.set("reference", app->reference);
  data.set("department", DepartmentName(site, k.page, app->department));
  if (view->rate_until) data.set("until", FormatIsoDate(*view->rate_until));
  // The form's CSRF token is the kiosk session's.
  Caller caller;
  caller.session = k.auth->session;
  caller.actor = *k.actor;
  caller.via_cookie = true;
  k.page.caller = caller;
  AddRatingForm(site, k.page, data, "/kiosk/rate/" + app->id, typed, error);
  if (error != nullptr) MarkErrorTitle(site, k.page, data, k.page.T(site, "page.kiosk.rate_title"));
  k.page.caller.reset();
  return KioskRender(site, k, "kiosk_rate", data, error != nullptr ? HttpStatus(error->code) : 200);
}

Response RateForm(const Site& site, Request& req) {
  Kiosk k = StartKiosk(site, req);
  if (!k.auth) return Redirect("/kiosk?signed_out=1");
  return RateScreen(site, k, req.Param("id"), TypedRating{}, nullptr);
}

// POST /kiosk/rate/{id}: the rating, channel kiosk (the session's).
Response RateSubmit(const Site& site, Request& req) {
  Kiosk k = StartKiosk(site, req);
  if (!k.auth) return Redirect("/kiosk?signed_out=1");
  const auto form = FormOf(req);
  if (auto refused = RefuseKioskForm(site, k, req, form)) return *refused;
  services::RatingRequest request;
  const TypedRating typed = RatingFromForm(form, request);
  auto rated = services::RateApplication(site.ctx(), *k.actor, req.Param("id"), request);
  if (!rated.ok()) {
    if (rated.error().code == ErrorCode::kInvalidArgument) return RateScreen(site, k, req.Param("id"), typed, &rated.error());
    return KioskErrorFor(site, k, rated.error());
  }
  return Redirect("/kiosk/rate?done=rated");
}

// POST (the button, the idle timer) and GET (the meta refresh without JavaScript) /kiosk/sign-out:
// ends the session and shows the start screen. Signing out needs no CSRF token: a forged
// sign-out only does what the idle timer does anyway.
Response SignOut(const Site& site, Request& req) {
  Response res = Redirect("/kiosk?signed_out=1");
  EndSession(site, req, res);
  // Nothing of the person in the browser's cache either (every page was no-store already).
  res.AddHeader("Clear-Site-Data", "\"cache\"");
  return res;
}

// POST /kiosk/alive: the page's touches keep the session open (the idle timer of kiosk.js asks
// at most every few seconds while the person touches the screen without loading a page).
// 204 while the session is open (its expiry moved), 401 when it is gone.
Response Alive(const Site& site, Request& req) {
  Response res;
  res.status = services::AuthenticateKiosk(site.ctx(), req.Cookie(kKioskCookie)).ok() ? 204 : 401;
  res.content_type = "text/plain; charset=utf-8";
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

}  // namespace

void RegisterKioskPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/kiosk", [site](Request& req) { return Start(*site, req); });
  router.Add("GET", "/kiosk/code", [site](Request& req) { return Code(*site, req); });
  router.Add("POST", "/kiosk/sign-in", [site](Request& req) { return SignIn(*site, req); });
  router.Add("GET", "/kiosk/services", [site](Request& req) { return Services(*site, req); });
  router.Add("GET", "/kiosk/apply/{code}", [site](Request& req) { return ApplyForm(*site, req); });
  router.Add("POST", "/kiosk/apply/{code}", [site](Request& req) { return ApplySubmit(*site, req); });
  router.Add("GET", "/kiosk/receipt/{id}", [site](Request& req) { return Receipt(*site, req); });
  router.Add("GET", "/kiosk/rate", [site](Request& req) { return RateList(*site, req); });
  router.Add("GET", "/kiosk/rate/{id}", [site](Request& req) { return RateForm(*site, req); });
  router.Add("POST", "/kiosk/rate/{id}", [site](Request& req) { return RateSubmit(*site, req); });
  router.Add("POST", "/kiosk/sign-out", [site](Request& req) { return SignOut(*site, req); });
  router.Add("POST", "/kiosk/alive", [site](Request& req) { return Alive(*site, req); });
  router.Add("GET", "/kiosk/sign-out", [site](Request& req) { return SignOut(*site, req); });
}

}  // namespace tongban::http::web
