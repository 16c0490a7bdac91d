// The officials' workbench (issue 8 point 8): the queue of a department (or a clerk's centre) by
// deadline, with overdue and due-soon marks and how many cases wait; search by reference number,
// applicant name or ID number, item and state; "mine"; assigning a case to oneself or a colleague.
#include <algorithm>
#include <map>

#include "common/ids.h"
#include "http/web/forms.h"
#include "http/web/page.h"
#include "services/applications.h"

namespace tongban::http::web {
namespace {

using domain::Application;
using domain::ApplicationState;

bool IsOfficial(const PageRequest& page) {
  if (!page.caller) return false;
  const auto& roles = page.caller->actor.user.roles;
  return std::any_of(roles.begin(), roles.end(), [](domain::Role r) { return domain::IsOfficialRole(r); });
}

// The officials the caller may assign to (their department's), by id; empty for a centre clerk.
std::map<std::string, domain::User> ColleaguesById(const Site& site, const PageRequest& page) {
  std::map<std::string, domain::User> out;
  auto colleagues = services::Colleagues(site.ctx(), page.caller->actor);
  if (!colleagues.ok()) return out;
  for (auto& user : *colleagues) out.emplace(user.id, std::move(user));
  return out;
}

}  // namespace

// The applicant as pages show them: the name and a masked resident id, or the enterprise's name and
// credit code (public data).
void SetApplicant(Data& row, const Application& app) {
  SetText(row, "applicant_name", app.applicant_name);
  if (!app.enterprise.empty()) {
    row.set("applicant_id", app.enterprise);
  } else if (!app.person_id.empty()) {
    row.set("applicant_id", MaskResidentId(app.person_id));
  }
}

// The rows of an applications table (my applications, the workbench): the link uses the
// reference number, which works in URLs as the id does.
Data ApplicationTableRows(const Site& site, const PageRequest& page, const std::vector<Application>& apps,
                          const std::map<std::string, domain::User>* colleagues) {
  Data rows{Data::type::list};
  const std::string me = page.caller ? page.caller->actor.user.id : std::string();
  for (const auto& app : apps) {
    Data row;
    row.set("id", app.id);
    row.set("href", "/applications/" + app.id);
    SetText(row, "reference", app.reference);
    row.set("item_name", ItemName(site, page, app.item));
    row.set("state_tag", StateTag(site, page, app.state));
    row.set("submitted", app.submitted_at ? FormatTime(*app.submitted_at) : page.T(site, "application.not_submitted"));
    row.set("deadline", app.deadline ? FormatIsoDate(*app.deadline) : page.T(site, "application.no_deadline"));
    const services::DeadlineMark mark = services::MarkDeadline(site.ctx(), app);
    row.set("overdue", mark == services::DeadlineMark::kOverdue);
    row.set("due_soon", mark == services::DeadlineMark::kDueSoon);
    SetApplicant(row, app);
    if (colleagues != nullptr) {
      if (!app.assignee_user_id.empty()) {
        const auto it = colleagues->find(app.assignee_user_id);
        row.set("assignee", it != colleagues->end() ? it->second.display_name : page.T(site, "office.assigned_other"));
      }
      const bool may_assign = !colleagues->empty() && colleagues->count(me) > 0 && !domain::IsTerminal(app.state);
      row.set("assign_me", may_assign && app.assignee_user_id != me);
      row.set("assign_href", "/applications/" + app.id + "/assign");
      row.set("may_assign", may_assign);
    }
    rows.push_back(row);
  }
  return rows;
}

namespace {

Response Workbench(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  if (!IsOfficial(page)) return ErrorPage(site, page, 403, "page.forbidden.office");
  const auto& user = page.caller->actor.user;
  const bool clerk = user.HasRole(domain::Role::kClerk);
  // A supervisor has no queue of cases: their workbench is the supervision records (supervision_pages.cc).
  if (user.HasRole(domain::Role::kSupervisor) && !clerk && !user.HasRole(domain::Role::kReviewer)) {
    return Redirect("/office/supervision");
  }
  Data data = BaseData(site, page, clerk ? "page.office.title_clerk" : "page.office.title");
  // Supervisors record and read supervision records (supervision_pages.cc).
  data.set("supervision_link", page.caller->actor.user.HasRole(domain::Role::kSupervisor));
  data.set("title_heading", page.T(site, clerk ? "office.heading_clerk" : "office.heading"));

  services::ListRequest request;
  request.page_token = req.Query("page_token");
  request.limit = ports::kDefaultPageSize;
  request.by_deadline = true;
  const std::string state_name = req.Query("state");
  request.state = domain::ParseState(state_name);
  const std::string query = req.Query("q");
  request.query = query;
  request.item = req.Query("item");
  request.mine = req.Query("mine") == "1";

  // The search as typed, kept in the form.
  SetText(data, "q", query);
  data.set("mine", request.mine);
  data.set("q_max", std::to_string(services::kMaxSearchCodePoints));
  Data states{Data::type::list};
  // Every state an official's queue can hold (drafts are their applicants' own).
  for (const ApplicationState listed_state :
       {ApplicationState::kSubmitted, ApplicationState::kAccepted, ApplicationState::kCorrectionRequested,
        ApplicationState::kUnderReview, ApplicationState::kApproved, ApplicationState::kDelivered,
        ApplicationState::kCompleted, ApplicationState::kNotAccepted, ApplicationState::kRefused,
        ApplicationState::kWithdrawn}) {
    const std::string name = domain::StateName(listed_state);
    Data option;
    option.set("value", name);
    option.set("label", TextOr(site, page, std::string("state.") + name, name));
    option.set("selected", state_name == name);
    states.push_back(option);
  }
  data.set("states", states);
  Data items{Data::type::list};
  if (const auto catalogue = site.ctx().Catalogue()) {
    for (const auto& item : catalogue->items()) {
      if (!user.department.empty() && item.department != user.department) continue;
      Data option;
      option.set("value", item.code);
      option.set("label", item.name.In(page.lang));
      option.set("selected", request.item == item.code);
      items.push_back(option);
    }
  }
  data.set("items", items);

  auto counts = services::CountQueue(site.ctx(), page.caller->actor);
  if (counts.ok()) {
    data.set("counts", true);
    data.set("waiting", std::to_string(counts->waiting));
    data.set("overdue_count", std::to_string(counts->overdue));
    data.set("due_soon_count", std::to_string(counts->due_soon));
  }

  auto listed = services::ListApplications(site.ctx(), page.caller->actor, request);
  if (!listed.ok()) {
    const Error& error = listed.error();
    const bool search_error = error.message == "error.application.reference_check" ||
                              error.message == "error.search.query" || error.message == "error.page_token.invalid";
    if (!search_error) return ErrorPageFor(site, page, error);
    data.set("q_error", AddOneErrorSummary(site, page, error, data, "#office-q"));
    MarkErrorTitle(site, page, data, page.T(site, clerk ? "page.office.title_clerk" : "page.office.title"));
    data.set("has_rows", false);
    return RenderPage(site, page, "office", data, HttpStatus(error.code) == 404 ? 200 : HttpStatus(error.code));
  }
  const auto colleagues = ColleaguesById(site, page);
  data.set("rows", ApplicationTableRows(site, page, listed->applications, &colleagues));
  data.set("has_rows", !listed->applications.empty());
  data.set("show_applicant", true);
  data.set("show_assignee", true);
  data.set("csrf_token", page.caller->session.csrf_token);
  data.set("table_caption", page.T(site, "office.caption"));

  std::string base = "/office?";
  if (request.state) base += "state=" + state_name + "&";
  if (!query.empty()) base += "q=" + UrlEncode(query) + "&";
  if (!request.item.empty()) base += "item=" + UrlEncode(request.item) + "&";
  if (request.mine) base += "mine=1&";
  base.pop_back();
  data.set("return", base);
  const bool first_page = request.page_token.empty();
  if (!first_page || !listed->next_page_token.empty()) {
    Data pager;
    if (!first_page) pager.set("first_href", base);
    if (!listed->next_page_token.empty()) {
      pager.set("next_href", base + (base.find('?') == std::string::npos ? "?" : "&") +
                                 "page_token=" + UrlEncode(listed->next_page_token));
    }
    data.set("pager", pager);
  }
  const std::string done = req.Query("done");
  if (done == "assign") data.set("notice", page.T(site, "notice.done.assign"));
  return RenderPage(site, page, "office", data);
}

// The page to choose whom to assign a case to: the caller or a colleague of the department.
Response AssignPage(const Site& site, PageRequest& page, const std::string& id, const Error* error) {
  auto app = services::GetApplication(site.ctx(), page.caller->actor, id);
  if (!app.ok()) return ErrorPageFor(site, page, app.error());
  auto colleagues = services::Colleagues(site.ctx(), page.caller->actor);
  if (!colleagues.ok()) return ErrorPageFor(site, page, colleagues.error());
  const std::string reference = app->reference.empty() ? app->id : app->reference;
  Data data = BaseData(site, page, "page.assign.title", reference);
  data.set("id", app->id);
  data.set("reference", reference);
  data.set("item_name", ItemName(site, page, app->item));
  data.set("back_href", "/applications/" + reference);
  data.set("csrf_token", page.caller->session.csrf_token);
  Data people{Data::type::list};
  const std::string me = page.caller->actor.user.id;
  int index = 0;
  for (const auto& user : *colleagues) {
    Data person;
    person.set("value", user.id);
    // The first radio is "assignee", where the error summary links.
    person.set("input_id", index++ == 0 ? std::string("assignee") : "assignee-" + std::to_string(index));
    person.set("label", user.id == me ? page.T(site, "assign.me", user.display_name) : user.display_name);
    person.set("checked", app->assignee_user_id.empty() ? user.id == me : user.id == app->assignee_user_id);
    people.push_back(person);
  }
  data.set("people", people);
  if (error != nullptr) {
    data.set("assignee_error", AddOneErrorSummary(site, page, *error, data, "#assignee"));
    MarkErrorTitle(site, page, data, page.T(site, "page.assign.title", reference));
  }
  return RenderPage(site, page, "assign", data, error == nullptr ? 200 : HttpStatus(error->code));
}

Response AssignForm(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  return AssignPage(site, page, req.Param("id"), nullptr);
}

Response AssignSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  const std::string id = req.Param("id");
  std::string assignee = FormValue(form, "assignee");
  if (FormValue(form, "to") == "me") assignee = page.caller->actor.user.id;
  auto assigned = services::Assign(site.ctx(), page.caller->actor, id, assignee);
  if (!assigned.ok()) {
    const Error& error = assigned.error();
    if (error.code == ErrorCode::kInvalidArgument) return AssignPage(site, page, id, &error);
    return ErrorPageFor(site, page, error);
  }
  std::string back = FormValue(form, "return");
  if (!IsLocalPath(back) || back.rfind("/office", 0) != 0) {
    back = "/applications/" + (assigned->reference.empty() ? assigned->id : assigned->reference) + "?done=assign";
  } else {
    back += std::string(back.find('?') == std::string::npos ? "?" : "&") + "done=assign";
  }
  return Redirect(back);
}

}  // namespace

void RegisterOfficePages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/office", [site](Request& req) { return Workbench(*site, req); });
  router.Add("GET", "/applications/{id}/assign", [site](Request& req) { return AssignForm(*site, req); });
  router.Add("POST", "/applications/{id}/assign", [site](Request& req) { return AssignSubmit(*site, req); });
}

}  // namespace tongban::http::web
