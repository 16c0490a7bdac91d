// "Family proxies" (issue 12 item 4): /me/proxies shows the grants the person gave (each with a
// withdraw button), a form to make a family member their proxy (username, personal items as
// checkboxes, last day), and the people the signed-in person acts for, each with their
// applications and "apply for <name>" links to the apply form with the person chosen
// (/apply/{code}?for=<person>). Plain forms with the CSRF token: they work without JavaScript.
#include <algorithm>
#include <set>

#include "http/web/forms.h"
#include "http/web/page.h"
#include "http/web/render.h"
#include "services/proxies.h"

namespace tongban::http::web {
namespace {

struct Typed {
  std::string username;
  std::set<std::string> items;
  std::string until;
};

std::string ItemList(const Site& site, const PageRequest& page, const std::vector<std::string>& items) {
  std::string out;
  for (const auto& code : items) out += (out.empty() ? "" : page.T(site, "timeline.list_separator")) + ItemName(site, page, code);
  return out;
}

std::string LastDay(Timestamp valid_until) { return FormatIsoDate(LocalDate(valid_until - std::chrono::seconds(1))); }

// The input an error is about.
std::string AnchorOf(const Error& error) {
  const std::string& key = error.message;
  if (key.find("item") != std::string::npos) return "proxy-items";
  if (key.find("until") != std::string::npos) return "until";
  return "username";
}

Response Render(const Site& site, PageRequest& page, Request& req, const Typed& typed, const Error* error,
                const std::string& notice_key) {
  const auto& actor = page.caller->actor;
  auto given = services::ListProxiesGiven(site.ctx(), actor, req.Query("page_token"), ports::kDefaultPageSize);
  if (!given.ok()) return ErrorPageFor(site, page, given.error());
  auto proxied = services::ListProxied(site.ctx(), actor);
  if (!proxied.ok()) return ErrorPageFor(site, page, proxied.error());
  Data data = BaseData(site, page, "page.proxies.title");
  const Timestamp now = site.ctx().clock->Now();

  Data rows{Data::type::list};
  for (const auto& g : given->grants) {
    Data r;
    r.set("id", g.id);
    r.set("name", g.proxy_name);
    r.set("username", g.proxy_username);
    r.set("items", ItemList(site, page, g.items));
    r.set("until", LastDay(g.valid_until));
    const std::string status = domain::ProxyGrantStatus(g, now);
    r.set("status", page.T(site, "proxies.status." + status));
    r.set("live", status == "live");
    rows.push_back(r);
  }
  data.set("grants", rows);
  data.set("has_grants", !given->grants.empty());
  if (!given->next_page_token.empty()) {
    Data pager;
    pager.set("next_href", "/me/proxies?page_token=" + UrlEncode(given->next_page_token));
    if (!req.Query("page_token").empty()) pager.set("first_href", "/me/proxies");
    data.set("pager", pager);
  }

  // The grant form: every personal item of the catalogue as a checkbox.
  const auto catalogue = site.ctx().Catalogue();
  Data items{Data::type::list};
  int n = 0;
  for (const auto& item : catalogue->items()) {
    if (item.applicant != domain::ApplicantKind::kPerson) continue;
    Data i;
    i.set("id", "proxy-item-" + std::to_string(++n));
    i.set("value", item.code);
    i.set("label", item.name.In(page.lang));
    i.set("checked", typed.items.count(item.code) > 0);
    items.push_back(i);
  }
  data.set("items", items);
  data.set("username", typed.username);
  data.set("until", typed.until);

  Data people{Data::type::list};
  int k = 0;
  for (const auto& p : *proxied) {
    Data person;
    person.set("anchor", "person-" + std::to_string(++k));
    person.set("name", p.name);
    person.set("until_text", page.T(site, "proxies.until_text", LastDay(p.valid_until)));
    Data links{Data::type::list};
    for (const auto& code : p.items) {
      Data l;
      l.set("href", "/apply/" + code + "?for=" + UrlEncode(p.person_id));
      l.set("text", page.T(site, "proxies.apply_for", p.name));
      l.set("item", ItemName(site, page, code));
      links.push_back(l);
    }
    person.set("links", links);
    auto apps = services::ListProxiedApplications(site.ctx(), actor, p.person_id, "", ports::kDefaultPageSize);
    if (apps.ok() && !apps->applications.empty()) {
      person.set("rows", ApplicationTableRows(site, page, apps->applications, nullptr));
      person.set("table_caption", page.T(site, "proxies.applications_of") + " · " + p.name);
      person.set("has_applications", true);
    }
    people.push_back(person);
  }
  data.set("people", people);
  data.set("has_people", !proxied->empty());

  if (error != nullptr) {
    const std::string anchor = AnchorOf(*error);
    const std::string text = AddOneErrorSummary(site, page, *error, data, "#" + anchor);
    data.set(anchor == "proxy-items" ? "items_error" : anchor + "_error", text);
    MarkErrorTitle(site, page, data, page.T(site, "page.proxies.title"));
  } else if (!notice_key.empty()) {
    data.set("notice", page.T(site, notice_key));
  }
  Response res = RenderPage(site, page, "proxies", data, error == nullptr ? 200 : HttpStatus(error->code));
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

Response ProxiesPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const std::string done = req.Query("done");
  const std::string notice = done == "granted" ? "proxies.granted_notice" : done == "withdrawn" ? "proxies.withdrawn_notice" : "";
  return Render(site, page, req, Typed{}, nullptr, notice);
}

Response ProxiesSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  if (FormValue(form, "intent") == "withdraw") {
    auto withdrawn = services::WithdrawProxy(site.ctx(), page.caller->actor, FormValue(form, "id"));
    if (!withdrawn.ok()) return ErrorPageFor(site, page, withdrawn.error());
    return Redirect("/me/proxies?done=withdrawn");
  }
  services::ProxyRequest request;
  request.username = FormValue(form, "username");
  request.until = FormValue(form, "until");
  Typed typed{request.username, {}, request.until};
  const auto [first, last] = form.equal_range("item");
  for (auto it = first; it != last; ++it) {
    request.items.push_back(it->second);
    typed.items.insert(it->second);
  }
  auto granted = services::GrantProxy(site.ctx(), page.caller->actor, request);
  if (!granted.ok()) {
    if (granted.error().code != ErrorCode::kInvalidArgument) return ErrorPageFor(site, page, granted.error());
    return Render(site, page, req, typed, &granted.error(), "");
  }
  return Redirect("/me/proxies?done=granted");
}

}  // namespace

// The apply form of a family proxy: the text "you are applying for <name>" when the caller acts
// for `person_id` on `item`; kPermissionDenied (error.proxy.no_rights) otherwise.
Result<std::string> ProxyForText(const Site& site, const PageRequest& page, const std::string& person_id,
                                 const std::string& item) {
  TB_ASSIGN_OR_RETURN(const auto people, services::ListProxied(site.ctx(), page.caller->actor));
  for (const auto& p : people) {
    if (p.person_id != person_id) continue;
    if (std::find(p.items.begin(), p.items.end(), item) == p.items.end()) break;
    return page.T(site, "apply.proxy_for", p.name);
  }
  return MakeError(ErrorCode::kPermissionDenied, "error.proxy.no_rights");
}

void RegisterProxyPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/me/proxies", [site](Request& req) { return ProxiesPage(*site, req); });
  router.Add("POST", "/me/proxies", [site](Request& req) { return ProxiesSubmit(*site, req); });
}

}  // namespace tongban::http::web
