// The enterprise pages: the enterprise switcher (which enterprise an agent acts for in this
// session, kept with the session on the server), and the rights page on which an enterprise's
// administrator grants and withdraws its agents' rights (the services the API uses; the page
// only translates).
#include <algorithm>
#include <set>

#include "http/web/forms.h"
#include "services/accounts.h"

namespace tongban::http::web {
namespace {

// The value of the switcher's choice "act for myself".
constexpr char kSelf[] = "self";

std::string ReturnPath(const std::string& wanted) { return IsLocalPath(wanted) ? wanted : "/applications"; }

Data SwitcherData(const Site& site, const PageRequest& page, const std::vector<services::EnterpriseChoice>& choices,
                  const std::string& acting, const std::string& return_path) {
  Data data = BaseData(site, page, "page.enterprise.title");
  Data options{Data::type::list};
  Data administered{Data::type::list};
  for (const auto& choice : choices) {
    Data option;
    option.set("value", choice.enterprise.code);
    option.set("id", "enterprise-" + choice.enterprise.code);
    option.set("name", choice.enterprise.name);
    option.set("code", choice.enterprise.code);
    option.set("checked", choice.enterprise.code == acting);
    options.push_back(option);
    if (choice.administrator) {
      Data link;
      link.set("href", "/enterprises/" + choice.enterprise.code + "/agents");
      link.set("text", page.T(site, "enterprise.manage_agents", choice.enterprise.name));
      administered.push_back(link);
    }
  }
  data.set("options", options);
  data.set("has_options", !options.is_empty_list());
  data.set("self_checked", acting.empty());
  data.set("self_value", kSelf);
  data.set("administered", administered);
  data.set("has_administered", !administered.is_empty_list());
  data.set("return_path_value", return_path);
  return data;
}

Response Switcher(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto& actor = page.caller->actor;
  auto choices = services::EnterprisesOf(site.ctx(), actor);
  if (!choices.ok()) return ErrorPageFor(site, page, choices.error());
  auto acting = services::ActingEnterprise(site.ctx(), actor, page.caller->session, /*choose_single=*/false);
  if (!acting.ok()) return ErrorPageFor(site, page, acting.error());
  Data data = SwitcherData(site, page, *choices, *acting, ReturnPath(req.Query("return")));
  if (req.Query("needed") == "1") data.set("notice", page.T(site, "enterprise.needed"));
  return RenderPage(site, page, "enterprise", data);
}

Response Choose(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  const auto& actor = page.caller->actor;
  const std::string chosen = FormValue(form, "enterprise");
  const std::string return_path = ReturnPath(FormValue(form, "return"));
  Status done = chosen.empty() ? Status(MakeError(ErrorCode::kInvalidArgument, "error.enterprise.choose"))
                               : services::ChooseEnterprise(site.ctx(), actor, page.caller->session.token_hash,
                                                            chosen == kSelf ? "" : chosen);
  if (done.ok()) return Redirect(return_path);
  const Error& error = done.error();
  if (error.code != ErrorCode::kInvalidArgument && error.code != ErrorCode::kPermissionDenied) {
    return ErrorPageFor(site, page, error);
  }
  auto choices = services::EnterprisesOf(site.ctx(), actor);
  if (!choices.ok()) return ErrorPageFor(site, page, choices.error());
  Data data = SwitcherData(site, page, *choices, page.caller->session.acting_enterprise, return_path);
  data.set("choice_error", AddOneErrorSummary(site, page, error, data, "#enterprise-choice"));
  MarkErrorTitle(site, page, data, page.T(site, "page.enterprise.title"));
  return RenderPage(site, page, "enterprise", data, HttpStatus(error.code));
}

// The rights page's data; `failed_user` and `error` mark the agent whose change failed.
Result<Data> AgentsData(const Site& site, const PageRequest& page, const std::string& code) {
  auto listed = services::ListEnterpriseAgents(site.ctx(), page.caller->actor, code, page.req->Query("page_token"),
                                               ports::kDefaultPageSize);
  if (!listed.ok()) return listed.take_error();
  Data data = BaseData(site, page, "page.agents.title", listed->enterprise.name);
  data.set("enterprise_name", listed->enterprise.name);
  data.set("enterprise_code", listed->enterprise.code);
  data.set("form_action", "/enterprises/" + listed->enterprise.code + "/agents");
  const auto catalogue = site.ctx().Catalogue();
  std::vector<const domain::ServiceItem*> items;
  if (catalogue) {
    for (const auto& item : catalogue->items()) {
      if (item.applicant == domain::ApplicantKind::kEnterprise) items.push_back(&item);
    }
  }
  Data agents{Data::type::list};
  for (const auto& agent : listed->agents) {
    const auto& grant = agent.grant;
    Data row;
    const std::string key = agent.username;
    row.set("username", agent.username);
    row.set("name", agent.name.empty() ? agent.username : agent.name);
    row.set("anchor", "agent-" + key);
    row.set("may_apply", grant.may_apply);
    row.set("may_withdraw", grant.may_withdraw);
    std::string summary;
    if (!grant.may_apply) {
      summary = page.T(site, "agents.no_rights");
    } else {
      std::string scope;
      if (grant.items.empty()) {
        scope = page.T(site, "agents.every_item");
      } else {
        for (const auto& code_of_item : grant.items) {
          scope += (scope.empty() ? "" : page.T(site, "agents.list_separator")) + ItemName(site, page, code_of_item);
        }
      }
      summary = page.T(site, "agents.may_apply_for", scope);
      if (grant.may_withdraw) summary += " " + page.T(site, "agents.may_withdraw_too");
    }
    row.set("summary", summary);
    Data options{Data::type::list};
    const std::set<std::string> granted(grant.items.begin(), grant.items.end());
    for (const auto* item : items) {
      Data option;
      option.set("value", item->code);
      option.set("id", "agent-" + key + "-item-" + item->code);
      option.set("label", item->name.In(page.lang));
      option.set("checked", granted.count(item->code) > 0);
      options.push_back(option);
    }
    row.set("items", options);
    agents.push_back(row);
  }
  data.set("agents", agents);
  data.set("has_agents", !agents.is_empty_list());
  if (!listed->next_page_token.empty()) {
    Data pager;
    pager.set("next_href", "/enterprises/" + code + "/agents?page_token=" + UrlEncode(listed->next_page_token));
    if (!page.req->Query("page_token").empty()) pager.set("first_href", "/enterprises/" + code + "/agents");
    data.set("pager", pager);
  } else if (!page.req->Query("page_token").empty()) {
    Data pager;
    pager.set("first_href", "/enterprises/" + code + "/agents");
    data.set("pager", pager);
  }
  return data;
}

Response Agents(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  auto data = AgentsData(site, page, req.Param("code"));
  if (!data.ok()) return ErrorPageFor(site, page, data.error());
  const std::string done = req.Query("done");
  if (done == "granted" || done == "withdrawn") data->set("notice", page.T(site, "agents.done." + done));
  return RenderPage(site, page, "agents", *data);
}

Response ChangeRights(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const std::string code = req.Param("code");
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  services::AgentRights rights;
  rights.enterprise = code;
  rights.username = services::NormaliseUsername(FormValue(form, "username"));
  const bool withdraw = FormValue(form, "intent") == "withdraw";
  if (!withdraw) {
    rights.may_apply = FormValue(form, "may_apply") == "1";
    rights.may_withdraw = FormValue(form, "may_withdraw") == "1";
    const auto [first, last] = form.equal_range("item");
    for (auto it = first; it != last; ++it) rights.items.push_back(it->second);
  }
  Result<domain::AgentGrant> granted =
      rights.username.empty() ? Result<domain::AgentGrant>(MakeError(ErrorCode::kInvalidArgument, "error.grant.not_agent"))
                              : services::GrantAgentRights(site.ctx(), page.caller->actor, rights);
  if (granted.ok()) return Redirect("/enterprises/" + code + "/agents?done=" + (withdraw ? "withdrawn" : "granted"));
  const Error& error = granted.error();
  if (error.code != ErrorCode::kInvalidArgument) return ErrorPageFor(site, page, error);
  auto data = AgentsData(site, page, code);
  if (!data.ok()) return ErrorPageFor(site, page, data.error());
  Data errors{Data::type::list};
  Data row;
  row.set("text", ErrorText(site, page, error));
  errors.push_back(row);
  data->set("errors", errors);
  data->set("has_errors", true);
  MarkErrorTitle(site, page, *data, page.T(site, "page.agents.title", code));
  return RenderPage(site, page, "agents", *data, HttpStatus(error.code));
}

}  // namespace

void SetActingFor(const Site& site, const PageRequest& page, Data& data, const std::string& enterprise,
                  std::string_view key) {
  if (enterprise.empty() || !page.caller) return;
  std::string name = enterprise;
  if (auto choices = services::EnterprisesOf(site.ctx(), page.caller->actor); choices.ok()) {
    for (const auto& choice : *choices) {
      if (choice.enterprise.code == enterprise) name = choice.enterprise.name;
    }
  }
  data.set("acting_for", page.T(site, key, name));
}

void RegisterEnterprisePages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/enterprise", [site](Request& req) { return Switcher(*site, req); });
  router.Add("POST", "/enterprise", [site](Request& req) { return Choose(*site, req); });
  router.Add("GET", "/enterprises/{code}/agents", [site](Request& req) { return Agents(*site, req); });
  router.Add("POST", "/enterprises/{code}/agents", [site](Request& req) { return ChangeRights(*site, req); });
}

}  // namespace tongban::http::web
