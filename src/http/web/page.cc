#include "http/web/page.h"

#include "services/decision_records.h"
#include "services/messages.h"
#include "services/data_requests.h"

#include <cstdio>

namespace tongban::http::web {

PageRequest StartPage(const Site& site, Request& req) {
  PageRequest page;
  page.req = &req;
  page.lang = RequestLanguage(req, site.i18n().Offered());
  page.elder = req.Cookie("elder") == "1";
  if (!SessionToken(req).empty()) {
    auto caller = Identify(site.ctx(), req);
    if (caller.ok()) page.caller = std::move(caller.value());
    // A clerk of a service centre works at its window: the pages record their steps so.
    if (page.caller && req.Cookie("channel").empty() && page.caller->actor.user.HasRole(domain::Role::kClerk) &&
        !page.caller->actor.user.centre.empty()) {
      page.caller->actor.channel = domain::Channel::kWindow;
    }
  }
  return page;
}

bool IsLocalPath(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.size() > 1 && (path[1] == '/' || path[1] == '\\')) return false;
  for (const char c : path) {
    if (c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return path.size() <= 2000;
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~' || c == '/') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::multimap<std::string, std::string> FormOf(const Request& req) { return ParseFormEncoded(req.body); }

std::string FormValue(const std::multimap<std::string, std::string>& form, std::string_view name) {
  const auto it = form.find(std::string(name));
  return it == form.end() ? std::string() : it->second;
}

std::string TextOr(const Site& site, const PageRequest& page, const std::string& key, const std::string& fallback) {
  return site.i18n().Has(key) ? page.T(site, key) : fallback;
}

std::string ErrorText(const Site& site, const PageRequest& page, const Error& error) {
  if (error.code == ErrorCode::kInternal || !site.i18n().Has(error.message)) {
    return page.T(site, "error.internal");
  }
  return page.T(site, error.message);
}

Data StateTag(const Site& site, const PageRequest& page, domain::ApplicationState state) {
  Data tag;
  const std::string name = domain::StateName(state);
  tag.set("state", name);
  tag.set("text", TextOr(site, page, "state." + name, name));
  return tag;
}

std::string ItemName(const Site& site, const PageRequest& page, const std::string& item_code) {
  const auto catalogue = site.ctx().Catalogue();
  const domain::ServiceItem* item = catalogue ? catalogue->FindItem(item_code) : nullptr;
  return item ? item->name.In(page.lang) : item_code;
}

std::string DepartmentName(const Site& site, const PageRequest& page, const std::string& code) {
  const auto catalogue = site.ctx().Catalogue();
  const domain::Department* department = catalogue ? catalogue->FindDepartment(code) : nullptr;
  return department ? department->name.In(page.lang) : code;
}

std::string FormatTime(Timestamp at) {
  // "2026-10-01 09:30" in the city's time.
  const Timestamp local = at + std::chrono::minutes(kCityUtcOffsetMinutes);
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::year_month_day ymd(day);
  const std::chrono::hh_mm_ss hms(local - day);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02ld:%02ld", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()));
  return buf;
}

Date Today(const Site& site) { return LocalDate(site.ctx().clock->Now()); }

Data BaseData(const Site& site, const PageRequest& page, std::string_view title_key, std::string_view title_detail) {
  Data data;
  const bool en = page.lang == domain::Language::kEn;
  data.set("lang", LanguageCode(page.lang));
  data.set("elder", page.elder);
  data.set("title", page.T(site, title_key, title_detail));
  const std::string target = page.req->target.empty() ? "/" : page.req->target;
  const std::string here = UrlEncode(target);
  data.set("return_path", target);
  // The switch shows when the site offers the other language too (languages: in the configuration).
  data.set("offers_other_lang", site.i18n().Offered().size() > 1);
  data.set("other_lang", en ? "zh" : "en");
  data.set("switch_lang_href", std::string("/prefs?lang=") + (en ? "zh" : "en") + "&return=" + here);
  data.set("elder_href", std::string("/prefs?elder=") + (page.elder ? "0" : "1") + "&return=" + here);
  data.set("login_href", "/login?return=" + here);
  if (page.caller) {
    const auto& user = page.caller->actor.user;
    data.set("signed_in", true);
    data.set("user_name", user.display_name.empty() ? user.username : user.display_name);
    data.set("csrf_token", page.caller->session.csrf_token);
    bool official = false;
    for (const auto role : user.roles) official = official || domain::IsOfficialRole(role);
    data.set("is_official", official);
    // The menu says what the official does there: a clerk handles applications at a window, a
    // reviewer reviews the department's cases.
    const bool clerk = user.HasRole(domain::Role::kClerk);
    data.set("office_nav", page.T(site, clerk ? "nav.office_clerk" : "nav.office_reviewer"));
    data.set("is_window_clerk", clerk && !user.centre.empty());  // the comprehensive window's console
    // The name once, then where they work: their department, or their service centre.
    if (!user.department.empty()) {
      data.set("department_name", DepartmentName(site, page, user.department));
    } else if (!user.centre.empty()) {
      const auto catalogue = site.ctx().Catalogue();
      const domain::ServiceCentre* centre = catalogue ? catalogue->FindCentre(user.centre) : nullptr;
      data.set("department_name", centre != nullptr ? centre->name.In(page.lang) : user.centre);
    }
    data.set("is_agent", user.HasRole(domain::Role::kEnterpriseAgent));
    data.set("has_person", !user.person_id.empty());
    data.set("is_data_owner", user.HasRole(domain::Role::kDataOwner));
    data.set("is_decision_reader", services::RequireDecisionReader(page.caller->actor).ok());
    data.set("is_federation_admin", user.HasRole(domain::Role::kAdmin));
    // Reviewers answer their department's rectifications; the reform office sees escalated ones.
    data.set("answers_ratings", user.HasRole(domain::Role::kReviewer) || user.HasRole(domain::Role::kReformOffice));
    // Officials of a department ask peers for a person's record (issue 14 item 5).
    data.set("asks_peers", services::DataRequesterRole(page.caller->actor).ok());
    // The inbox's unread count in the menu (a capped, indexed count); a failed count shows none.
    if (!official) {
      auto unread = services::CountMyUnreadMessages(site.ctx(), page.caller->actor,
                                                    page.caller->session.acting_enterprise);
      if (unread.ok() && *unread > 0) {
        data.set("unread_messages", *unread >= ports::kUnreadCountCap ? std::to_string(ports::kUnreadCountCap - 1) + "+"
                                                                      : std::to_string(*unread));
      }
    }
  } else {
    data.set("signed_in", false);
  }
  return data;
}

Response RenderPage(const Site& site, const PageRequest& page, std::string_view template_name, const Data& data,
                    int status) {
  Response res;
  auto html = site.renderer->Render(template_name, page.lang, data);
  if (!html.ok()) {
    res.status = 500;
    res.content_type = "text/plain; charset=utf-8";
    res.body = page.T(site, "error.internal");
    return res;
  }
  res.status = status;
  res.content_type = "text/html; charset=utf-8";
  res.body = std::move(html.value());
  res.AddHeader("Cache-Control", "no-store");
  res.AddHeader("Content-Language", LanguageCode(page.lang));
  return res;
}

Response ErrorPage(const Site& site, const PageRequest& page, int status, std::string_view message_key,
                   std::string_view detail) {
  const std::string title_key = status == 404   ? "page.not_found.title"
                                : status == 403 ? "page.forbidden.title"
                                : status == 409 ? "page.conflict.title"
                                : status >= 500 ? "page.error.title"
                                                : "page.bad_request.title";
  Data data = BaseData(site, page, title_key);
  data.set("message", page.T(site, message_key, detail));
  data.set("status", std::to_string(status));
  return RenderPage(site, page, "error", data, status);
}

Response Redirect(std::string_view location) {
  Response res;
  res.status = 303;
  res.content_type = "text/plain; charset=utf-8";
  res.AddHeader("Location", std::string(location));
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

Response SignInRedirect(const PageRequest& page) {
  const std::string target = page.req->method == "GET" ? page.req->target : page.req->path;
  return Redirect("/login?return=" + UrlEncode(target));
}

Response ErrorPageFor(const Site& site, const PageRequest& page, const Error& error) {
  // The page says the error's own message when it has one to show a person; otherwise the
  // general text for its kind. Not-found never says what was looked for.
  const char* fallback = "error.internal";
  switch (error.code) {
    case ErrorCode::kUnauthenticated: return SignInRedirect(page);
    case ErrorCode::kNotFound: return ErrorPage(site, page, 404, "page.not_found.message");
    case ErrorCode::kPermissionDenied: fallback = "page.forbidden.message"; break;
    case ErrorCode::kConflict: fallback = "page.conflict.message"; break;
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kPayloadTooLarge: fallback = "page.bad_request.message"; break;
    case ErrorCode::kResourceExhausted: break;
    case ErrorCode::kUnavailable:
    case ErrorCode::kInternal: return ErrorPage(site, page, HttpStatus(error.code), "error.internal");
  }
  return ErrorPage(site, page, HttpStatus(error.code), site.i18n().Has(error.message) ? error.message : fallback);
}

}  // namespace tongban::http::web
