// "My consents" (issue 9 item 3): the person's consents for items to read their sensitive data,
// each with its time and a revoke button; giving consent from the apply page. Forms POST with the
// CSRF token like every other form and work without JavaScript.
#include <map>
#include <optional>

#include "domain/data_request.h"
#include "http/web/forms.h"
#include "http/web/page.h"
#include "http/web/render.h"
#include "services/data_access.h"
#include "services/data_requests.h"

namespace tongban::http::web {
namespace {

// Only local paths are followed after a form (never another site).
std::string SafeReturn(const std::string& to, const std::string& fallback) {
  if (to.size() > 1 && to[0] == '/' && to[1] != '/' && to.find('\\') == std::string::npos) return to;
  return fallback;
}

// A consent for a peer's dataset ("zj:population:social_assistance", services/data_requests.h) as
// "Zhejiang platform · Population register (identity) · social_assistance"; anything else as it is.
// `peers` is read once, on the first such consent.
std::string PeerPurposeText(const Site& site, const PageRequest& page, const std::string& purpose,
                            std::optional<std::map<std::string, domain::Peer>>& peers) {
  const auto parsed = domain::ParsePeerDataConsentPurpose(purpose);
  if (!parsed) return purpose;
  if (!peers) peers = services::PeerNames(site.ctx());
  const auto peer = peers->find(parsed->peer);
  const std::string name = peer == peers->end()                     ? parsed->peer
                           : page.lang == domain::Language::kEn ? peer->second.name_en
                                                                : peer->second.name_zh;
  const domain::Dataset* dataset = site.ctx().Catalogue()->FindDataset(parsed->dataset);
  return page.T(site, "access_log.platform", name) + " · " + (dataset ? dataset->name.In(page.lang) : parsed->dataset) +
         " · " + parsed->purpose;
}

Response ConsentsPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  auto list = services::ListMyConsents(site.ctx(), page.caller->actor, req.Query("page_token"), ports::kDefaultPageSize);
  if (!list.ok()) return ErrorPageFor(site, page, list.error());
  Data data = BaseData(site, page, "page.consents.title");
  const auto catalogue = site.ctx().Catalogue();
  Data rows{Data::type::list};
  std::optional<std::map<std::string, domain::Peer>> peers;
  for (const ports::Consent& c : list->consents) {
    Data r;
    const domain::ServiceItem* item = catalogue->FindItem(c.purpose);
    r.set("purpose", item ? item->name.In(page.lang) : PeerPurposeText(site, page, c.purpose, peers));
    r.set("id", c.id);
    r.set("given_at", FormatTime(c.given_at));
    if (c.revoked_at) {
      r.set("revoked_text", page.T(site, "consents.revoked_at", FormatTime(*c.revoked_at)));
    } else {
      r.set("active", true);
    }
    rows.push_back(r);
  }
  data.set("rows", rows);
  data.set("has_rows", !list->consents.empty());
  if (!list->next_page_token.empty()) {
    Data pager;
    pager.set("next_href", "/me/consents?page_token=" + list->next_page_token);
    if (!req.Query("page_token").empty()) pager.set("first_href", "/me/consents");
    data.set("pager", pager);
  }
  Response res = RenderPage(site, page, "consents", data);
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

Response GiveSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  const std::string purpose = FormValue(form, "purpose");
  auto given = services::GiveConsent(site.ctx(), page.caller->actor, purpose);
  if (!given.ok()) return ErrorPageFor(site, page, given.error());
  return Redirect(SafeReturn(FormValue(form, "return"), "/me/consents"));
}

Response RevokeSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  auto revoked = services::RevokeConsent(site.ctx(), page.caller->actor, req.Param("id"));
  if (!revoked.ok()) return ErrorPageFor(site, page, revoked.error());
  return Redirect("/me/consents");
}

}  // namespace

void RegisterConsentPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/me/consents", [site](Request& req) { return ConsentsPage(*site, req); });
  router.Add("POST", "/me/consents", [site](Request& req) { return GiveSubmit(*site, req); });
  router.Add("POST", "/me/consents/{id}/revoke", [site](Request& req) { return RevokeSubmit(*site, req); });
}

}  // namespace tongban::http::web
