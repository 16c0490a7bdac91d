// The homepage after sign-in (issue 12 items 1 and 2): /me, the person's own or, for an agent
// acting for an enterprise, the enterprise's: latest applications, licences (an industry licence
// with its parts), what expires within 90 days with the item that renews it, unread messages and
// suggestions (each with its reason and a button that turns it off). In elder mode one section a
// page: a menu of the sections, then the one chosen (?section=).
#include <array>

#include "http/web/page.h"
#include "services/accounts.h"
#include "services/home.h"
#include "services/suggestions.h"

namespace tongban::http::web {
namespace {

constexpr std::array<const char*, 5> kSections = {"suggestions", "expiring", "applications", "licences", "messages"};

std::string LicenceTypeName(const Site& site, const PageRequest& page, const std::string& code) {
  const auto catalogue = site.ctx().Catalogue();
  const domain::LicenceType* type = catalogue ? catalogue->FindLicenceType(code) : nullptr;
  return type ? type->name.In(page.lang) : code;
}

Data LicenceRow(const Site& site, const PageRequest& page, const services::LicenceView& v) {
  const domain::Licence& l = v.licence;
  Data d;
  d.set("id", l.id);
  d.set("href", "/licences/" + l.id);
  d.set("type_name", LicenceTypeName(site, page, l.type));
  d.set("valid_until", l.valid_until ? FormatIsoDate(LocalDate(*l.valid_until)) : page.T(site, "licence.no_expiry"));
  Data tag;
  const std::string status = v.delivered ? v.shown_status : "pending";
  tag.set("state", "licence-" + status);
  tag.set("text", page.T(site, "licence.status." + status));
  d.set("status_tag", tag);
  if (!l.parts.empty()) {
    Data parts{Data::type::list};
    for (const std::string& part : l.parts) {
      Data row;
      row.set("href", "/licences/" + part);
      row.set("text", page.T(site, "myhome.licence_part"));
      parts.push_back(row);
    }
    d.set("parts", parts);
    d.set("has_parts", true);
  }
  return d;
}

Response HomePage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  if (page.caller->actor.user.kind == domain::UserKind::kOfficial) return Redirect("/office");
  auto acting = services::ActingEnterprise(site.ctx(), page.caller->actor, page.caller->session, false);
  if (!acting.ok()) return ErrorPageFor(site, page, acting.error());
  auto home = services::Home(site.ctx(), page.caller->actor, *acting);
  if (!home.ok()) return ErrorPageFor(site, page, home.error());
  const bool enterprise = !home->enterprise.empty();
  Data data = BaseData(site, page, enterprise ? "page.home_enterprise.title" : "page.me.title");
  SetActingFor(site, page, data, home->enterprise, "myhome.acting_for");
  data.set("enterprise", enterprise);
  data.set("administrator", home->administrator);
  if (home->administrator) data.set("agents_href", "/enterprises/" + UrlEncode(home->enterprise) + "/agents");

  // Elder mode: one section a page.
  std::string section = req.Query("section");
  bool known = false;
  for (const char* s : kSections) known = known || section == s;
  known = known || (enterprise && section == "supervision");  // supervision_pages.cc
  if (!known) section.clear();
  const bool elder_menu = page.elder && section.empty();
  auto shown = [&](const char* name) { return !page.elder || section == name; };
  data.set("elder_menu", elder_menu);
  // Offers of benefits without applying come first, in elder mode too: they wait for an answer.
  data.set("offers", OfferCards(site, page, home->offers));
  data.set("has_offers", !home->offers.empty());
  data.set("elder_section", page.elder && !section.empty());

  Data apps = ApplicationTableRows(site, page, home->applications, nullptr);
  data.set("rows", apps);
  data.set("has_rows", !home->applications.empty());
  data.set("table_caption", page.T(site, enterprise ? "myhome.applications_enterprise" : "myhome.applications"));
  data.set("more_applications", home->more_applications);
  data.set("show_applications", shown("applications"));

  Data licences{Data::type::list};
  for (const auto& v : home->licences) licences.push_back(LicenceRow(site, page, v));
  data.set("licences", licences);
  data.set("has_licences", !home->licences.empty());
  data.set("more_licences", home->more_licences);
  data.set("show_licences", shown("licences"));

  Data expiring{Data::type::list};
  for (const auto& e : home->expiring) {
    Data row = LicenceRow(site, page, e.licence);
    row.set("days_left", page.T(site, "myhome.days_left", std::to_string(e.days_left)));
    if (!e.renewed_by.empty()) {
      row.set("renew_href", "/items/" + e.renewed_by);
      row.set("renew_name", ItemName(site, page, e.renewed_by));
    }
    expiring.push_back(row);
  }
  data.set("expiring", expiring);
  data.set("has_expiring", !home->expiring.empty());
  data.set("show_expiring", shown("expiring"));

  Data suggestions{Data::type::list};
  for (const auto& s : home->suggestions) {
    Data row;
    row.set("rule", s.rule);
    SetText(row, "reason", services::FillReason(s.reason.In(page.lang), s.values));
    if (!s.item.empty()) {
      row.set("href", "/items/" + s.item);
      row.set("name", ItemName(site, page, s.item));
    } else {
      row.set("href", "/bundles/" + s.bundle);
      const auto catalogue = site.ctx().Catalogue();
      const domain::Bundle* bundle = catalogue ? catalogue->FindBundle(s.bundle) : nullptr;
      row.set("name", bundle ? bundle->name.In(page.lang) : s.bundle);
    }
    row.set("csrf_token", page.caller->session.csrf_token);
    suggestions.push_back(row);
  }
  data.set("suggestions", suggestions);
  data.set("has_suggestions", !home->suggestions.empty());
  data.set("show_suggestions", shown("suggestions") && !enterprise);

  data.set("unread", page.T(site, "myhome.unread", std::to_string(home->unread)));
  data.set("has_unread", home->unread > 0);
  data.set("show_messages", shown("messages"));
  // The enterprise's supervision records (issue 13 item 4), for its agents.
  if (enterprise && shown("supervision")) SetHomeSupervision(site, page, home->enterprise, data);

  if (elder_menu) {
    Data menu{Data::type::list};
    for (const char* s : kSections) {
      if (enterprise && std::string_view(s) == "suggestions") continue;
      Data row;
      row.set("href", std::string("/me?section=") + s);
      row.set("text", page.T(site, std::string("myhome.section.") + s));
      menu.push_back(row);
    }
    if (enterprise) {
      Data row;
      row.set("href", "/me?section=supervision");
      row.set("text", page.T(site, "myhome.section.supervision"));
      menu.push_back(row);
    }
    data.set("menu", menu);
  }
  return RenderPage(site, page, "me", data);
}

// The "don't suggest this again" button: turns the rule off and shows the homepage again.
Response DismissSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  auto changed = services::DismissSuggestion(site.ctx(), page.caller->actor, page.caller->session.acting_enterprise,
                                             req.Param("rule"));
  if (!changed.ok()) return ErrorPageFor(site, page, changed.error());
  return Redirect("/me");
}

}  // namespace

void RegisterHomePages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/me", [site](Request& req) { return HomePage(*site, req); });
  router.Add("POST", "/me/suggestions/{rule}/dismissal", [site](Request& req) { return DismissSubmit(*site, req); });
}

}  // namespace tongban::http::web
