// The licence pages (issue 10 item 3, 4): /licences (the holder's licences with their status and
// downloads), /licences/{id} (the licence, its QR code and history, and for the issuing
// department's reviewer the form that suspends, revokes or reinstates it) and
// /licences/{id}/print (an A4 page with the same data and the same QR code).
#include "http/web/page.h"
#include "services/licences.h"

namespace tongban::http::web {
namespace {

std::string LicenceTypeName(const Site& site, const PageRequest& page, const std::string& code) {
  const auto catalogue = site.ctx().Catalogue();
  const domain::LicenceType* type = catalogue ? catalogue->FindLicenceType(code) : nullptr;
  return type ? type->name.In(page.lang) : code;
}

Data LicenceStatusTag(const Site& site, const PageRequest& page, const services::LicenceView& v) {
  Data tag;
  const std::string status = v.delivered ? v.shown_status : "pending";
  tag.set("state", "licence-" + status);
  tag.set("text", page.T(site, "licence.status." + status));
  return tag;
}

// The rows every licence page shows: type, holder, issuer, dates, claims, parts.
Data LicenceData(const Site& site, const PageRequest& page, const services::LicenceView& v) {
  const domain::Licence& l = v.licence;
  Data d;
  d.set("id", l.id);
  d.set("type_name", LicenceTypeName(site, page, l.type));
  d.set("holder_name", l.holder_name);
  d.set("holder_id", domain::MaskHolderId(l.holder_id));
  d.set("issuer_name", DepartmentName(site, page, l.issuer));
  d.set("issued_at", FormatIsoDate(LocalDate(l.issued_at)));
  d.set("valid_until", l.valid_until ? FormatIsoDate(LocalDate(*l.valid_until)) : page.T(site, "licence.no_expiry"));
  d.set("status_tag", LicenceStatusTag(site, page, v));
  d.set("href", "/licences/" + l.id);
  if (v.delivered || v.may_act) d.set("downloadable", true);
  const auto catalogue = site.ctx().Catalogue();
  const domain::LicenceType* type = catalogue ? catalogue->FindLicenceType(l.type) : nullptr;
  Data claims{Data::type::list};
  for (const auto& [name, value] : l.claims) {
    Data row;
    std::string label = name;
    if (type != nullptr) {
      for (const auto& c : type->claims) {
        if (c.name == name) label = c.label.In(page.lang);
      }
    }
    row.set("label", label);
    row.set("value", value);
    claims.push_back(row);
  }
  d.set("claims", claims);
  if (!l.parts.empty()) {
    Data parts{Data::type::list};
    for (const std::string& part : l.parts) {
      Data row;
      row.set("id", part);
      row.set("href", "/licences/" + part);
      parts.push_back(row);
    }
    d.set("parts", parts);
    d.set("has_parts", true);
  }
  return d;
}

Response ListPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  auto list = services::ListMyLicences(site.ctx(), page.caller->actor, page.caller->session.acting_enterprise,
                                       req.Query("after"), 50);
  if (!list.ok()) return ErrorPageFor(site, page, list.error());
  Data data = BaseData(site, page, "page.licences.title");
  Data rows{Data::type::list};
  for (const auto& v : list->licences) rows.push_back(LicenceData(site, page, v));
  if (!list->licences.empty()) data.set("has_rows", true);
  data.set("rows", rows);
  if (!list->next_after.empty()) data.set("next_href", "/licences?after=" + UrlEncode(list->next_after));
  return RenderPage(site, page, "licences", data);
}

// The licence page and its printable twin share their data; the QR code is the same SVG.
Result<Data> LicencePageData(const Site& site, const PageRequest& page, const std::string& id,
                             services::LicenceView& view) {
  TB_ASSIGN_OR_RETURN(view, services::GetLicence(site.ctx(), page.caller->actor, id));
  Data data = BaseData(site, page, "page.licence.title", LicenceTypeName(site, page, view.licence.type));
  Data licence = LicenceData(site, page, view);
  if (view.delivered || view.may_act) {
    TB_ASSIGN_OR_RETURN(std::string svg, site.ctx().licence_format->QrSvg(view.licence.qr_token));
    // Named for screen readers: the image is the token, the page says what it holds.
    svg.insert(4, " role=\"img\" aria-label=\"" + page.T(site, "licence.qr_label") + "\"");
    licence.set("qr_svg", svg);
  }
  data.set("licence", licence);
  return data;
}

Response LicencePage(const Site& site, Request& req, const Error* error = nullptr, const std::string& typed = "") {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  services::LicenceView view;
  auto data = LicencePageData(site, page, req.Param("id"), view);
  if (!data.ok()) return ErrorPageFor(site, page, data.error());
  Data history{Data::type::list};
  for (const auto& h : view.history) {
    Data row;
    row.set("when", FormatTime(h.at));
    row.set("what", page.T(site, "licence.history." + h.action));
    SetText(row, "reason", h.reason);
    history.push_back(row);
  }
  data->set("history", history);
  if (view.may_act) {
    Data actions{Data::type::list};
    for (auto a : {domain::LicenceAction::kSuspend, domain::LicenceAction::kReinstate, domain::LicenceAction::kRevoke}) {
      if (!domain::AfterAction(view.licence.own_status, a)) continue;
      Data option;
      option.set("value", domain::LicenceActionName(a));
      option.set("label", page.T(site, std::string("licence.action.") + domain::LicenceActionName(a)));
      actions.push_back(option);
    }
    if (!actions.is_empty_list()) data->set("has_actions", true);
    data->set("actions", actions);
    data->set("may_act", true);
    SetText(*data, "typed_reason", typed);
    if (error != nullptr) data->set("error", ErrorText(site, page, *error));
  }
  return RenderPage(site, page, "licence", *data, error == nullptr ? 200 : 400);
}

Response PrintPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  services::LicenceView view;
  auto data = LicencePageData(site, page, req.Param("id"), view);
  if (!data.ok()) return ErrorPageFor(site, page, data.error());
  if (!view.delivered && !view.may_act) return ErrorPage(site, page, 409, "error.licence.not_delivered");
  data->set("printed_at", FormatTime(site.ctx().clock->Now()));
  return RenderPage(site, page, "licence_print", *data);
}

Response ActSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  const auto action = domain::ParseLicenceAction(FormValue(form, "action"));
  if (!action) return ErrorPage(site, page, 400, "error.action.unknown");
  const std::string reason = FormValue(form, "reason");
  auto done = services::ActOnLicence(site.ctx(), page.caller->actor, req.Param("id"), *action, reason);
  if (!done.ok()) {
    if (done.error().code == ErrorCode::kInvalidArgument || done.error().code == ErrorCode::kConflict) {
      return LicencePage(site, req, &done.error(), reason);
    }
    return ErrorPageFor(site, page, done.error());
  }
  return Redirect("/licences/" + req.Param("id"));
}

}  // namespace

void RegisterLicencePages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/licences", [site](Request& req) { return ListPage(*site, req); });
  router.Add("GET", "/licences/{id}", [site](Request& req) { return LicencePage(*site, req); });
  router.Add("GET", "/licences/{id}/print", [site](Request& req) { return PrintPage(*site, req); });
  router.Add("POST", "/licences/{id}/act", [site](Request& req) { return ActSubmit(*site, req); });
}

}  // namespace tongban::http::web
