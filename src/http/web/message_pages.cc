// The inbox page (issue 12 item 3): /me/messages lists the signed-in person's messages (or the
// acting enterprise's), newest first, each rendered in the page's language from its kind and
// parameters, with a link to what it is about; POST /me/messages/{id}/read marks one read (a
// form, so it works without JavaScript).
#include "http/message_text.h"
#include "http/web/page.h"
#include "services/messages.h"

namespace tongban::http::web {
namespace {

constexpr int kPageSize = 20;

Response ListPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  auto list = services::ListMyMessages(site.ctx(), page.caller->actor, page.caller->session.acting_enterprise,
                                       req.Query("after"), kPageSize);
  if (!list.ok()) return ErrorPageFor(site, page, list.error());
  Data data = BaseData(site, page, "page.messages.title");
  const auto catalogue = site.ctx().Catalogue();
  Data rows{Data::type::list};
  for (const auto& m : list->messages) {
    Data row;
    row.set("id", m.id);
    row.set("text", MessageText(site.i18n(), catalogue.get(), page.lang, m));
    row.set("when", FormatTime(m.created_at));
    SetText(row, "href", MessageHref(m));
    row.set("unread", !m.read_at.has_value());
    row.set("csrf_token", page.caller->session.csrf_token);
    rows.push_back(row);
  }
  if (!list->messages.empty()) data.set("has_rows", true);
  data.set("rows", rows);
  data.set("unread_text", list->unread == 0 ? page.T(site, "messages.all_read")
                                            : page.T(site, "messages.unread_count",
                                                     list->unread >= ports::kUnreadCountCap
                                                         ? std::to_string(ports::kUnreadCountCap - 1) + "+"
                                                         : std::to_string(list->unread)));
  if (!list->next_after.empty()) data.set("next_href", "/me/messages?after=" + UrlEncode(list->next_after));
  return RenderPage(site, page, "messages", data);
}

Response ReadSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  auto read = services::MarkMessageRead(site.ctx(), page.caller->actor, req.Param("id"));
  if (!read.ok()) return ErrorPageFor(site, page, read.error());
  return Redirect("/me/messages");
}

}  // namespace

void RegisterMessagePages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/me/messages", [site](Request& req) { return ListPage(*site, req); });
  router.Add("POST", "/me/messages/{id}/read", [site](Request& req) { return ReadSubmit(*site, req); });
}

}  // namespace tongban::http::web
