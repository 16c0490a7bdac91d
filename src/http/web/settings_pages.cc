// "Settings" (issue 12 item 3): /me/settings shows and saves how the signed-in person is told
// besides the inbox: their email address, mobile number, the email and SMS channels and the
// language of what is sent (the same as PATCH /api/v1/me). A plain form with the CSRF token: it
// works without JavaScript. A channel box is ticked by default while its address is missing, so
// giving the address turns it on; without an address the box is ignored.
#include "http/web/forms.h"
#include "http/web/page.h"
#include "http/web/render.h"
#include "services/contacts.h"

namespace tongban::http::web {
namespace {

// The input an error is about.
std::string AnchorOf(const Error& error) {
  const std::string& key = error.message;
  if (key.find("email") != std::string::npos) return "email";
  if (key.find("mobile") != std::string::npos) return "mobile";
  return "language-zh";
}

Response Render(const Site& site, PageRequest& page, const ports::ContactSettings& shown, bool email_on, bool sms_on,
                const Error* error, bool saved) {
  Data data = BaseData(site, page, "page.settings.title");
  data.set("email", shown.email);
  data.set("mobile", shown.mobile);
  data.set("email_on", email_on);
  data.set("sms_on", sms_on);
  data.set("language_zh", shown.language != "en");
  data.set("language_en", shown.language == "en");
  if (error != nullptr) {
    const std::string anchor = AnchorOf(*error);
    const std::string text = AddOneErrorSummary(site, page, *error, data, "#" + anchor);
    if (anchor == "email") data.set("email_error", text);
    if (anchor == "mobile") data.set("mobile_error", text);
    MarkErrorTitle(site, page, data, page.T(site, "page.settings.title"));
  } else if (saved) {
    data.set("notice", page.T(site, "settings.saved"));
  }
  Response res = RenderPage(site, page, "settings", data, error == nullptr ? 200 : HttpStatus(error->code));
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

Response SettingsPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  auto contact = services::GetMyContact(site.ctx(), page.caller->actor);
  if (!contact.ok()) return ErrorPageFor(site, page, contact.error());
  // Boxes of a missing address are ticked: giving it turns its channel on (the default).
  const bool email_on = contact->email.empty() || contact->email_on;
  const bool sms_on = contact->mobile.empty() || contact->sms_on;
  return Render(site, page, *contact, email_on, sms_on, nullptr, req.Query("saved") == "1");
}

Response SettingsSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  services::ContactChange change;
  change.email = FormValue(form, "email");
  change.mobile = FormValue(form, "mobile");
  const bool email_box = FormValue(form, "channel_email") == "1";
  const bool sms_box = FormValue(form, "channel_sms") == "1";
  if (!change.email->empty()) change.email_on = email_box;
  if (!change.mobile->empty()) change.sms_on = sms_box;
  const std::string language = FormValue(form, "language");
  if (!language.empty()) change.language = language;
  auto updated = services::UpdateMyContact(site.ctx(), page.caller->actor, change);
  if (!updated.ok()) {
    ports::ContactSettings typed;
    typed.email = *change.email;
    typed.mobile = *change.mobile;
    typed.language = language;
    return Render(site, page, typed, email_box, sms_box, &updated.error(), false);
  }
  return Redirect("/me/settings?saved=1");
}

}  // namespace

void RegisterSettingsPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/me/settings", [site](Request& req) { return SettingsPage(*site, req); });
  router.Add("POST", "/me/settings", [site](Request& req) { return SettingsSubmit(*site, req); });
}

}  // namespace tongban::http::web
