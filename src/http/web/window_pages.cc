// The comprehensive window's console (综合窗口, issue 11 item 3, services/window.h): a clerk of a
// service centre scans the person's identity code into an autofocused field (a scanner is a
// keyboard: it types the token and Enter), which opens a window visit; the visit page shows the
// person's name and masked id, their drafts and open applications with where each was routed
// (department, state, deadline), the items the centre takes, and "start" for one, which records
// the person's consent for the visit, pre-fills the form from the city's data and opens the draft
// (the clerk completes and submits it on the application page); closing the visit ends it.
// Works without JavaScript.
#include <map>
#include <optional>
#include <string>

#include "http/web/forms.h"
#include "http/web/page.h"
#include "services/window.h"

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

// The console: the scan field, and the clerk's open visits.
Response ConsolePage(const Site& site, PageRequest& page, const Error* error, int status = 200) {
  Data data = BaseData(site, page, "page.window.title");
  data.set("centre_name", CentreName(site, page, page.caller->actor.user.centre));
  data.set("csrf_token", page.caller->session.csrf_token);
  if (error != nullptr) {
    data.set("code_error", AddOneErrorSummary(site, page, *error, data, "#window-code"));
    MarkErrorTitle(site, page, data, page.T(site, "page.window.title"));
  }
  Data visits{Data::type::list};
  auto open = services::ListOpenVisits(site.ctx(), page.caller->actor);
  if (open.ok()) {
    for (const auto& v : *open) {
      auto view = services::GetVisit(site.ctx(), page.caller->actor, v.id);
      if (!view.ok()) continue;
      Data row;
      row.set("href", "/office/window/visits/" + v.id);
      SetText(row, "name", view->person_name);
      row.set("masked_id", view->masked_id);
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
  Data data = BaseData(site, page, "page.window_visit.title", view->person_name);
  data.set("id", id);
  SetText(data, "person_name", view->person_name);
  data.set("masked_id", view->masked_id);
  data.set("centre_name", CentreName(site, page, view->visit.centre));
  data.set("ends", FormatTime(view->visit.ends_at));
  data.set("open", view->open);
  data.set("csrf_token", page.caller->session.csrf_token);
  if (error != nullptr) {
    data.set("item_error", AddOneErrorSummary(site, page, *error, data, "#window-item"));
    MarkErrorTitle(site, page, data, page.T(site, "page.window_visit.title", view->person_name));
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
        const domain::ServiceItem* item = catalogue ? catalogue->FindItem(app.item) : nullptr;
        row.set("on_the_spot", item != nullptr && item->on_the_spot && app.state == domain::ApplicationState::kSubmitted &&
                                   app.centre == page.caller->actor.user.centre);
        row.set("app_id", app.id);
        rows.push_back(row);
      }
    }
    data.set("rows", rows);
    data.set("has_rows", !rows.is_empty_list());
    Data items{Data::type::list};
    for (const std::string& code : services::WindowItems(site.ctx(), page.caller->actor)) {
      Data option;
      option.set("value", code);
      option.set("label", ItemName(site, page, code));
      items.push_back(option);
    }
    data.set("items", items);
  }
  return RenderPage(site, page, "window_visit", data, status);
}

Response Visit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (auto refusal = Refusal(site, page, req, nullptr)) return std::move(*refusal);
  return VisitPage(site, page, req.Param("id"), nullptr);
}

Response Start(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  const Form form = FormOf(req);
  if (auto refusal = Refusal(site, page, req, &form)) return std::move(*refusal);
  const std::string id = req.Param("id");
  auto app = services::StartForPerson(site.ctx(), page.caller->actor, id, FormValue(form, "item"));
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
  router.Add("GET", "/office/window/visits/{id}", [site](Request& req) { return Visit(*site, req); });
  router.Add("POST", "/office/window/visits/{id}/start", [site](Request& req) { return Start(*site, req); });
  router.Add("POST", "/office/window/visits/{id}/close", [site](Request& req) { return Close(*site, req); });
  router.Add("POST", "/office/window/visits/{id}/complete", [site](Request& req) { return OnTheSpot(*site, req); });
}

}  // namespace tongban::http::web
