// "Who read our data" for an enterprise (issue 13 item 4): /enterprises/{code}/access-log lists the
// access log's entries whose subject is the enterprise's credit code (the reads of its supervision
// records): when, who, what and why, those still being added first, then newest first, a page at a
// time. For the enterprise's own agents (services::ListEnterpriseAccessLog decides); reached from
// the enterprise's section of the homepage. Works without JavaScript.
#include "http/web/access_log_view.h"
#include "http/web/page.h"
#include "services/accounts.h"
#include "services/supervision.h"

namespace tongban::http::web {
namespace {

std::string EnterpriseName(const Site& site, const PageRequest& page, const std::string& code) {
  auto choices = services::EnterprisesOf(site.ctx(), page.caller->actor);
  if (choices.ok()) {
    for (const auto& c : *choices) {
      if (c.enterprise.code == code) return c.enterprise.name;
    }
  }
  return code;
}

Response EnterpriseAccessLogPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  if (site.ctx().log_tree == nullptr) return ErrorPage(site, page, 503, "error.log.unavailable");
  const std::string code = req.Param("code");
  const std::string token = req.Query("page_token");
  auto log = services::ListEnterpriseAccessLog(site.ctx(), page.caller->actor, code, token, ports::kDefaultPageSize);
  if (!log.ok()) return ErrorPageFor(site, page, log.error());
  const std::string name = EnterpriseName(site, page, code);
  Data data = BaseData(site, page, "page.enterprise_access_log.title", name);
  data.set("enterprise", name);
  data.set("heading", page.T(site, "enterprise_access_log.heading", name));
  data.set("caption", page.T(site, "enterprise_access_log.caption", name));
  Data rows{Data::type::list};
  for (const auto& row : log->pending) {
    Data r = AccessLogRowView(site, page, row);
    r.set("status", page.T(site, "access_log.pending"));
    rows.push_back(r);
  }
  for (const auto& row : log->entries) {
    Data r = AccessLogRowView(site, page, row);
    r.set("status", page.T(site, "enterprise_access_log.logged", std::to_string(row.leaf_index.value_or(0))));
    rows.push_back(r);
  }
  data.set("rows", rows);
  data.set("has_rows", !log->pending.empty() || !log->entries.empty());
  const std::string base = "/enterprises/" + UrlEncode(code) + "/access-log";
  data.set("json_href", "/api/v1/enterprises/" + UrlEncode(code) + "/access-log");
  if (!token.empty() || !log->next_page_token.empty()) {
    Data pager;
    if (!token.empty()) pager.set("first_href", base);
    if (!log->next_page_token.empty()) pager.set("next_href", base + "?page_token=" + UrlEncode(log->next_page_token));
    data.set("pager", pager);
  }
  return RenderPage(site, page, "enterprise_access_log", data);
}

}  // namespace

void RegisterEnterpriseAccessPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/enterprises/{code}/access-log",
             [site](Request& req) { return EnterpriseAccessLogPage(*site, req); });
}

}  // namespace tongban::http::web
