// Ratings and rectification pages (issue 13 items 1 and 2):
//   /applications/{id}/rating   the applicant's rating form once the case ended (web, mobile, and
//                               the kiosk: the channel is the session's), then their rating, the
//                               department's reply and the "satisfied / not satisfied" buttons;
//   /rate/{token}               the signed link of the message: the same form without signing in;
//   /office/window/visits/{id}/rate   the window tablet: the clerk enters the case's reference,
//                               turns the tablet to the person, and the person taps a level;
//   /office/rectifications(/{id})     a department's rectifications and the reply form; the
//                               reform office's escalated ones;
//   /ratings                    public statistics per department and item (no sign-in).
// Plain forms with the CSRF token (the link's form needs none: the token is the credential).
#include <cstdio>
#include <set>

#include "http/web/forms.h"
#include "http/web/page.h"
#include "http/web/rating_form.h"
#include "http/web/render.h"
#include "services/ratings.h"
#include "services/rectifications.h"

namespace tongban::http::web {

TypedRating RatingFromForm(const std::multimap<std::string, std::string>& form, services::RatingRequest& req) {
  TypedRating typed;
  const std::string level = FormValue(form, "level");
  req.level = level.size() == 1 && level[0] >= '1' && level[0] <= '5' ? level[0] - '0' : 0;
  typed.level = req.level;
  req.comment = FormValue(form, "comment");
  typed.comment = req.comment;
  const auto [first, last] = form.equal_range("tag");
  for (auto it = first; it != last; ++it) {
    req.tags.push_back(it->second);
    typed.tags.insert(it->second);
  }
  return typed;
}

// The form's data: five levels (5 first), the reason tags, the comment.
void AddRatingForm(const Site& site, const PageRequest& page, Data& data, const std::string& action,
                   const TypedRating& typed, const Error* error) {
  Data form;
  form.set("action", action);
  Data levels{Data::type::list};
  for (int level = domain::kMaxRatingLevel; level >= domain::kMinRatingLevel; --level) {
    Data l;
    l.set("id", "level-" + std::to_string(level));
    l.set("value", std::to_string(level));
    l.set("label", page.T(site, "rating.level." + std::to_string(level)));
    l.set("checked", typed.level == level);
    levels.push_back(l);
  }
  form.set("levels", levels);
  Data tags{Data::type::list};
  for (const std::string_view code : domain::kRatingTags) {
    Data t;
    t.set("id", "tag-" + std::string(code));
    t.set("value", std::string(code));
    t.set("label", page.T(site, "rating.tag." + std::string(code)));
    t.set("checked", typed.tags.count(std::string(code)) > 0);
    tags.push_back(t);
  }
  form.set("tags", tags);
  form.set("comment", typed.comment);
  if (page.caller) form.set("csrf_token", page.caller->session.csrf_token);
  if (error != nullptr) {
    const std::string& key = error->message;
    const std::string anchor = key == "error.rating.comment" ? "#comment" : key == "error.rating.tag" ? "#tags" : "#levels";
    const std::string text = AddOneErrorSummary(site, page, *error, data, anchor);
    form.set(anchor.substr(1) + "_error", text);
  }
  data.set("form", form);
}

namespace {

Data RatingData(const Site& site, const PageRequest& page, const domain::Rating& r) {
  Data d;
  d.set("level", page.T(site, "rating.level." + std::to_string(r.level)));
  SetText(d, "comment", r.comment);
  std::string tags;
  for (const auto& code : r.tags) tags += (tags.empty() ? "" : page.T(site, "timeline.list_separator")) + page.T(site, "rating.tag." + code);
  SetText(d, "tags", tags);
  d.set("date", FormatIsoDate(LocalDate(r.created_at)));
  return d;
}

Data RectificationData(const Site& site, const PageRequest& page, const domain::Rectification& r) {
  Data d;
  d.set("id", r.id);
  d.set("href", "/office/rectifications/" + r.id);
  d.set("reference", r.reference);
  d.set("item", ItemName(site, page, r.item));
  d.set("department", DepartmentName(site, page, r.department));
  d.set("level", page.T(site, "rating.level." + std::to_string(r.level)));
  SetText(d, "comment", r.comment);
  d.set("state", domain::RectificationStateName(r.state));
  d.set("state_text", page.T(site, std::string("rectification.state.") + domain::RectificationStateName(r.state)));
  d.set("deadline", FormatIsoDate(r.deadline));
  d.set("created", FormatIsoDate(LocalDate(r.created_at)));
  SetText(d, "reply_text", r.reply_text);
  SetText(d, "changes", r.changes);
  if (r.replied_at) d.set("replied", FormatIsoDate(LocalDate(*r.replied_at)));
  if (r.satisfied) d.set("feedback", page.T(site, *r.satisfied ? "rectification.satisfied" : "rectification.not_satisfied"));
  return d;
}

// ---- the applicant's page ----

Response MyRatingRender(const Site& site, PageRequest& page, const std::string& id, const TypedRating& typed,
                        const Error* error, const std::string& notice_key) {
  auto view = services::GetRating(site.ctx(), page.caller->actor, id);
  if (!view.ok()) return ErrorPageFor(site, page, view.error());
  Data data = BaseData(site, page, "page.rating.title");
  data.set("back_href", "/applications/" + id);
  if (view->rating) {
    data.set("rating", RatingData(site, page, *view->rating));
    if (view->rectification) {
      Data r = RectificationData(site, page, *view->rectification);
      const bool asks = view->rectification->state == domain::RectificationState::kReplied &&
                        !view->rectification->satisfied;
      if (asks) {
        r.set("feedback_action", "/applications/" + id + "/rating");
        r.set("csrf_token", page.caller->session.csrf_token);
      }
      data.set("rectification", r);
    }
  } else if (view->may_rate) {
    if (view->rate_until) data.set("rate_until", page.T(site, "rating.rate_until", FormatIsoDate(*view->rate_until)));
    AddRatingForm(site, page, data, "/applications/" + id + "/rating", typed, error);
  } else {
    data.set("cannot_rate", page.T(site, "rating.cannot_rate"));
  }
  if (error != nullptr && !view->may_rate) AddOneErrorSummary(site, page, *error, data, "#main-content");
  if (error != nullptr) MarkErrorTitle(site, page, data, page.T(site, "page.rating.title"));
  if (error == nullptr && !notice_key.empty()) data.set("notice", page.T(site, notice_key));
  Response res = RenderPage(site, page, "rating", data, error == nullptr ? 200 : HttpStatus(error->code));
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

Response MyRatingPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const std::string done = req.Query("done");
  const std::string notice = done == "rated"       ? "rating.rated_notice"
                             : done == "feedback" ? "rating.feedback_notice"
                                                  : "";
  return MyRatingRender(site, page, req.Param("id"), TypedRating{}, nullptr, notice);
}

Response MyRatingSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  const std::string id = req.Param("id");
  const std::string base = "/applications/" + UrlEncode(id) + "/rating";
  if (FormValue(form, "intent") == "feedback") {
    auto done = services::GiveRectificationFeedback(site.ctx(), page.caller->actor, FormValue(form, "rectification"),
                                                    FormValue(form, "satisfied") == "1");
    if (!done.ok()) return ErrorPageFor(site, page, done.error());
    return Redirect(base + "?done=feedback");
  }
  services::RatingRequest request;
  const TypedRating typed = RatingFromForm(form, request);
  auto rated = services::RateApplication(site.ctx(), page.caller->actor, id, request);
  if (!rated.ok()) {
    if (rated.error().code != ErrorCode::kInvalidArgument && rated.error().code != ErrorCode::kConflict) {
      return ErrorPageFor(site, page, rated.error());
    }
    return MyRatingRender(site, page, id, typed, &rated.error(), "");
  }
  return Redirect(base + "?done=rated");
}

// ---- the signed link ----

Response LinkRender(const Site& site, PageRequest& page, const std::string& token, const TypedRating& typed,
                    const Error* error, bool done) {
  auto view = services::ViewRatingLink(site.ctx(), token);
  if (!view.ok()) return ErrorPageFor(site, page, view.error());
  Data data = BaseData(site, page, "page.rating.title");
  data.set("case_text", page.T(site, "rating.case_text", view->reference + " · " + ItemName(site, page, view->item)));
  if (done) {
    data.set("notice", page.T(site, "rating.rated_notice"));
  } else if (view->rated) {
    data.set("cannot_rate", page.T(site, "error.rating.already_rated"));
  } else {
    AddRatingForm(site, page, data, "/rate/" + token, typed, error);
  }
  if (error != nullptr) MarkErrorTitle(site, page, data, page.T(site, "page.rating.title"));
  Response res = RenderPage(site, page, "rating", data, error == nullptr ? 200 : HttpStatus(error->code));
  res.AddHeader("Cache-Control", "no-store");
  res.AddHeader("Referrer-Policy", "no-referrer");
  return res;
}

Response LinkPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  return LinkRender(site, page, req.Param("token"), TypedRating{}, nullptr, req.Query("done") == "rated");
}

Response LinkSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  const auto form = FormOf(req);
  const std::string token = req.Param("token");
  services::RatingRequest request;
  const TypedRating typed = RatingFromForm(form, request);
  auto rated = services::RateByLink(site.ctx(), token, request);
  if (!rated.ok()) {
    if (rated.error().code != ErrorCode::kInvalidArgument) return ErrorPageFor(site, page, rated.error());
    return LinkRender(site, page, token, typed, &rated.error(), false);
  }
  return Redirect("/rate/" + token + "?done=rated");
}

// ---- the window tablet ----

Response TabletRender(const Site& site, PageRequest& page, const std::string& visit, const std::string& application,
                      const TypedRating& typed, const Error* error, bool done) {
  Data data = BaseData(site, page, "page.rating.tablet_title");
  data.set("tablet", true);
  data.set("back_href", "/office/window/visits/" + visit);
  const std::string action = "/office/window/visits/" + visit + "/rate";
  if (done) {
    data.set("notice", page.T(site, "rating.tablet_thanks"));
  } else if (application.empty()) {
    Data ask;
    ask.set("action", action);
    ask.set("csrf_token", page.caller->session.csrf_token);
    data.set("ask_reference", ask);
    if (error != nullptr) data.set("reference_error", AddOneErrorSummary(site, page, *error, data, "#reference"));
  } else {
    data.set("application", application);
    AddRatingForm(site, page, data, action, typed, error);
  }
  if (error != nullptr) MarkErrorTitle(site, page, data, page.T(site, "page.rating.tablet_title"));
  Response res = RenderPage(site, page, "rating", data, error == nullptr ? 200 : HttpStatus(error->code));
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

bool IsClerk(const PageRequest& page) { return page.caller->actor.user.HasRole(domain::Role::kClerk); }

Response TabletPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  if (!IsClerk(page)) return ErrorPage(site, page, 403, "error.window.not_clerk");
  return TabletRender(site, page, req.Param("id"), req.Query("application"), TypedRating{}, nullptr,
                      req.Query("done") == "rated");
}

Response TabletSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  if (!IsClerk(page)) return ErrorPage(site, page, 403, "error.window.not_clerk");
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  const std::string visit = req.Param("id");
  const std::string base = "/office/window/visits/" + UrlEncode(visit) + "/rate";
  const std::string reference = FormValue(form, "reference");
  if (!reference.empty()) {
    // The clerk names the case by its reference number; the tablet then shows the levels (the
    // rating checks that it is the visit's person's case).
    return Redirect(base + "?application=" + UrlEncode(reference));
  }
  const std::string application = FormValue(form, "application");
  services::RatingRequest request;
  const TypedRating typed = RatingFromForm(form, request);
  auto rated = services::RateAtWindow(site.ctx(), page.caller->actor, visit, application, request);
  if (!rated.ok()) {
    if (rated.error().code != ErrorCode::kInvalidArgument && rated.error().code != ErrorCode::kConflict) {
      return ErrorPageFor(site, page, rated.error());
    }
    return TabletRender(site, page, visit, application, typed, &rated.error(), false);
  }
  return Redirect(base + "?done=rated");
}

// ---- the department's and the reform office's lists ----

Response ListPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const std::string state = req.Query("state");
  auto list = services::ListRectifications(site.ctx(), page.caller->actor, state, req.Query("page_token"),
                                           ports::kDefaultPageSize);
  if (!list.ok()) return ErrorPageFor(site, page, list.error());
  const bool reform = page.caller->actor.user.HasRole(domain::Role::kReformOffice) &&
                      !page.caller->actor.user.HasRole(domain::Role::kReviewer);
  Data data = BaseData(site, page, reform ? "page.rectifications.title_reform" : "page.rectifications.title");
  data.set("heading", page.T(site, reform ? "rectifications.heading_reform" : "rectifications.heading"));
  Data states{Data::type::list};
  for (const char* s : {"open", "escalated", "replied"}) {
    Data o;
    o.set("value", std::string(s));
    o.set("label", page.T(site, std::string("rectification.state.") + s));
    o.set("selected", state == s);
    states.push_back(o);
  }
  data.set("states", states);
  data.set("reform", reform);
  Data rows{Data::type::list};
  for (const auto& r : list->rectifications) rows.push_back(RectificationData(site, page, r));
  data.set("rows", rows);
  data.set("has_rows", !list->rectifications.empty());
  if (!list->next_page_token.empty()) {
    Data pager;
    pager.set("next_href", "/office/rectifications?state=" + UrlEncode(state) +
                               "&page_token=" + UrlEncode(list->next_page_token));
    pager.set("first_href", "/office/rectifications?state=" + UrlEncode(state));
    data.set("pager", pager);
  }
  Response res = RenderPage(site, page, "rectifications", data);
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

Response DetailRender(const Site& site, PageRequest& page, const std::string& id, const services::RectificationReply& typed,
                      const Error* error, bool done) {
  auto r = services::GetRectification(site.ctx(), page.caller->actor, id);
  if (!r.ok()) return ErrorPageFor(site, page, r.error());
  Data data = BaseData(site, page, "page.rectification.title", r->reference);
  data.set("r", RectificationData(site, page, *r));
  const auto& user = page.caller->actor.user;
  if (r->state != domain::RectificationState::kReplied && user.HasRole(domain::Role::kReviewer) &&
      user.department == r->department) {
    Data form;
    form.set("action", "/office/rectifications/" + id);
    form.set("csrf_token", page.caller->session.csrf_token);
    form.set("text", typed.text);
    form.set("changes", typed.changes);
    if (error != nullptr) {
      const std::string anchor = error->message == "error.rectification.changes" ? "changes" : "reply-text";
      form.set(anchor == "changes" ? "changes_error" : "text_error",
               AddOneErrorSummary(site, page, *error, data, "#" + anchor));
      MarkErrorTitle(site, page, data, page.T(site, "page.rectification.title", r->reference));
    }
    data.set("reply_form", form);
  }
  if (done) data.set("notice", page.T(site, "rectification.replied_notice"));
  Response res = RenderPage(site, page, "rectification", data, error == nullptr ? 200 : HttpStatus(error->code));
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

Response DetailPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  return DetailRender(site, page, req.Param("id"), {}, nullptr, req.Query("done") == "replied");
}

Response ReplySubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  const std::string id = req.Param("id");
  services::RectificationReply reply{FormValue(form, "text"), FormValue(form, "changes")};
  auto done = services::ReplyToRectification(site.ctx(), page.caller->actor, id, reply);
  if (!done.ok()) {
    if (done.error().code != ErrorCode::kInvalidArgument) return ErrorPageFor(site, page, done.error());
    return DetailRender(site, page, id, reply, &done.error(), false);
  }
  return Redirect("/office/rectifications/" + UrlEncode(id) + "?done=replied");
}

// ---- public statistics ----

std::string Figure(const std::optional<double>& value) {
  if (!value) return "—";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", *value);
  return buffer;
}

Data SummaryRow(const Site& site, const PageRequest& page, const std::string& name, const domain::RatingCounts& c) {
  Data row;
  row.set("name", name);
  row.set("total", std::to_string(c.Total()));
  Data levels{Data::type::list};
  for (int i = 4; i >= 0; --i) {
    Data l;
    l.set("count", std::to_string(c.levels[static_cast<size_t>(i)]));
    levels.push_back(l);
  }
  row.set("levels", levels);
  row.set("index", Figure(c.SatisfactionIndex()));
  row.set("bad", std::to_string(c.Bad()));
  row.set("on_time", Figure(c.RectifiedOnTimeShare()));
  return row;
}

Response PublicPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  const std::string department = req.Query("department");
  const std::string item = req.Query("item");
  const std::string month = req.Query("month");
  Data data = BaseData(site, page, "page.ratings.title");
  const auto catalogue = site.ctx().Catalogue();
  Data level_heads{Data::type::list};
  for (int level = domain::kMaxRatingLevel; level >= domain::kMinRatingLevel; --level) {
    Data h;
    h.set("label", page.T(site, "rating.level." + std::to_string(level)));
    level_heads.push_back(h);
  }
  data.set("level_heads", level_heads);
  data.set("month", month);

  // The slice asked for, then one row per department (or per item of the department chosen).
  auto total = services::RatingSummary(site.ctx(), ports::RatingSlice{department, item, month});
  if (!total.ok()) return ErrorPageFor(site, page, total.error());
  std::string slice_name = page.T(site, "ratings.whole_city");
  if (!item.empty()) {
    slice_name = ItemName(site, page, item);
  } else if (!department.empty()) {
    slice_name = DepartmentName(site, page, department);
  }
  data.set("slice", SummaryRow(site, page, slice_name, *total));
  Data rows{Data::type::list};
  Data departments{Data::type::list};
  for (const auto& d : catalogue->departments()) {
    Data o;
    o.set("value", d.code);
    o.set("label", d.name.In(page.lang));
    o.set("selected", d.code == department);
    departments.push_back(o);
    if (!department.empty()) continue;
    auto counts = services::RatingSummary(site.ctx(), ports::RatingSlice{d.code, "", month});
    if (!counts.ok()) return ErrorPageFor(site, page, counts.error());
    rows.push_back(SummaryRow(site, page, d.name.In(page.lang), *counts));
  }
  if (!department.empty()) {
    for (const auto& i : catalogue->items()) {
      if (i.department != department) continue;
      auto counts = services::RatingSummary(site.ctx(), ports::RatingSlice{department, i.code, month});
      if (!counts.ok()) return ErrorPageFor(site, page, counts.error());
      rows.push_back(SummaryRow(site, page, i.name.In(page.lang), *counts));
    }
  }
  data.set("departments", departments);
  data.set("rows", rows);
  data.set("rows_caption", page.T(site, department.empty() ? "ratings.by_department" : "ratings.by_item"));
  data.set("api_href", "/api/v1/ratings/summary?department=" + UrlEncode(department) + "&item=" + UrlEncode(item) +
                           "&month=" + UrlEncode(month));
  return RenderPage(site, page, "ratings", data);
}

}  // namespace

void RegisterRatingPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/applications/{id}/rating", [site](Request& req) { return MyRatingPage(*site, req); });
  router.Add("POST", "/applications/{id}/rating", [site](Request& req) { return MyRatingSubmit(*site, req); });
  router.Add("GET", "/rate/{token}", [site](Request& req) { return LinkPage(*site, req); });
  router.Add("POST", "/rate/{token}", [site](Request& req) { return LinkSubmit(*site, req); });
  router.Add("GET", "/office/window/visits/{id}/rate", [site](Request& req) { return TabletPage(*site, req); });
  router.Add("POST", "/office/window/visits/{id}/rate", [site](Request& req) { return TabletSubmit(*site, req); });
  router.Add("GET", "/office/rectifications", [site](Request& req) { return ListPage(*site, req); });
  router.Add("GET", "/office/rectifications/{id}", [site](Request& req) { return DetailPage(*site, req); });
  router.Add("POST", "/office/rectifications/{id}", [site](Request& req) { return ReplySubmit(*site, req); });
  router.Add("GET", "/ratings", [site](Request& req) { return PublicPage(*site, req); });
}

}  // namespace tongban::http::web
