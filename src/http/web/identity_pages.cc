// "My identity code" (/me/identity-code, issue 11 item 2): the signed-in person's code as a QR,
// with their name, masked identity number and when it expires; an agent acting for an enterprise
// sees the enterprise's code, with its name and credit code. Without JavaScript the page says
// when the code expires and offers a link for a new one; /static/identity-code.js fetches the
// next code from /api/v1/me/identity-code before this one expires and swaps it in place.
#include "http/web/page.h"
#include "services/identity_code.h"

namespace tongban::http::web {
namespace {

Response IdentityCodePage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  // An agent acting for an enterprise (the switcher in the header) shows the enterprise's code.
  auto code = services::IssueIdentityCode(site.ctx(), page.caller->actor, page.caller->session.acting_enterprise);
  if (!code.ok()) return ErrorPageFor(site, page, code.error());
  auto svg = site.ctx().licence_format->QrSvg(code->token);
  if (!svg.ok()) return ErrorPageFor(site, page, svg.error());
  // Named for screen readers: the image is the token, the page says whose it is.
  svg->insert(4, " role=\"img\" aria-label=\"" + page.T(site, "identity_code.qr_label") + "\"");
  Data data = BaseData(site, page, "page.identity_code.title");
  data.set("qr_svg", *svg);
  data.set("name", code->claims.name);
  data.set("masked_id", code->claims.masked_id);
  const bool enterprise = code->claims.kind == "enterprise";
  data.set("id_label", page.T(site, enterprise ? "identity_code.credit_code" : "identity_code.id_number"));
  data.set("intro", page.T(site, enterprise ? "identity_code.enterprise_intro" : "identity_code.intro"));
  data.set("expires_text", page.T(site, "identity_code.valid_until", FormatTime(code->claims.expires_at)));
  data.set("expires_at", FormatRfc3339(code->claims.expires_at));
  data.set("refresh_seconds", std::to_string(services::kIdentityCodeRefreshMarginSeconds));
  data.set("lifetime_seconds", std::to_string(services::kIdentityCodeSeconds));
  Response res = RenderPage(site, page, "identity_code", data);
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

}  // namespace

void RegisterIdentityPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/me/identity-code", [site](Request& req) { return IdentityCodePage(*site, req); });
}

}  // namespace tongban::http::web
