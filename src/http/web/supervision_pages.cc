// Supervision records' pages (issue 13 item 4): /office/supervision, where a supervisor finds an
// enterprise by credit code, reads its records (a read logged like the API's) and records a new
// one (or a correction of one) for their department; the supervision summary on a reviewer's case
// page of an enterprise's application (SetCaseSupervision); and the enterprise homepage's
// "supervision records" section for its agents (SetHomeSupervision). Plain forms with the CSRF
// token: they work without JavaScript.
#include "http/web/forms.h"
#include "http/web/page.h"
#include "http/web/render.h"
#include "services/supervision.h"

namespace tongban::http::web {
namespace {

constexpr int kHomeSupervisionRows = 5;

std::string KindText(const Site& site, const PageRequest& page, domain::SupervisionKind kind) {
  return page.T(site, std::string("supervision.kind.") + domain::SupervisionKindName(kind));
}

// What a record says beyond its summary, in words: the result, the rule, the amount and decision,
// the level.
std::string DetailText(const Site& site, const PageRequest& page, const domain::SupervisionRecord& r) {
  switch (r.kind) {
    case domain::SupervisionKind::kInspection:
      return r.result ? page.T(site, std::string("supervision.result.") + domain::InspectionResultName(*r.result)) : "";
    case domain::SupervisionKind::kViolation:
      return page.T(site, "supervision.rule_text", r.rule);
    case domain::SupervisionKind::kPenalty:
      return page.T(site, "supervision.amount_text", domain::FormatYuan(r.amount_fen.value_or(0))) + " · " +
             r.decision_number;
    case domain::SupervisionKind::kCredit:
      return page.T(site, "supervision.level_text", r.credit_level);
  }
  return "";
}

Data RecordRows(const Site& site, const PageRequest& page, const std::vector<domain::SupervisionRecord>& records) {
  Data rows{Data::type::list};
  for (const auto& r : records) {
    Data row;
    row.set("id", r.id);
    row.set("date", FormatIsoDate(r.date));
    row.set("kind", KindText(site, page, r.kind));
    row.set("summary", r.summary);
    SetText(row, "detail", DetailText(site, page, r));
    row.set("department", DepartmentName(site, page, r.department));
    SetText(row, "corrects", r.corrects.empty() ? "" : page.T(site, "supervision.corrects_text", r.corrects));
    SetText(row, "corrected_by", r.corrected_by.empty() ? "" : page.T(site, "supervision.corrected_by_text", r.corrected_by));
    rows.push_back(row);
  }
  return rows;
}

bool IsSupervisor(const PageRequest& page) {
  return page.caller && page.caller->actor.user.HasRole(domain::Role::kSupervisor) &&
         page.caller->actor.user.kind == domain::UserKind::kOfficial;
}

// The input a field error is about, as the form's element id.
std::string AnchorOf(const Error& error) {
  if (!error.fields.empty()) {
    const std::string& f = error.fields.front().field;
    if (f == "credit_code") return "credit-code";
    if (f == "decision_number") return "decision-number";
    return f;
  }
  if (error.message.find("correct") != std::string::npos || error.message == "error.supervision.not_found") {
    return "corrects";
  }
  return "kind";
}

Response Render(const Site& site, PageRequest& page, const std::string& credit_code,
                const services::SupervisionInput& typed, const Error* error, bool recorded) {
  Data data = BaseData(site, page, "page.supervision.title");
  data.set("credit_code", credit_code);
  if (!credit_code.empty() && (error == nullptr || error->fields.empty() || error->fields.front().field != "credit_code")) {
    auto listed = services::ListSupervision(site.ctx(), page.caller->actor, credit_code, page.req->Query("page_token"),
                                            ports::kDefaultPageSize);
    if (listed.ok()) {
      data.set("show_records", true);
      data.set("records", RecordRows(site, page, listed->records));
      data.set("has_records", !listed->records.empty());
      data.set("records_caption", page.T(site, "supervision.records_caption", credit_code));
      if (!listed->next_page_token.empty()) {
        Data pager;
        pager.set("next_href", "/office/supervision?credit_code=" + UrlEncode(credit_code) +
                                   "&page_token=" + UrlEncode(listed->next_page_token));
        pager.set("first_href", "/office/supervision?credit_code=" + UrlEncode(credit_code));
        data.set("pager", pager);
      }
    } else if (listed.error().code != ErrorCode::kInvalidArgument) {
      return ErrorPageFor(site, page, listed.error());
    } else if (error == nullptr) {
      // A mistyped credit code in the search box: say so there.
      const std::string text = AddOneErrorSummary(site, page, listed.error(), data, "#lookup-code");
      data.set("lookup_error", text);
      MarkErrorTitle(site, page, data, page.T(site, "page.supervision.title"));
    }
  }
  Data kinds{Data::type::list};
  for (const char* k : {"inspection", "violation", "penalty", "credit"}) {
    Data o;
    o.set("value", k);
    o.set("label", page.T(site, std::string("supervision.kind.") + k));
    o.set("selected", typed.kind == k);
    kinds.push_back(o);
  }
  data.set("kinds", kinds);
  Data results{Data::type::list};
  for (const char* r : {"compliant", "rectify", "non_compliant"}) {
    Data o;
    o.set("value", r);
    o.set("label", page.T(site, std::string("supervision.result.") + r));
    o.set("selected", typed.result == r);
    results.push_back(o);
  }
  data.set("results", results);
  Data levels{Data::type::list};
  for (const char* l : {"A", "B", "C", "D"}) {
    Data o;
    o.set("value", l);
    o.set("label", l);
    o.set("selected", typed.level == l);
    levels.push_back(o);
  }
  data.set("levels", levels);
  data.set("date", typed.date);
  data.set("summary", typed.summary);
  data.set("rule", typed.rule);
  data.set("amount", typed.amount);
  data.set("decision_number", typed.decision_number);
  data.set("corrects_value", typed.corrects);
  data.set("department", DepartmentName(site, page, page.caller->actor.user.department));
  if (error != nullptr) {
    const std::string anchor = AnchorOf(*error);
    const std::string text = AddOneErrorSummary(site, page, *error, data, "#" + anchor);
    std::string key = anchor + "_error";
    for (char& c : key) c = c == '-' ? '_' : c;
    data.set(key, text);
    MarkErrorTitle(site, page, data, page.T(site, "page.supervision.title"));
  } else if (recorded) {
    data.set("notice", page.T(site, "supervision.recorded_notice"));
  }
  Response res = RenderPage(site, page, "supervision", data,
                            error == nullptr ? 200 : HttpStatus(error->code == ErrorCode::kNotFound
                                                                    ? ErrorCode::kInvalidArgument
                                                                    : error->code));
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

Response SupervisionPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  if (!IsSupervisor(page)) return ErrorPage(site, page, 403, "error.supervision.not_supervisor");
  return Render(site, page, req.Query("credit_code"), services::SupervisionInput{}, nullptr, req.Query("done") == "1");
}

Response SupervisionSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  if (!IsSupervisor(page)) return ErrorPage(site, page, 403, "error.supervision.not_supervisor");
  const std::string credit_code = FormValue(form, "credit_code");
  services::SupervisionInput in;
  in.kind = FormValue(form, "kind");
  in.date = FormValue(form, "date");
  in.summary = FormValue(form, "summary");
  // A form shows every kind's fields: only the chosen kind's are sent on.
  if (in.kind == "inspection") in.result = FormValue(form, "result");
  if (in.kind == "violation") in.rule = FormValue(form, "rule");
  if (in.kind == "penalty") {
    in.amount = FormValue(form, "amount");
    in.decision_number = FormValue(form, "decision_number");
  }
  if (in.kind == "credit") in.level = FormValue(form, "level");
  in.corrects = FormValue(form, "corrects");
  services::Recorder by;
  by.official = page.caller->actor;
  auto recorded = services::RecordSupervision(site.ctx(), by, credit_code, in);
  if (!recorded.ok()) {
    const ErrorCode code = recorded.error().code;
    if (code != ErrorCode::kInvalidArgument && code != ErrorCode::kNotFound && code != ErrorCode::kPermissionDenied) {
      return ErrorPageFor(site, page, recorded.error());
    }
    return Render(site, page, credit_code, in, &recorded.error(), false);
  }
  return Redirect("/office/supervision?credit_code=" + UrlEncode(credit_code) + "&done=1");
}

}  // namespace

void SetCaseSupervision(const Site& site, const PageRequest& page, const domain::Application& app, Data& data) {
  if (app.enterprise.empty() || !page.caller) return;
  auto summary = services::CaseSupervisionSummary(site.ctx(), page.caller->actor, app.id);
  if (!summary.ok() || !summary->has_value()) return;  // not the case's reviewer: nothing to show
  const domain::SupervisionSummary& s = **summary;
  Data view;
  view.set("since", page.T(site, "supervision.summary_since", FormatIsoDate(s.since)));
  Data counts{Data::type::list};
  const std::pair<const char*, int> rows[] = {
      {"inspection", s.inspections}, {"violation", s.violations}, {"penalty", s.penalties}, {"credit", s.credits}};
  for (const auto& [kind, n] : rows) {
    Data row;
    row.set("kind", page.T(site, std::string("supervision.kind.") + kind));
    row.set("count", std::to_string(n));
    counts.push_back(row);
  }
  view.set("counts", counts);
  view.set("credit_level", s.credit ? page.T(site, "supervision.level_text", s.credit->credit_level) + " (" +
                                          FormatIsoDate(s.credit->date) + ")"
                                    : page.T(site, "supervision.no_credit"));
  if (s.latest_violation) {
    const auto& v = *s.latest_violation;
    view.set("latest_violation", FormatIsoDate(v.date) + " · " + DepartmentName(site, page, v.department) + " · " +
                                     v.summary + " (" + page.T(site, "supervision.rule_text", v.rule) + ")");
  } else {
    view.set("latest_violation", page.T(site, "supervision.no_violation"));
  }
  data.set("supervision", view);
}

void SetHomeSupervision(const Site& site, const PageRequest& page, const std::string& enterprise, Data& data) {
  if (enterprise.empty() || !page.caller) return;
  auto listed = services::ListSupervision(site.ctx(), page.caller->actor, enterprise, "", kHomeSupervisionRows);
  if (!listed.ok()) return;  // an agent without the rights to act sees no section
  data.set("home_supervision", true);
  data.set("supervision_records", RecordRows(site, page, listed->records));
  data.set("has_supervision_records", !listed->records.empty());
  data.set("supervision_caption", page.T(site, "supervision.home_caption"));
  data.set("supervision_more", !listed->next_page_token.empty());
  data.set("supervision_json", "/api/v1/enterprises/" + UrlEncode(enterprise) + "/supervision-records");
  data.set("supervision_access_log", "/enterprises/" + UrlEncode(enterprise) + "/access-log");
}

void RegisterSupervisionPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/office/supervision", [site](Request& req) { return SupervisionPage(*site, req); });
  router.Add("POST", "/office/supervision", [site](Request& req) { return SupervisionSubmit(*site, req); });
}

}  // namespace tongban::http::web
