// "My data" (/me/data): what the city's datasets hold on the signed-in person (or the enterprise an
// agent acts for), each value with a "this is wrong" link to /me/data/flags/new, and the person's
// flags with their answers; the data owner's list of open flags (/office/data-flags) with a form
// to answer each. Every read goes through services/my_data.h, which records it in the access log.
#include "common/ids.h"
#include "http/web/forms.h"
#include "http/web/page.h"
#include "services/my_data.h"

namespace tongban::http::web {
namespace {

std::string FlagsHref(const std::string& dataset, const std::string& field, const std::string& record,
                      const std::string& enterprise) {
  std::string href = "/me/data/flags/new?dataset=" + UrlEncode(dataset) + "&field=" + UrlEncode(field) +
                     "&record=" + UrlEncode(record);
  if (!enterprise.empty()) href += "&enterprise=" + UrlEncode(enterprise);
  return href;
}

std::string FieldLabel(const domain::Catalogue& catalogue, const PageRequest& page, const std::string& dataset,
                       const std::string& field) {
  const domain::Dataset* d = catalogue.FindDataset(dataset);
  const domain::DatasetField* f = d != nullptr ? d->FindField(field) : nullptr;
  return f != nullptr ? f->label.In(page.lang) : field;
}

std::string DatasetName(const domain::Catalogue& catalogue, const PageRequest& page, const std::string& dataset) {
  const domain::Dataset* d = catalogue.FindDataset(dataset);
  return d != nullptr ? d->name.In(page.lang) : dataset;
}

Response MyDataPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  services::MyDataQuery query;
  query.enterprise = req.Query("enterprise");
  query.dataset = req.Query("dataset");
  query.page_token = req.Query("page_token");
  auto data = services::ListMyData(site.ctx(), page.caller->actor, query);
  if (!data.ok()) return ErrorPageFor(site, page, data.error());
  const domain::Catalogue& catalogue = *data->catalogue;
  Data out = BaseData(site, page, "page.my_data.title");
  if (!query.enterprise.empty()) SetActingFor(site, page, out, query.enterprise, "my_data.acting_for");
  Data datasets{Data::type::list};
  for (const services::MyDataset& shown : data->datasets) {
    const domain::Dataset& d = *shown.dataset;
    Data set;
    set.set("code", d.code);
    set.set("name", d.name.In(page.lang));
    set.set("owner", DepartmentName(site, page, d.department));
    Data records{Data::type::list};
    for (const services::MyRecord& r : shown.records) {
      Data record;
      record.set("caption", page.T(site, "my_data.record_caption", FormatTime(r.as_of)));
      Data values{Data::type::list};
      for (const domain::DatasetField& f : d.fields) {
        Data row;
        row.set("label", f.label.In(page.lang));
        const auto found = r.values.find(f.name);
        if (found != r.values.end()) SetText(row, "value", found->second);
        row.set("flag_href", FlagsHref(d.code, f.name, r.record_id, query.enterprise));
        values.push_back(row);
      }
      record.set("values", values);
      records.push_back(record);
    }
    set.set("records", records);
    if (!shown.next_page_token.empty()) {
      std::string more = "/me/data?dataset=" + UrlEncode(d.code) + "&page_token=" + UrlEncode(shown.next_page_token);
      if (!query.enterprise.empty()) more += "&enterprise=" + UrlEncode(query.enterprise);
      set.set("more_href", more);
    }
    datasets.push_back(set);
  }
  out.set("datasets", datasets);
  out.set("has_datasets", !data->datasets.empty());
  Data flags{Data::type::list};
  for (const domain::DataFlag& f : data->flags) {
    Data row;
    row.set("raised_at", FormatTime(f.raised_at));
    row.set("dataset", DatasetName(catalogue, page, f.dataset));
    row.set("field", FieldLabel(catalogue, page, f.dataset, f.field));
    row.set("comment", f.comment);
    const bool answered = f.state == domain::DataFlagState::kAnswered;
    row.set("state", page.T(site, !answered ? "my_data.flag.open" : f.corrected ? "my_data.flag.corrected"
                                                                                : "my_data.flag.not_corrected"));
    if (answered) SetText(row, "answer", f.answer);
    flags.push_back(row);
  }
  out.set("flags", flags);
  out.set("has_flags", !data->flags.empty());
  if (req.Query("flagged") == "1") out.set("notice", page.T(site, "my_data.flagged"));
  out.set("json_href", query.enterprise.empty() ? std::string("/api/v1/me/data")
                                                : "/api/v1/me/data?enterprise=" + UrlEncode(query.enterprise));
  return RenderPage(site, page, "my_data", out);
}

// The flag form for `dataset`'s `field`; `error` shown beside the comment.
Response FlagForm(const Site& site, PageRequest& page, const std::string& dataset_code, const std::string& field,
                  const std::string& record, const std::string& enterprise, const std::string& comment,
                  const Error* error) {
  const auto catalogue = site.ctx().Catalogue();
  const domain::Dataset* dataset = catalogue->FindDataset(dataset_code);
  if (dataset == nullptr) return ErrorPage(site, page, 400, "error.flag.dataset");
  const domain::DatasetField* f = dataset->FindField(field);
  if (f == nullptr) return ErrorPage(site, page, 400, "error.flag.field");
  Data data = BaseData(site, page, "page.data_flag.title");
  data.set("dataset", dataset->code);
  data.set("dataset_name", dataset->name.In(page.lang));
  data.set("field", f->name);
  data.set("field_label", f->label.In(page.lang));
  data.set("owner", DepartmentName(site, page, dataset->department));
  data.set("record", record);
  data.set("enterprise", enterprise);
  data.set("comment", comment);
  data.set("back_href", enterprise.empty() ? std::string("/me/data") : "/me/data?enterprise=" + UrlEncode(enterprise));
  int status = 200;
  if (error != nullptr) {
    data.set("error", AddOneErrorSummary(site, page, *error, data, "#comment"));
    MarkErrorTitle(site, page, data, page.T(site, "page.data_flag.title"));
    status = HttpStatus(error->code);
  }
  return RenderPage(site, page, "data_flag_new", data, status);
}

Response NewFlagPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  return FlagForm(site, page, req.Query("dataset"), req.Query("field"), req.Query("record"), req.Query("enterprise"),
                  "", nullptr);
}

Response RaiseFlag(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  services::NewFlag flag;
  flag.dataset = FormValue(form, "dataset");
  flag.field = FormValue(form, "field");
  flag.record_id = FormValue(form, "record");
  flag.comment = FormValue(form, "comment");
  flag.enterprise = FormValue(form, "enterprise");
  auto raised = services::RaiseDataFlag(site.ctx(), page.caller->actor, flag);
  if (!raised.ok()) {
    if (raised.error().code == ErrorCode::kUnauthenticated) return SignInRedirect(page);
    return FlagForm(site, page, flag.dataset, flag.field, flag.record_id, flag.enterprise, flag.comment,
                    &raised.error());
  }
  std::string to = "/me/data?flagged=1";
  if (!flag.enterprise.empty()) to += "&enterprise=" + UrlEncode(flag.enterprise);
  return Redirect(to + "#flags");
}

// The data owner's open flags; `failed_id` and `error` put an answer's error beside its form.
Response OwnerFlags(const Site& site, PageRequest& page, const std::string& failed_id, const Error* error,
                    const services::FlagAnswer* typed) {
  const std::string token = page.req->Query("page_token");
  auto list = services::ListDepartmentFlags(site.ctx(), page.caller->actor, domain::DataFlagState::kOpen, token,
                                            ports::kDefaultPageSize);
  if (!list.ok()) return ErrorPageFor(site, page, list.error());
  const auto catalogue = site.ctx().Catalogue();
  Data data = BaseData(site, page, "page.data_flags.title");
  Data flags{Data::type::list};
  bool error_shown = false;
  for (const domain::DataFlag& f : list->flags) {
    Data row;
    row.set("id", f.id);
    row.set("dataset", DatasetName(*catalogue, page, f.dataset));
    row.set("field", FieldLabel(*catalogue, page, f.dataset, f.field));
    row.set("subject", f.subject_id.size() == 18 ? MaskResidentId(f.subject_id) : f.subject_id);
    row.set("record", f.record_id);
    row.set("raised_at", FormatTime(f.raised_at));
    row.set("comment", f.comment);
    if (error != nullptr && f.id == failed_id) {
      row.set("error", AddOneErrorSummary(site, page, *error, data, "#answer-" + f.id));
      error_shown = true;
      row.set("answer", typed->answer);
      row.set("corrected", typed->corrected);
      if (typed->value) row.set("value", *typed->value);
    }
    flags.push_back(row);
  }
  data.set("flags", flags);
  data.set("has_flags", !list->flags.empty());
  if (error != nullptr && !error_shown) {
    // The flag is not on this page any more (answered meanwhile): the error stands alone.
    Data row;
    row.set("text", ErrorText(site, page, *error));
    Data errors{Data::type::list};
    errors.push_back(row);
    data.set("errors", errors);
    data.set("has_errors", true);
  }
  if (error != nullptr) MarkErrorTitle(site, page, data, page.T(site, "page.data_flags.title"));
  if (page.req->Query("answered") == "1" && error == nullptr) data.set("notice", page.T(site, "data_flags.answered"));
  if (!token.empty() || !list->next_page_token.empty()) {
    Data pager;
    if (!token.empty()) pager.set("first_href", "/office/data-flags");
    if (!list->next_page_token.empty()) pager.set("next_href", "/office/data-flags?page_token=" + list->next_page_token);
    data.set("pager", pager);
  }
  return RenderPage(site, page, "data_flags", data, error == nullptr ? 200 : HttpStatus(error->code));
}

Response OwnerFlagsPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  return OwnerFlags(site, page, "", nullptr, nullptr);
}

Response AnswerFlag(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  services::FlagAnswer answer;
  answer.answer = FormValue(form, "answer");
  answer.corrected = FormValue(form, "corrected") == "1";
  const std::string value = FormValue(form, "value");
  if (!value.empty()) answer.value = value;
  const std::string id = req.Param("id");
  auto done = services::AnswerDataFlag(site.ctx(), page.caller->actor, id, answer);
  if (!done.ok()) {
    if (done.error().code == ErrorCode::kPermissionDenied || done.error().code == ErrorCode::kUnauthenticated) {
      return ErrorPageFor(site, page, done.error());
    }
    return OwnerFlags(site, page, id, &done.error(), &answer);
  }
  return Redirect("/office/data-flags?answered=1");
}

}  // namespace

void RegisterMyDataPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/me/data", [site](Request& req) { return MyDataPage(*site, req); });
  router.Add("GET", "/me/data/flags/new", [site](Request& req) { return NewFlagPage(*site, req); });
  router.Add("POST", "/me/data/flags", [site](Request& req) { return RaiseFlag(*site, req); });
  router.Add("GET", "/office/data-flags", [site](Request& req) { return OwnerFlagsPage(*site, req); });
  router.Add("POST", "/office/data-flags/{id}/answer", [site](Request& req) { return AnswerFlag(*site, req); });
}

}  // namespace tongban::http::web
