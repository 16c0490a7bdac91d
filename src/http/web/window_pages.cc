// The comprehensive window's console (综合窗口, issue 11 item 3, services/window.h): a clerk of a
// service centre scans the person's identity code (or an enterprise's, shown by its agent, at a
// district centre) into an autofocused field (a scanner is a keyboard: it types the token and
// Enter), which opens a window visit; the visit page shows the
// person's name and masked id, their drafts and open applications with where each was routed
// (department, state, deadline), the items the centre takes, and for a chosen item its pre-filled
// form (services/window_prefill.h: the person's consent for the visit recorded, the city's data
// read with the clerk as accessor, each value with where it came from, as the apply page shows
// it), whose confirm step submits the application on the person's behalf (or saves it as their
// draft); closing the visit ends it. The console also checks a licence the person presents, ours
// or a peer platform's (issue 14 item 3), as the public verification page does. Works without
// JavaScript.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "http/peer_verify.h"
#include "http/web/forms.h"
#include "http/web/page.h"
#include "http/web/prefill_view.h"
#include "http/web/verify_view.h"
#include "services/applications.h"
#include "services/bundles.h"
#include "services/window.h"
#include "services/window_handover.h"
#include "services/window_prefill.h"

namespace tongban::http::web {
namespace {

bool IsCentreClerk(const PageRequest& page) {
  return page.caller && page.caller->actor.user.HasRole(domain::Role::kClerk) &&
         !page.caller->actor.user.centre.empty();
}

using Form = std::multimap<std::string, std::string>;

// Why `page` may not use the console: not signed in, not a service centre's clerk, or (for a
// posted `form`) no valid CSRF token; nothing when it may.
std::optional<Response> Refusal(const Site& site, PageRequest& page, const Request& req, const Form* form) {
  if (!page.caller) return SignInRedirect(page);
  if (!IsCentreClerk(page)) return ErrorPage(site, page, 403, "error.window.not_clerk");
  if (form != nullptr && !CheckCsrf(*page.caller, req, FormValue(*form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  return std::nullopt;
}

std::string CentreName(const Site& site, const PageRequest& page, const std::string& code) {
  const auto catalogue = site.ctx().Catalogue();
  const domain::ServiceCentre* centre = catalogue ? catalogue->FindCentre(code) : nullptr;
  return centre != nullptr ? centre->name.In(page.lang) : code;
}

// What the console's licence check shows: the token checked and its result, or why not.
struct LicenceCheckView {
  std::string token;
  const Error* error = nullptr;
  std::optional<Data> result;
};

// The console: the scan field, the licence check, and the clerk's open visits.
Response ConsolePage(const Site& site, PageRequest& page, const Error* error, int status = 200,
                     const LicenceCheckView* check = nullptr) {
  Data data = BaseData(site, page, "page.window.title");
  data.set("centre_name", CentreName(site, page, page.caller->actor.user.centre));
  data.set("csrf_token", page.caller->session.csrf_token);
  if (error != nullptr) {
    data.set("code_error", AddOneErrorSummary(site, page, *error, data, "#window-code"));
    MarkErrorTitle(site, page, data, page.T(site, "page.window.title"));
  }
  if (check != nullptr) {
    SetText(data, "licence_token", check->token);
    if (check->error != nullptr) {
      data.set("licence_error", AddOneErrorSummary(site, page, *check->error, data, "#window-licence"));
      MarkErrorTitle(site, page, data, page.T(site, "page.window.title"));
    }
    if (check->result) data.set("licence_result", *check->result);
  }
  Data visits{Data::type::list};
  auto open = services::ListOpenVisits(site.ctx(), page.caller->actor);
  if (open.ok()) {
    for (const auto& v : *open) {
      auto view = services::GetVisit(site.ctx(), page.caller->actor, v.id);
      if (!view.ok()) continue;
      Data row;
      row.set("href", "/office/window/visits/" + v.id);
      if (v.enterprise.empty()) {
        SetText(row, "name", view->person_name);
        row.set("masked_id", view->masked_id);
      } else {
        SetText(row, "name", view->enterprise_name.empty() ? v.enterprise : view->enterprise_name);
        row.set("masked_id", v.enterprise);
      }
      row.set("ends", FormatTime(v.ends_at));
      visits.push_back(row);
    }
  }
  data.set("visits", visits);
  data.set("has_visits", !visits.is_empty_list());
  const std::string done = page.req->Query("done");
  if (done == "closed") data.set("notice", page.T(site, "window.closed_notice"));
  return RenderPage(site, page, "window", data, status);
}

Response Console(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (auto refusal = Refusal(site, page, req, nullptr)) return std::move(*refusal);
  return ConsolePage(site, page, nullptr);
}

// A licence the person presents (ours or a peer's, issue 14 item 3), checked as the public
// verification page checks it (http/peer_verify.h).
Response LicenceCheck(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  const Form form = FormOf(req);
  if (auto refusal = Refusal(site, page, req, &form)) return std::move(*refusal);
  std::string token = FormValue(form, "licence");
  if (token.find_first_not_of(" \t\r\n") == std::string::npos) {
    const Error error = MakeError(ErrorCode::kInvalidArgument, "error.verify.token_required");
    const LicenceCheckView check{token, &error, std::nullopt};
    return ConsolePage(site, page, nullptr, 400, &check);
  }
  return VerifyThen(site.ctx(), site.deps.outbound, token, {},
                    [&site, page, token](Result<services::Verification> v) mutable {
                      if (!v.ok()) return ErrorPageFor(site, page, v.error());
                      const LicenceCheckView check{token, nullptr, VerificationView(site, page, *v)};
                      Response res = ConsolePage(site, page, nullptr, 200, &check);
                      res.AddHeader("Cache-Control", "no-store");
                      return res;
                    });
}

Response Scan(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  const Form form = FormOf(req);
  if (auto refusal = Refusal(site, page, req, &form)) return std::move(*refusal);
  const std::string code = FormValue(form, "code");
  if (code.empty()) {
    const Error error = MakeError(ErrorCode::kInvalidArgument, "error.window.identity_code_required");
    return ConsolePage(site, page, &error, 400);
  }
  auto visit = services::OpenVisit(site.ctx(), page.caller->actor, code);
  if (!visit.ok()) {
    const Error& error = visit.error();
    if (error.code != ErrorCode::kPermissionDenied && error.code != ErrorCode::kInvalidArgument) {
      return ErrorPageFor(site, page, error);
    }
    return ConsolePage(site, page, &error, HttpStatus(error.code));
  }
  return Redirect("/office/window/visits/" + visit->visit.id);
}

Response VisitPage(const Site& site, PageRequest& page, const std::string& id, const Error* error, int status = 200) {
  auto view = services::GetVisit(site.ctx(), page.caller->actor, id);
  if (!view.ok()) return ErrorPageFor(site, page, view.error());
  const bool enterprise = !view->visit.enterprise.empty();
  const std::string served =
      enterprise ? (view->enterprise_name.empty() ? view->visit.enterprise : view->enterprise_name) : view->person_name;
  Data data = BaseData(site, page, "page.window_visit.title", served);
  data.set("id", id);
  SetText(data, "person_name", served);
  data.set("masked_id", view->masked_id);
  if (enterprise) {
    // The enterprise served, and the agent who showed its code (the code's account).
    data.set("enterprise", true);
    data.set("credit_code", view->visit.enterprise);
    SetText(data, "agent_name", view->person_name);
  }
  data.set("centre_name", CentreName(site, page, view->visit.centre));
  data.set("ends", FormatTime(view->visit.ends_at));
  data.set("open", view->open);
  data.set("csrf_token", page.caller->session.csrf_token);
  if (page.req->Query("done") == "submitted") data.set("notice", page.T(site, "window.submitted_notice"));
  if (page.req->Query("done") == "handed_over") data.set("notice", page.T(site, "window.handed_over_notice"));
  if (error != nullptr) {
    data.set("item_error", AddOneErrorSummary(site, page, *error, data, "#window-item"));
    MarkErrorTitle(site, page, data, page.T(site, "page.window_visit.title", served));
  }
  if (view->open) {
    Data rows{Data::type::list};
    auto apps = services::VisitApplications(site.ctx(), page.caller->actor, id);
    if (apps.ok()) {
      for (const auto& app : *apps) {
        Data row;
        row.set("href", "/applications/" + app.id);
        row.set("item_name", ItemName(site, page, app.item));
        SetText(row, "reference", app.reference);
        row.set("department", DepartmentName(site, page, app.department));
        row.set("state_tag", StateTag(site, page, app.state));
        row.set("deadline", app.deadline ? FormatIsoDate(*app.deadline) : page.T(site, "application.no_deadline"));
        row.set("channel", TextOr(site, page, std::string("channel.") + domain::ChannelName(app.channel),
                                  domain::ChannelName(app.channel)));
        const auto catalogue = site.ctx().Catalogue();
        const domain::ServiceItem* item = catalogue ? catalogue->ItemUnder(app.item, app.pilot) : nullptr;
        row.set("on_the_spot", item != nullptr && item->on_the_spot && app.state == domain::ApplicationState::kSubmitted &&
                                   app.centre == page.caller->actor.user.centre);
        row.set("app_id", app.id);
        // 统一出件: an approved result is handed over here (a bundle's together).
        row.set("hand_over", app.state == domain::ApplicationState::kApproved);
        rows.push_back(row);
      }
    }
    data.set("rows", rows);
    data.set("has_rows", !rows.is_empty_list());
    Data items{Data::type::list};
    const domain::ApplicantKind kind = enterprise ? domain::ApplicantKind::kEnterprise : domain::ApplicantKind::kPerson;
    for (const std::string& code : services::WindowItems(site.ctx(), page.caller->actor, kind)) {
      Data option;
      option.set("value", code);
      option.set("label", ItemName(site, page, code));
      items.push_back(option);
    }
    data.set("items", items);
    Data bundles{Data::type::list};
    // Bundles (一件事) at the window are a person's life events.
    for (const std::string& code :
         enterprise ? std::vector<std::string>{} : services::WindowBundles(site.ctx(), page.caller->actor)) {
      const auto catalogue = site.ctx().Catalogue();
      const domain::Bundle* bundle = catalogue ? catalogue->FindBundle(code) : nullptr;
      Data option;
      option.set("value", code);
      option.set("label", bundle != nullptr ? bundle->name.In(page.lang) : code);
      bundles.push_back(option);
    }
    data.set("has_bundles", !bundles.is_empty_list());
    data.set("bundles", bundles);
  }
  return RenderPage(site, page, "window_visit", data, status);
}

Response Visit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (auto refusal = Refusal(site, page, req, nullptr)) return std::move(*refusal);
  return VisitPage(site, page, req.Param("id"), nullptr);
}

// The asked (not sourced) fields of `item`.
std::vector<const domain::Field*> AskedFields(const domain::ServiceItem& item) {
  std::vector<const domain::Field*> out;
  for (const auto& field : item.fields) {
    if (!field.source) out.push_back(&field);
  }
  return out;
}

// The pre-filled form of an item for the visit's person: the sourced values with their provenance
// (read now, logged with the clerk as accessor) and the asked fields, with "submit for them" and
// "save as their draft". `values` and `error` after a refused submission.
Response PrefillPage(const Site& site, PageRequest& page, const std::string& id, const std::string& item_code,
                     const std::map<std::string, std::string>& values, const Error* error, int status = 200) {
  auto view = services::GetVisit(site.ctx(), page.caller->actor, id);
  if (!view.ok()) return ErrorPageFor(site, page, view.error());
  if (!view->open) return Redirect("/office/window/visits/" + id);
  const auto catalogue = site.ctx().Catalogue();
  const domain::ServiceItem* item = catalogue ? catalogue->FindItem(item_code) : nullptr;
  if (item == nullptr) {
    const Error unknown = MakeError(ErrorCode::kNotFound, "error.item.not_found");
    return VisitPage(site, page, id, &unknown, 404);
  }
  auto read = services::WindowPrefill(site.ctx(), page.caller->actor, id, item_code);
  if (!read.ok()) {
    if (read.error().code == ErrorCode::kInternal || read.error().code == ErrorCode::kUnavailable) {
      return ErrorPageFor(site, page, read.error());
    }
    return VisitPage(site, page, id, &read.error(), HttpStatus(read.error().code));
  }
  const std::string item_name = item->name.In(page.lang);
  Data data = BaseData(site, page, "page.window_prefill.title", item_name);
  data.set("id", id);
  data.set("item", item->code);
  data.set("item_name", item_name);
  if (view->visit.enterprise.empty()) {
    SetText(data, "person_name", view->person_name);
    data.set("masked_id", view->masked_id);
  } else {
    SetText(data, "person_name", view->enterprise_name.empty() ? view->visit.enterprise : view->enterprise_name);
    data.set("masked_id", view->visit.enterprise);
  }
  data.set("csrf_token", page.caller->session.csrf_token);
  PrefillViewOptions options;
  options.flag_links = false;  // the person flags their own data; a clerk does not consent for them
  SetPrefillView(site, page, data, *item, *read, options);
  std::map<std::string, std::string> errors;
  if (error != nullptr) {
    errors = AddErrorSummary(site, page, *error, data);
    MarkErrorTitle(site, page, data, page.T(site, "page.window_prefill.title", item_name));
  }
  Data fields{Data::type::list};
  for (const domain::Field* field : AskedFields(*item)) {
    const auto value = values.find(field->name);
    const auto wrong = errors.find(field->name);
    fields.push_back(FieldView(site, page, *field, value == values.end() ? "" : value->second,
                               wrong == errors.end() ? "" : wrong->second));
  }
  data.set("has_fields", !fields.is_empty_list());
  data.set("fields", fields);
  return RenderPage(site, page, "window_prefill", data, status);
}

Response Prefill(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (auto refusal = Refusal(site, page, req, nullptr)) return std::move(*refusal);
  return PrefillPage(site, page, req.Param("id"), req.Query("item"), {}, nullptr);
}

// The confirm step: the application created and submitted for the visit's person (or saved as
// their draft), assisted_by the clerk; back at the visit, where it is listed with where it went.
Response SubmitForPerson(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  const Form form = FormOf(req);
  if (auto refusal = Refusal(site, page, req, &form)) return std::move(*refusal);
  const std::string id = req.Param("id");
  auto view = services::GetVisit(site.ctx(), page.caller->actor, id);
  if (!view.ok()) return ErrorPageFor(site, page, view.error());
  const std::string item_code = FormValue(form, "item");
  const auto catalogue = site.ctx().Catalogue();
  const domain::ServiceItem* item = catalogue ? catalogue->FindItem(item_code) : nullptr;
  if (item == nullptr) return ErrorPage(site, page, 404, "error.item.not_found");
  services::CreateApplicationRequest create;
  create.item = item->code;
  if (view->visit.enterprise.empty()) {
    create.on_behalf_of = view->visit.person_id;
  } else {
    create.enterprise = view->visit.enterprise;  // the enterprise's, its agent at the window
  }
  create.visit = id;
  create.submit = FormValue(form, "intent") != "draft";
  for (const domain::Field* field : AskedFields(*item)) {
    const std::string value = FormValue(form, field->name);
    if (!value.empty()) create.fields[field->name] = value;
  }
  auto app = services::CreateApplication(site.ctx(), page.caller->actor, create);
  if (!app.ok()) {
    const Error& error = app.error();
    if (error.code == ErrorCode::kInternal || error.code == ErrorCode::kUnavailable) return ErrorPageFor(site, page, error);
    return PrefillPage(site, page, id, item->code, create.fields, &error, HttpStatus(error.code));
  }
  if (!create.submit) return Redirect("/applications/" + app->id);
  return Redirect("/office/window/visits/" + id + "?done=submitted");
}

// The merged pre-filled form of a bundle for the visit's person (综合受理 of a bundle): each field
// once with where it came from, the merged asked fields, "submit for them"; one bundle case whose
// sub-cases go to their departments (分类办理, listed on the visit page).
Response BundlePage(const Site& site, PageRequest& page, const std::string& id, const std::string& bundle_code,
                    const std::map<std::string, std::string>& values, const Error* error, int status = 200) {
  auto view = services::GetVisit(site.ctx(), page.caller->actor, id);
  if (!view.ok()) return ErrorPageFor(site, page, view.error());
  if (!view->open) return Redirect("/office/window/visits/" + id);
  const auto catalogue = site.ctx().Catalogue();
  const domain::Bundle* bundle = catalogue ? catalogue->FindBundle(bundle_code) : nullptr;
  if (bundle == nullptr) {
    const Error unknown = MakeError(ErrorCode::kNotFound, "error.bundle.not_found");
    return VisitPage(site, page, id, &unknown, 404);
  }
  auto read = services::WindowPrefillBundle(site.ctx(), page.caller->actor, id, bundle_code);
  if (!read.ok()) {
    if (read.error().code == ErrorCode::kInternal || read.error().code == ErrorCode::kUnavailable) {
      return ErrorPageFor(site, page, read.error());
    }
    return VisitPage(site, page, id, &read.error(), HttpStatus(read.error().code));
  }
  const std::string bundle_name = bundle->name.In(page.lang);
  Data data = BaseData(site, page, "page.window_prefill.title", bundle_name);
  data.set("id", id);
  data.set("bundle", bundle->code);
  data.set("item_name", bundle_name);
  SetText(data, "person_name", view->person_name);
  data.set("masked_id", view->masked_id);
  data.set("csrf_token", page.caller->session.csrf_token);
  const std::vector<domain::Field> merged = services::MergedFields(*catalogue, *bundle);
  PrefillViewOptions options;
  options.flag_links = false;
  SetPrefillView(site, page, data, merged, read->fields, read->needs_consent, {}, options);
  Data parts{Data::type::list};
  for (const std::string& code : bundle->items) {
    const domain::ServiceItem* item = catalogue->FindItem(code);
    Data part;
    part.set("name", ItemName(site, page, code));
    part.set("department", item != nullptr ? DepartmentName(site, page, item->department) : "");
    parts.push_back(part);
  }
  data.set("parts", parts);
  std::map<std::string, std::string> errors;
  if (error != nullptr) {
    errors = AddErrorSummary(site, page, *error, data);
    MarkErrorTitle(site, page, data, page.T(site, "page.window_prefill.title", bundle_name));
  }
  Data fields{Data::type::list};
  for (const domain::Field& field : merged) {
    if (field.source) continue;
    const auto value = values.find(field.name);
    const auto wrong = errors.find(field.name);
    fields.push_back(FieldView(site, page, field, value == values.end() ? "" : value->second,
                               wrong == errors.end() ? "" : wrong->second));
  }
  data.set("has_fields", !fields.is_empty_list());
  data.set("fields", fields);
  return RenderPage(site, page, "window_bundle", data, status);
}

Response BundleForm(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (auto refusal = Refusal(site, page, req, nullptr)) return std::move(*refusal);
  return BundlePage(site, page, req.Param("id"), req.Query("bundle"), {}, nullptr);
}

Response SubmitBundle(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  const Form form = FormOf(req);
  if (auto refusal = Refusal(site, page, req, &form)) return std::move(*refusal);
  const std::string id = req.Param("id");
  auto view = services::GetVisit(site.ctx(), page.caller->actor, id);
  if (!view.ok()) return ErrorPageFor(site, page, view.error());
  const auto catalogue = site.ctx().Catalogue();
  const domain::Bundle* bundle = catalogue ? catalogue->FindBundle(FormValue(form, "bundle")) : nullptr;
  if (bundle == nullptr) return ErrorPage(site, page, 404, "error.bundle.not_found");
  services::CreateBundleRequest create;
  create.bundle = bundle->code;
  create.on_behalf_of = view->visit.person_id;
  create.visit = id;
  for (const domain::Field& field : services::MergedFields(*catalogue, *bundle)) {
    if (field.source) continue;
    const std::string value = FormValue(form, field.name);
    if (!value.empty()) create.fields[field.name] = value;
  }
  auto made = services::CreateBundleCase(site.ctx(), page.caller->actor, create);
  if (!made.ok()) {
    const Error& error = made.error();
    if (error.code == ErrorCode::kInternal || error.code == ErrorCode::kUnavailable) return ErrorPageFor(site, page, error);
    return BundlePage(site, page, id, bundle->code, create.fields, &error, HttpStatus(error.code));
  }
  return Redirect("/office/window/visits/" + id + "?done=submitted");
}

Response Start(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  const Form form = FormOf(req);
  if (auto refusal = Refusal(site, page, req, &form)) return std::move(*refusal);
  const std::string id = req.Param("id");
  auto app = services::StartForVisit(site.ctx(), page.caller->actor, id, FormValue(form, "item"));
  if (!app.ok()) {
    const Error& error = app.error();
    if (error.code == ErrorCode::kInternal || error.code == ErrorCode::kUnavailable) {
      return ErrorPageFor(site, page, error);
    }
    return VisitPage(site, page, id, &error, HttpStatus(error.code));
  }
  return Redirect("/applications/" + app->id);
}

Response OnTheSpot(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  const Form form = FormOf(req);
  if (auto refusal = Refusal(site, page, req, &form)) return std::move(*refusal);
  auto app = services::CompleteOnTheSpot(site.ctx(), page.caller->actor, FormValue(form, "application"));
  if (!app.ok()) return ErrorPageFor(site, page, app.error());
  return Redirect("/applications/" + app->id);
}

Response HandOver(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  const Form form = FormOf(req);
  if (auto refusal = Refusal(site, page, req, &form)) return std::move(*refusal);
  const std::string id = req.Param("id");
  auto handed = services::HandOverResults(site.ctx(), page.caller->actor, id, FormValue(form, "application"));
  if (!handed.ok()) {
    const Error& error = handed.error();
    if (error.code != ErrorCode::kConflict) return ErrorPageFor(site, page, error);
    return VisitPage(site, page, id, &error, HttpStatus(error.code));
  }
  return Redirect("/office/window/visits/" + id + "?done=handed_over");
}

Response Close(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  const Form form = FormOf(req);
  if (auto refusal = Refusal(site, page, req, &form)) return std::move(*refusal);
  auto closed = services::CloseVisit(site.ctx(), page.caller->actor, req.Param("id"));
  if (!closed.ok()) return ErrorPageFor(site, page, closed.error());
  return Redirect("/office/window?done=closed");
}

}  // namespace

void RegisterWindowPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/office/window", [site](Request& req) { return Console(*site, req); });
  router.Add("POST", "/office/window/visits", [site](Request& req) { return Scan(*site, req); });
  router.Add("POST", "/office/window/licence-check", [site](Request& req) { return LicenceCheck(*site, req); });
  router.Add("GET", "/office/window/visits/{id}", [site](Request& req) { return Visit(*site, req); });
  router.Add("POST", "/office/window/visits/{id}/start", [site](Request& req) { return Start(*site, req); });
  router.Add("GET", "/office/window/visits/{id}/prefill", [site](Request& req) { return Prefill(*site, req); });
  router.Add("POST", "/office/window/visits/{id}/submit", [site](Request& req) { return SubmitForPerson(*site, req); });
  router.Add("POST", "/office/window/visits/{id}/hand-over", [site](Request& req) { return HandOver(*site, req); });
  router.Add("GET", "/office/window/visits/{id}/bundle", [site](Request& req) { return BundleForm(*site, req); });
  router.Add("POST", "/office/window/visits/{id}/bundle", [site](Request& req) { return SubmitBundle(*site, req); });
  router.Add("POST", "/office/window/visits/{id}/close", [site](Request& req) { return Close(*site, req); });
  router.Add("POST", "/office/window/visits/{id}/complete", [site](Request& req) { return OnTheSpot(*site, req); });
}

}  // namespace tongban::http::web
