// Cross-province applications (跨省通办, issue 14 item 4; services/cross_province.h):
// /cross-province lists the items this platform's peers handle for people of other provinces, each
// with the peer's name; /cross-province/{peer}/{code} is the form: the peer's questions, where the
// result is delivered (here or there) and the address. Sending files the case here and forwards
// it; the person lands on the case page, which says "waiting for Zhejiang" until Zhejiang took it
// (CrossProvinceSummary). Plain forms with the CSRF token: they work without JavaScript.
#include "http/web/forms.h"
#include "http/web/page.h"
#include "http/web/render.h"
#include "services/cross_province.h"
#include "services/federation.h"

namespace tongban::http::web {
namespace {

std::string PeerName(const PageRequest& page, const std::string& zh, const std::string& en, const std::string& code) {
  const std::string& name = page.lang == domain::Language::kEn ? en : zh;
  return name.empty() ? code : name;
}

Response ListPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  Data data = BaseData(site, page, "page.cross_province.title");
  auto peers = services::ListPeers(site.ctx(), "", ports::kMaxPeerPage);
  if (!peers.ok()) return ErrorPageFor(site, page, peers.error());
  Data groups{Data::type::list};
  bool any = false;
  for (const domain::Peer& peer : *peers) {
    auto items = services::ListPeerItems(site.ctx(), peer.code, "", ports::kMaxPeerPage);
    if (!items.ok() || items->empty()) continue;
    const std::string peer_name = PeerName(page, peer.name_zh, peer.name_en, peer.code);
    Data group;
    group.set("anchor", "peer-" + peer.code);
    group.set("heading", page.T(site, "cross_province.handled_by", peer_name));
    Data rows{Data::type::list};
    for (const services::PeerItem& item : *items) {
      Data row;
      row.set("name", item.item.name.In(page.lang));
      row.set("description", item.item.description.In(page.lang));
      row.set("department", item.department.In(page.lang));
      row.set("peer", peer_name);
      row.set("href", "/cross-province/" + UrlEncode(peer.code) + "/" + UrlEncode(item.item.code));
      rows.push_back(row);
    }
    group.set("items", rows);
    groups.push_back(group);
    any = true;
  }
  data.set("groups", groups);
  data.set("has_groups", any);
  return RenderPage(site, page, "cross_province", data);
}

struct Typed {
  std::map<std::string, std::string> values;
  std::string delivery = "origin";
  std::string address;
};

Response FormPage(const Site& site, PageRequest& page, const services::PeerItem& item, const Typed& typed,
                  const Error* error) {
  const std::string peer_name = PeerName(page, item.peer_name_zh, item.peer_name_en, item.peer);
  const std::string name = item.item.name.In(page.lang);
  Data data = BaseData(site, page, "page.cross_province_apply.title", name);
  data.set("item_name", name);
  data.set("description", item.item.description.In(page.lang));
  data.set("handled_by", page.T(site, "cross_province.handled_by_department", peer_name + " · " + item.department.In(page.lang)));
  data.set("form_action", "/cross-province/" + UrlEncode(item.peer) + "/" + UrlEncode(item.item.code));
  std::map<std::string, std::string> errors;
  if (error != nullptr) {
    errors = AddErrorSummary(site, page, *error, data);
    if (error->message == "error.federation.delivery") {
      const std::string text = AddOneErrorSummary(site, page, *error, data, "#delivery-address");
      data.set("address_error", text);
    }
    MarkErrorTitle(site, page, data, page.T(site, "page.cross_province_apply.title", name));
  }
  Data fields{Data::type::list};
  for (const domain::Field& field : item.item.fields) {
    const auto value = typed.values.find(field.name);
    const auto wrong = errors.find(field.name);
    fields.push_back(FieldView(site, page, field, value == typed.values.end() ? "" : value->second,
                               wrong == errors.end() ? "" : wrong->second));
  }
  data.set("fields", fields);
  data.set("deliver_here", page.T(site, "cross_province.deliver_origin", PeerName(page, site.ctx().platform_name_zh,
                                                                                   site.ctx().platform_name_en,
                                                                                   site.ctx().platform_code)));
  data.set("deliver_there", page.T(site, "cross_province.deliver_handler", peer_name));
  data.set("delivery_origin", typed.delivery != "handler");
  data.set("delivery_handler", typed.delivery == "handler");
  data.set("address", typed.address);
  Response res = RenderPage(site, page, "cross_province_apply", data, error == nullptr ? 200 : HttpStatus(error->code));
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

Response ApplyPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  auto item = services::GetPeerItem(site.ctx(), req.Param("peer"), req.Param("code"));
  if (!item.ok()) return ErrorPageFor(site, page, item.error());
  return FormPage(site, page, *item, Typed{}, nullptr);
}

Response ApplySubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  auto item = services::GetPeerItem(site.ctx(), req.Param("peer"), req.Param("code"));
  if (!item.ok()) return ErrorPageFor(site, page, item.error());
  Typed typed;
  for (const domain::Field& field : item->item.fields) {
    const std::string value = FormValue(form, field.name);
    if (!value.empty()) typed.values[field.name] = value;
  }
  typed.delivery = FormValue(form, "delivery");
  typed.address = FormValue(form, "address");
  services::CrossProvinceRequest request;
  request.peer = item->peer;
  request.item = item->item.code;
  request.fields = typed.values;
  request.delivery = domain::ParseCaseSide(typed.delivery).value_or(domain::CaseSide::kOrigin);
  request.delivery_address = typed.address;
  auto app = services::ApplyCrossProvince(site.ctx(), page.caller->actor, request);
  if (!app.ok()) {
    if (app.error().code != ErrorCode::kInvalidArgument) return ErrorPageFor(site, page, app.error());
    return FormPage(site, page, *item, typed, &app.error());
  }
  return Redirect("/applications/" + app->id);
}

}  // namespace

void SetCrossProvinceSummary(const Site& site, const PageRequest& page, const domain::Application& app, Data& data) {
  auto view = services::CrossProvinceCaseOf(site.ctx(), app.id);
  if (!view.ok() || !*view) return;
  const domain::FederatedCase& c = (*view)->c;
  const std::string peer = PeerName(page, (*view)->peer_name_zh, (*view)->peer_name_en, c.peer);
  Data summary;
  const bool origin = c.side == domain::CaseSide::kOrigin;
  summary.set("waiting", origin && !c.forwarded_at);
  summary.set("status", origin ? (c.forwarded_at ? page.T(site, "cross_province.taken_by", peer)
                                                 : page.T(site, "cross_province.waiting_for", peer))
                               : page.T(site, "cross_province.forwarded_from", peer));
  SetText(summary, "peer_reference", c.peer_reference);
  summary.set("delivery", page.T(site, c.delivery == domain::CaseSide::kHandler ? "cross_province.delivered_handler"
                                                                               : "cross_province.delivered_origin"));
  summary.set("address", c.delivery_address);
  data.set("cross_province", summary);
  if (origin) {
    data.set("item_name", page.lang == domain::Language::kEn ? c.item_name_en : c.item_name_zh);
    data.set("department", (page.lang == domain::Language::kEn ? c.department_en : c.department_zh) + " · " + peer);
  }
}

void RegisterCrossProvincePages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/cross-province", [site](Request& req) { return ListPage(*site, req); });
  router.Add("GET", "/cross-province/{peer}/{code}", [site](Request& req) { return ApplyPage(*site, req); });
  router.Add("POST", "/cross-province/{peer}/{code}", [site](Request& req) { return ApplySubmit(*site, req); });
}

}  // namespace tongban::http::web
