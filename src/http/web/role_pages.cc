// Role grants (issue 13 item 6): /office/roles?username=U shows an official's roles and the changes
// that led to them, with a form to grant a role and one to withdraw a role, each with a required
// reason (administrators; plain forms with the CSRF token). The decision records' role changes:
// /office/decisions/roles lists every change newest first, and /office/decisions/roles/compare
// shows, side by side, an account's roles before and after a change (?change=ID) or every changed
// account's roles at the end of two days (?from=YYYY-MM-DD&to=YYYY-MM-DD), for the reform office
// and administrators. All of it works without JavaScript.
#include <iterator>

#include "http/web/diff_view.h"
#include "http/web/forms.h"
#include "http/web/page.h"
#include "http/web/render.h"
#include "http/web/role_view.h"
#include "services/decision_records.h"
#include "services/roles.h"

namespace tongban::http::web {
namespace {

constexpr domain::Role kOfficialRoles[] = {domain::Role::kClerk,      domain::Role::kReviewer, domain::Role::kDataOwner,
                                           domain::Role::kSupervisor, domain::Role::kAdmin,    domain::Role::kReformOffice};

std::string RoleText(const Site& site, const PageRequest& page, domain::Role role) {
  return page.T(site, std::string("roles.name.") + domain::RoleName(role));
}

std::string RolesText(const Site& site, const PageRequest& page, const std::vector<domain::Role>& roles) {
  if (roles.empty()) return page.T(site, "roles.none");
  std::string out;
  for (const domain::Role role : roles) {
    if (!out.empty()) out += page.lang == domain::Language::kZh ? "、" : ", ";
    out += RoleText(site, page, role);
  }
  return out;
}

std::string ScopeText(const Site& site, const PageRequest& page, const std::string& department,
                      const std::string& centre) {
  std::string out;
  if (!department.empty()) out = DepartmentName(site, page, department);
  if (!centre.empty()) out += (out.empty() ? "" : " · ") + centre;
  return out.empty() ? page.T(site, "roles.no_scope") : out;
}

Data ChangeRow(const Site& site, const PageRequest& page, const domain::RoleChange& c) {
  Data row;
  row.set("id", c.id);
  row.set("username", c.username);
  row.set("user_href", "/office/roles?username=" + UrlEncode(c.username));
  std::string what = page.T(site, std::string("roles.action.") + domain::RoleChangeActionName(c.action));
  if (c.role && c.action != domain::RoleChangeAction::kRecorded) what += " · " + RoleText(site, page, *c.role);
  row.set("what", what);
  row.set("roles_after", RolesText(site, page, c.roles_after));
  row.set("scope", ScopeText(site, page, c.department, c.centre));
  row.set("changed_by", c.changed_by);
  row.set("changed_at", FormatTime(c.changed_at));
  row.set("datetime", FormatRfc3339(c.changed_at));
  row.set("reason", c.action == domain::RoleChangeAction::kCreated ? page.T(site, "roles.reason_created")
                    : c.action == domain::RoleChangeAction::kRecorded ? page.T(site, "roles.reason_recorded")
                                                                       : c.reason);
  row.set("compare_href", "/office/decisions/roles/compare?change=" + UrlEncode(c.id));
  row.set("compare_text", page.T(site, "roles.compare_change", c.username));
  return row;
}

bool IsAdmin(const PageRequest& page) {
  return page.caller && services::RequireRoleAdministrator(page.caller->actor).ok();
}

// The form's input an error is about.
std::string AnchorOf(const Error& error, const std::string& form) {
  const std::string& m = error.message;
  if (m == "error.roles.reason_required" || m == "error.roles.reason_invalid" || m == "error.roles.reason_long") {
    return form + "-reason";
  }
  return form + "-role";
}

Response Render(const Site& site, PageRequest& page, const std::string& username, const std::string& form,
                const Error* error, const std::string& typed_reason, const std::string& notice) {
  Data data = BaseData(site, page, "page.roles.title");
  data.set("username", username);
  int status = 200;
  if (!username.empty()) {
    auto roles = services::ListUserRoles(site.ctx(), page.caller->actor, username, page.req->Query("page_token"),
                                         ports::kDefaultPageSize);
    if (!roles.ok()) {
      if (roles.error().code != ErrorCode::kNotFound && roles.error().code != ErrorCode::kInvalidArgument) {
        return ErrorPageFor(site, page, roles.error());
      }
      const std::string text = AddOneErrorSummary(site, page, roles.error(), data, "#roles-username");
      data.set("username_error", text);
      MarkErrorTitle(site, page, data, page.T(site, "page.roles.title"));
      status = HttpStatus(roles.error().code);
    } else {
      const domain::User& user = roles->user;
      Data account;
      account.set("username", user.username);
      account.set("name", user.display_name);
      account.set("scope", ScopeText(site, page, user.department, user.centre));
      account.set("roles", RolesText(site, page, user.roles));
      account.set("action_grant", "/office/roles/" + UrlEncode(user.username) + "/grant");
      account.set("action_withdraw", "/office/roles/" + UrlEncode(user.username) + "/withdraw");
      Data grantable{Data::type::list};
      Data held{Data::type::list};
      for (const domain::Role role : kOfficialRoles) {
        Data option;
        option.set("value", domain::RoleName(role));
        option.set("label", RoleText(site, page, role));
        (user.HasRole(role) ? held : grantable).push_back(option);
      }
      account.set("grantable", grantable);
      account.set("held", held);
      account.set("can_grant", user.roles.size() < std::size(kOfficialRoles));
      account.set("can_withdraw", !user.roles.empty());
      account.set("changes", RoleChangeRows(site, page, roles->changes.changes));
      account.set("changes_caption", page.T(site, "roles.changes_caption", user.username));
      data.set("account", account);
      const bool first_page = page.req->Query("page_token").empty();
      if (!first_page || !roles->changes.next_page_token.empty()) {
        Data pager;
        const std::string base = "/office/roles?username=" + UrlEncode(user.username);
        if (!first_page) pager.set("first_href", base);
        if (!roles->changes.next_page_token.empty()) {
          pager.set("next_href", base + "&page_token=" + UrlEncode(roles->changes.next_page_token));
        }
        data.set("pager", pager);
      }
    }
  }
  if (error != nullptr) {
    const std::string anchor = AnchorOf(*error, form);
    const std::string text = AddOneErrorSummary(site, page, *error, data, "#" + anchor);
    std::string key = anchor + "_error";
    for (char& c : key) c = c == '-' ? '_' : c;
    data.set(key, text);
    data.set(form + "_reason", typed_reason);
    MarkErrorTitle(site, page, data, page.T(site, "page.roles.title"));
    status = HttpStatus(error->code);
  } else if (!notice.empty()) {
    data.set("notice", notice);
  }
  return RenderPage(site, page, "roles", data, status);
}

Response RolesPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  if (!IsAdmin(page)) return ErrorPage(site, page, 403, "error.roles.admin_only");
  std::string notice;
  const std::string done = req.Query("done");
  const auto role = domain::ParseRole(req.Query("role"));
  if ((done == "granted" || done == "withdrawn") && role) {
    notice = page.T(site, "roles.notice_" + done, RoleText(site, page, *role));
  }
  return Render(site, page, req.Query("username"), "", nullptr, "", notice);
}

Response ChangeSubmit(const Site& site, Request& req, bool grant) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  if (!IsAdmin(page)) return ErrorPage(site, page, 403, "error.roles.admin_only");
  const std::string username = req.Param("username");
  services::RoleChangeRequest change{username, FormValue(form, "role"), FormValue(form, "reason"), ""};
  auto changed = grant ? services::GrantRoleAs(site.ctx(), page.caller->actor, change)
                       : services::WithdrawRoleAs(site.ctx(), page.caller->actor, change);
  if (!changed.ok()) {
    if (changed.error().code == ErrorCode::kInternal || changed.error().code == ErrorCode::kUnavailable) {
      return ErrorPageFor(site, page, changed.error());
    }
    return Render(site, page, username, grant ? "grant" : "withdraw", &changed.error(), change.reason, "");
  }
  return Redirect("/office/roles?username=" + UrlEncode(changed->username) + "&done=" +
                  (grant ? "granted" : "withdrawn") + "&role=" + UrlEncode(change.role));
}

Response RoleChangesPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  auto listed = services::ListRoleChangeRecords(site.ctx(), page.caller->actor, req.Query("page_token"),
                                                ports::kDefaultPageSize);
  if (!listed.ok()) return ErrorPageFor(site, page, listed.error());
  Data data = BaseData(site, page, "page.role_changes.title");
  data.set("rows", RoleChangeRows(site, page, listed->changes));
  data.set("has_rows", !listed->changes.empty());
  const std::string today = FormatIsoDate(Today(site));
  data.set("from", today);
  data.set("to", today);
  const bool first_page = req.Query("page_token").empty();
  if (!first_page || !listed->next_page_token.empty()) {
    Data pager;
    if (!first_page) pager.set("first_href", "/office/decisions/roles");
    if (!listed->next_page_token.empty()) {
      pager.set("next_href", "/office/decisions/roles?page_token=" + UrlEncode(listed->next_page_token));
    }
    data.set("pager", pager);
  }
  return RenderPage(site, page, "role_changes", data);
}

Response ComparePage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  Result<services::RoleComparison> comparison = MakeError(ErrorCode::kInvalidArgument, "error.roles.days");
  std::string heading;
  if (!req.Query("change").empty()) {
    comparison = services::CompareRoleChange(site.ctx(), page.caller->actor, req.Query("change"));
    if (comparison.ok()) heading = page.T(site, "roles.compare_change_title", comparison->change->username);
  } else {
    const auto from = ParseIsoDate(req.Query("from"));
    const auto to = ParseIsoDate(req.Query("to"));
    if (from && to) {
      comparison = services::CompareRolesBetween(site.ctx(), page.caller->actor, *from, *to);
      heading = page.T(site, "roles.compare_days_title", FormatIsoDate(*from) + " → " + FormatIsoDate(*to));
    }
  }
  if (!comparison.ok()) return ErrorPageFor(site, page, comparison.error());
  Data data = BaseData(site, page, "page.role_compare.title", heading);
  data.set("heading", heading);
  data.set("changes", RoleChangeRows(site, page, comparison->changes));
  data.set("has_changes", !comparison->changes.empty());
  data.set("changes_caption", page.T(site, "role_compare.changes_caption"));
  Data rows{Data::type::list};
  for (const auto& row : comparison->rows) {
    rows.push_back(DiffRowData(site, page, row));
  }
  data.set("rows", rows);
  data.set("has_rows", !comparison->rows.empty());
  return RenderPage(site, page, "role_compare", data);
}

}  // namespace

Data RoleChangeRows(const Site& site, const PageRequest& page, const std::vector<domain::RoleChange>& changes) {
  Data rows{Data::type::list};
  for (const auto& c : changes) rows.push_back(ChangeRow(site, page, c));
  return rows;
}

void RegisterRolePages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/office/roles", [site](Request& req) { return RolesPage(*site, req); });
  router.Add("POST", "/office/roles/{username}/grant", [site](Request& req) { return ChangeSubmit(*site, req, true); });
  router.Add("POST", "/office/roles/{username}/withdraw",
             [site](Request& req) { return ChangeSubmit(*site, req, false); });
  router.Add("GET", "/office/decisions/roles", [site](Request& req) { return RoleChangesPage(*site, req); });
  router.Add("GET", "/office/decisions/roles/compare", [site](Request& req) { return ComparePage(*site, req); });
}

}  // namespace tongban::http::web
