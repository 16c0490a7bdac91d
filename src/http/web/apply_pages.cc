// The apply pages: the form of one service item (all questions on one page, or one question
// per page in elder mode), saving drafts, uploads, checking the answers before submitting, and the
// receipt; the page an official reaches instead of a form.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>

#include "http/peer_verify.h"
#include "http/web/forms.h"
#include "http/web/multipart.h"
#include "http/web/prefill_view.h"
#include "services/accounts.h"
#include "services/applications.h"
#include "services/data_access.h"
#include "services/peer_materials.h"
#include "services/pilots.h"
#include "http/deferred.h"

namespace tongban::http::web {
namespace {

using domain::ServiceItem;

std::vector<const domain::Field*> AskedFields(const ServiceItem& item) {
  std::vector<const domain::Field*> out;
  for (const auto& field : item.fields) {
    if (!field.source) out.push_back(&field);
  }
  return out;
}

bool NeedsUploads(const ServiceItem& item) {
  return std::any_of(item.materials.begin(), item.materials.end(), [](const domain::Material& m) {
    return m.source == domain::MaterialSource::kUpload;
  });
}

// Officials (clerks, reviewers, any non-applicant role) do not apply: assisted applications do not
// exist yet (issue 8 point 4), so they never get a form that could not be sent.
bool IsOfficialCaller(const PageRequest& page) {
  if (!page.caller) return false;
  const auto& roles = page.caller->actor.user.roles;
  return std::any_of(roles.begin(), roles.end(), [](domain::Role r) { return domain::IsOfficialRole(r); });
}

// A stored answer as a person reads it: yes/no and choices by their labels.
std::string AnswerText(const Site& site, const PageRequest& page, const domain::Field& field, const std::string& value) {
  if (value.empty()) return page.T(site, "application.empty_value");
  if (field.type == domain::FieldType::kBoolean) return page.T(site, value == "true" ? "form.yes" : "form.no");
  if (field.type == domain::FieldType::kSelect) {
    for (const auto& option : field.options) {
      if (option.value == value) return option.label.In(page.lang);
    }
  }
  return value;
}

// The steps of applying (issue 8 point 6): answers (in elder mode, one question a page), uploads
// when the item asks for files, checking the answers, and the receipt.
enum class Step { kAnswers, kUploads, kCheck, kDone };

// Adds the step indicator to `data`; `question` (elder mode) says which question of how many.
void SetSteps(const Site& site, const PageRequest& page, Data& data, const ServiceItem* item, Step current,
              const std::string& question = "") {
  std::vector<std::pair<Step, std::string>> steps = {{Step::kAnswers, "steps.answers"}};
  if (item == nullptr || NeedsUploads(*item)) steps.push_back({Step::kUploads, "steps.uploads"});
  steps.push_back({Step::kCheck, "steps.check"});
  steps.push_back({Step::kDone, "steps.done"});
  Data list{Data::type::list};
  size_t number = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    const bool is_current = steps[i].first == current;
    if (is_current) number = i + 1;
    Data row;
    std::string label = page.T(site, steps[i].second);
    if (is_current && !question.empty()) label += page.T(site, "steps.question", question);
    row.set("label", label);
    row.set("current", is_current);
    row.set("done", number == 0);
    list.push_back(row);
  }
  data.set("steps", list);
  data.set("steps_text", page.T(site, "steps.of", std::to_string(number) + " / " + std::to_string(steps.size())));
}

// The page an official reaches from an apply link; after a POST it lists what they typed.
Response OfficialPage(const Site& site, const PageRequest& page, const ServiceItem& item,
                      const std::multimap<std::string, std::string>* form, int status) {
  Data data = BaseData(site, page, "page.apply_official.title");
  data.set("item_name", item.name.In(page.lang));
  data.set("code", item.code);
  Data typed{Data::type::list};
  if (form != nullptr) {
    for (const auto* field : AskedFields(item)) {
      const std::string value = FormValue(*form, field->name);
      if (value.empty()) continue;
      Data row;
      row.set("label", field->label.In(page.lang));
      row.set("value", AnswerText(site, page, *field, value));
      typed.push_back(row);
    }
  }
  data.set("typed", typed);
  data.set("has_typed", !typed.is_empty_list());
  return RenderPage(site, page, "apply_official", data, status);
}

// The fields the platform fills itself (never asked), with where each comes from; none when
// `item` is null.
void SetSourced(const Site& site, const PageRequest& page, Data& data, const ServiceItem* item) {
  Data sourced{Data::type::list};
  if (item != nullptr) {
    for (const auto& field : item->fields) {
      if (!field.source) continue;
      Data row;
      row.set("label", field.label.In(page.lang));
      row.set("from", SourcedFromText(site, page, field));
      sourced.push_back(row);
    }
  }
  data.set("sourced", sourced);
  data.set("has_sourced", !sourced.is_empty_list());
}

// The sourced fields filled from the person's (or the acting enterprise's) data (issue 9 item 4),
// shown by prefill_view.h; a read refused or failing leaves the plain list (what comes from where)
// in place.
void SetPrefill(const Site& site, const PageRequest& page, Data& data, const ServiceItem& item,
                const std::string& enterprise, const std::string& return_to,
                const services::ExternalReads* external) {
  auto read = services::Prefill(site.ctx(), page.caller->actor, item.code, enterprise, {}, external);
  if (!read.ok()) return;
  PrefillViewOptions options;
  options.consent_return_to = return_to;
  SetPrefillView(site, page, data, item, *read, options);
}

// Everything the apply template needs; `errors` maps field name -> error text.
struct FormState {
  std::string application_id;
  bool correcting = false;  // the application waits for correction: submitting resubmits
  std::string correction_reason;  // what the department asked, repeated at the top of the form
  bool correction_in_person = false;
  std::map<std::string, std::string> values;
  std::map<std::string, std::string> errors;
  int step = 0;  // elder mode: 1-based question number; 0 shows every question
};

Data ApplyData(const Site& site, const PageRequest& page, const ServiceItem& item, const FormState& state) {
  const std::string name = item.name.In(page.lang);
  Data data = BaseData(site, page, "page.apply.title", name);
  data.set("code", item.code);
  data.set("item_name", name);
  SetText(data, "application_id", state.application_id);
  data.set("correcting", state.correcting);
  SetText(data, "correction_reason", state.correction_reason);
  data.set("correction_in_person", state.correction_in_person);
  const auto asked = AskedFields(item);
  Data fields{Data::type::list};
  const size_t first = state.step > 0 ? static_cast<size_t>(state.step - 1) : 0;
  const size_t last = state.step > 0 ? std::min(first + 1, asked.size()) : asked.size();
  for (size_t i = first; i < last; ++i) {
    const auto& field = *asked[i];
    const auto value = state.values.find(field.name);
    const auto error = state.errors.find(field.name);
    fields.push_back(FieldView(site, page, field, value == state.values.end() ? "" : value->second,
                               error == state.errors.end() ? "" : error->second));
  }
  data.set("fields", fields);
  data.set("has_fields", last > first);
  // Sourced fields: shown on the first (or only) page, never asked.
  SetSourced(site, page, data, state.step <= 1 ? &item : nullptr);
  const bool uploads = NeedsUploads(item);
  data.set("needs_uploads", uploads);
  std::string action = "/apply/" + item.code;
  if (state.step > 0) {
    action += "?step=" + std::to_string(state.step);
    data.set("step", std::to_string(state.step));
    const std::string question = std::to_string(state.step) + " / " + std::to_string(asked.size());
    data.set("step_text", page.T(site, "apply.step_of", question));
    SetSteps(site, page, data, &item, Step::kAnswers, question);
    data.set("stepped", true);
    const bool is_last = static_cast<size_t>(state.step) >= asked.size();
    data.set("last_step", is_last);
    data.set("show_check", is_last && !uploads);
    data.set("show_uploads", is_last && uploads);
    data.set("show_next", !is_last);
    if (state.step > 1) {
      std::string back = "/apply/" + item.code + "?step=" + std::to_string(state.step - 1);
      if (!state.application_id.empty()) back += "&application=" + state.application_id;
      data.set("back_href", back);
    }
  } else {
    data.set("stepped", false);
    SetSteps(site, page, data, &item, Step::kAnswers);
    data.set("show_check", !uploads);
    data.set("show_uploads", uploads);
  }
  data.set("form_action", action);
  return data;
}

struct Loaded {
  std::shared_ptr<const domain::Catalogue> catalogue;
  const ServiceItem* item = nullptr;
};

// The item as offered in the signed-in person's district (a pilot's variant, services/pilots.h).
Loaded LoadItem(const Site& site, const PageRequest& page, const std::string& code) {
  Loaded loaded;
  loaded.catalogue = site.ctx().Catalogue();
  if (!loaded.catalogue) return loaded;
  auto district = page.caller ? services::ActorDistrict(site.ctx(), page.caller->actor) : Result<std::string>(std::string());
  loaded.item = loaded.catalogue->ItemFor(code, district.ok() ? *district : std::string());
  return loaded;
}

// The enterprise an enterprise item is applied for: the one the session acts for (the switcher,
// enterprise_pages.cc; an agent of exactly one enterprise gets it chosen); "" for persons' items
// and when none is chosen yet.
Result<std::string> EnterpriseFor(const Site& site, const PageRequest& page, const ServiceItem& item) {
  if (item.applicant != domain::ApplicantKind::kEnterprise) return std::string();
  return services::ActingEnterprise(site.ctx(), page.caller->actor, page.caller->session, /*choose_single=*/true);
}

// The switcher, coming back to this apply page once an enterprise is chosen.
Response ChooseEnterpriseFirst(const ServiceItem& item) {
  return Redirect("/enterprise?needed=1&return=" + UrlEncode("/apply/" + item.code));
}

int StepOf(const Request& req, const PageRequest& page, size_t asked) {
  if (!page.elder || asked == 0) return 0;
  const int step = std::atoi(req.Query("step").c_str());
  return std::clamp(step, 1, static_cast<int>(asked));
}

Response ApplyForm(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const Loaded loaded = LoadItem(site, page, req.Param("code"));
  if (loaded.item == nullptr) return ErrorPage(site, page, 404, "error.item.not_found");
  if (IsOfficialCaller(page)) return OfficialPage(site, page, *loaded.item, nullptr, 200);
  FormState state;
  state.step = StepOf(req, page, AskedFields(*loaded.item).size());
  const std::string id = req.Query("application");
  std::string enterprise;
  std::string proxy_for, proxy_text;  // a family proxy applying for a person (proxy_pages.cc)
  if (!id.empty()) {
    auto view = services::ViewApplication(site.ctx(), page.caller->actor, id);
    if (!view.ok()) return ErrorPageFor(site, page, view.error());
    const domain::Application& app = view->application;
    if (app.item != loaded.item->code) return ErrorPage(site, page, 404, "page.not_found.message");
    if (!view->editable) return Redirect("/applications/" + app.id);
    state.application_id = app.id;
    state.correcting = app.state == domain::ApplicationState::kCorrectionRequested;
    if (view->correction) {
      state.correction_reason = view->correction->reason;
      state.correction_in_person = view->correction->in_person;
    }
    state.values = app.fields;
    enterprise = app.enterprise;
    // A family proxy completing the person's application: their own data is not the person's.
    if (app.enterprise.empty() && app.person_id != page.caller->actor.user.person_id) {
      proxy_text = page.T(site, "apply.proxy_for", app.applicant_name);
    }
  } else if (!req.Query("for").empty()) {
    auto text = ProxyForText(site, page, req.Query("for"), loaded.item->code);
    if (!text.ok()) return ErrorPageFor(site, page, text.error());
    proxy_for = req.Query("for");
    proxy_text = *text;
  } else {
    auto acting = EnterpriseFor(site, page, *loaded.item);
    if (!acting.ok()) return ErrorPageFor(site, page, acting.error());
    if (loaded.item->applicant == domain::ApplicantKind::kEnterprise && acting->empty()) {
      return ChooseEnterpriseFirst(*loaded.item);
    }
    enterprise = *acting;
  }
  // The pre-fill reads external datasets first, holding no thread while their systems answer.
  std::vector<services::ExternalCall> calls;
  if (state.step <= 1 && proxy_text.empty()) {
    auto planned = services::PrefillExternalCalls(site.ctx(), page.caller->actor, loaded.item->code, enterprise);
    if (planned.ok()) calls = std::move(planned).value();
  }
  return WithExternal(site.ctx(), std::move(calls),
                      [&site, &req, page, loaded, state, id, enterprise, proxy_for,
                       proxy_text](const services::ExternalReads* external) {
                        Data data = ApplyData(site, page, *loaded.item, state);
                        if (!proxy_for.empty()) data.set("proxy_for", proxy_for);
                        if (!proxy_text.empty()) data.set("proxy_for_text", proxy_text);
                        if (state.step <= 1 && proxy_text.empty()) {
                          std::string here = "/apply/" + loaded.item->code;
                          if (!id.empty()) here += "?application=" + id;
                          SetPrefill(site, page, data, *loaded.item, enterprise, here, external);
                        }
                        SetActingFor(site, page, data, enterprise, "apply.acting_for");
                        if (req.Query("saved") == "1") data.set("notice", page.T(site, "apply.saved"));
                        return RenderPage(site, page, "apply", data);
                      });
}

// One POST of the form is one service call (services::SaveAnswers, one transaction): "save" keeps
// a draft, "next" (elder mode) merges this question's answer, "uploads" and "check" continue once
// every answer is there. Submission itself happens on the check-your-answers page.
Response ApplySubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const Loaded loaded = LoadItem(site, page, req.Param("code"));
  if (loaded.item == nullptr) return ErrorPage(site, page, 404, "error.item.not_found");
  const ServiceItem& item = *loaded.item;
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  // An official's form (an old tab, a typed address) is refused, and what they typed is shown back.
  if (IsOfficialCaller(page)) return OfficialPage(site, page, item, &form, 403);
  const auto& actor = page.caller->actor;
  const auto asked = AskedFields(item);
  FormState state;
  state.step = StepOf(req, page, asked.size());
  state.application_id = FormValue(form, "application");
  state.correcting = FormValue(form, "correcting") == "1";
  const std::string intent = FormValue(form, "intent");
  const bool to_uploads = intent == "uploads";
  const bool to_check = intent == "check";

  // The values on this page (in elder mode, one question of the form).
  const size_t first = state.step > 0 ? static_cast<size_t>(state.step - 1) : 0;
  const size_t last = state.step > 0 ? std::min(first + 1, asked.size()) : asked.size();
  for (size_t i = first; i < last; ++i) state.values[asked[i]->name] = FormValue(form, asked[i]->name);

  services::SaveAnswersRequest request;
  request.item = item.code;
  request.application = state.application_id;
  if (state.application_id.empty()) {
    auto enterprise = EnterpriseFor(site, page, item);
    if (!enterprise.ok()) return ErrorPageFor(site, page, enterprise.error());
    if (item.applicant == domain::ApplicantKind::kEnterprise && enterprise->empty()) return ChooseEnterpriseFirst(item);
    request.enterprise = *enterprise;
    request.on_behalf_of = FormValue(form, "on_behalf_of");  // a family proxy's first save
  }
  request.fields = state.values;
  request.update = state.step > 0 ? services::FieldUpdate::kMerge : services::FieldUpdate::kReplace;
  request.complete = to_uploads || to_check;
  auto saved = services::SaveAnswers(site.ctx(), actor, request);
  Error error = MakeError(ErrorCode::kInternal, "unset");
  if (saved.ok()) {
    state.application_id = saved->application.id;
    if (state.step > 0) state.values = saved->application.fields;
    if (saved->missing.empty()) {
      const std::string& id = saved->application.id;
      if (to_uploads) return Redirect("/applications/" + id + "/materials");
      if (to_check) return Redirect("/applications/" + id + "/check");
      if (intent == "next" && state.step > 0) {
        return Redirect("/apply/" + item.code + "?step=" + std::to_string(state.step + 1) + "&application=" + id);
      }
      std::string back = "/apply/" + item.code + "?application=" + id + "&saved=1";
      if (state.step > 0) back += "&step=" + std::to_string(state.step);
      return Redirect(back);
    }
    // The answers given are stored; the ones still missing are asked for below.
    error = MakeError(ErrorCode::kInvalidArgument, "error.application.fields");
    error.fields = saved->missing;
  } else {
    error = saved.error();
  }
  if (error.code != ErrorCode::kInvalidArgument) return ErrorPageFor(site, page, error);
  // In elder mode, show the question of the first wrong field.
  if (state.step > 0 && !error.fields.empty()) {
    const std::string& wrong = error.fields.front().field;
    for (size_t i = 0; i < asked.size(); ++i) {
      if (asked[i]->name == wrong) state.step = static_cast<int>(i) + 1;
    }
  }
  const std::string materials_href =
      state.application_id.empty() ? "" : "/applications/" + state.application_id + "/materials";
  Data scratch;
  state.errors = AddErrorSummary(site, page, error, scratch, materials_href);
  Data redo = ApplyData(site, page, item, state);  // each error beside its field
  if (state.application_id.empty() && !request.on_behalf_of.empty()) redo.set("proxy_for", request.on_behalf_of);
  AddErrorSummary(site, page, error, redo, materials_href);
  MarkErrorTitle(site, page, redo, page.T(site, "page.apply.title", item.name.In(page.lang)));
  return RenderPage(site, page, "apply", redo, 400);
}

// Check your answers (issue 8 point 6): every answer with a link to change it, the files, and
// the one button that submits (or resubmits a correction).
Response CheckPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  auto view = services::ViewApplication(site.ctx(), page.caller->actor, req.Param("id"));
  if (!view.ok()) return ErrorPageFor(site, page, view.error());
  const domain::Application& app = view->application;
  if (!view->editable) return Redirect("/applications/" + app.id);
  const auto catalogue = site.ctx().Catalogue();
  const ServiceItem* item = catalogue ? catalogue->ItemUnder(app.item, app.pilot) : nullptr;
  if (item == nullptr) return ErrorPage(site, page, 404, "error.item.not_found");
  const bool correcting = app.state == domain::ApplicationState::kCorrectionRequested;
  Data data = BaseData(site, page, "page.check.title");
  data.set("id", app.id);
  data.set("item_name", item->name.In(page.lang));
  SetSteps(site, page, data, item, Step::kCheck);
  if (view->correction) {
    SetText(data, "correction_reason", view->correction->reason);
    data.set("correction_in_person", view->correction->in_person);
  }
  data.set("correcting", correcting);
  const auto asked = AskedFields(*item);
  Data answers{Data::type::list};
  for (size_t i = 0; i < asked.size(); ++i) {
    const auto& field = *asked[i];
    const auto it = app.fields.find(field.name);
    Data row;
    row.set("label", field.label.In(page.lang));
    row.set("value", AnswerText(site, page, field, it == app.fields.end() ? "" : it->second));
    row.set("change_href", page.elder ? "/apply/" + item->code + "?step=" + std::to_string(i + 1) + "&application=" + app.id
                                      : "/apply/" + item->code + "?application=" + app.id + "#field-" + field.name);
    answers.push_back(row);
  }
  data.set("answers", answers);
  SetSourced(site, page, data, item);
  Data files{Data::type::list};
  for (const auto& material : item->materials) {
    if (material.source != domain::MaterialSource::kUpload) continue;
    Data row;
    row.set("name", material.name.In(page.lang));
    std::string status = "missing";
    std::string file_name;
    for (const auto& attached : app.materials) {
      if (attached.code != material.code) continue;
      status = domain::MaterialStatusName(attached.status);
      file_name = attached.file_name;
    }
    row.set("value", file_name.empty() ? TextOr(site, page, "material." + status, status) : file_name);
    row.set("required", page.T(site, material.required ? "item.required" : "item.optional"));
    files.push_back(row);
  }
  data.set("files", files);
  data.set("has_files", !files.is_empty_list());
  data.set("materials_href", "/applications/" + app.id + "/materials");
  data.set("action", domain::ActionName(correcting ? domain::Action::kResubmit : domain::Action::kSubmit));
  return RenderPage(site, page, "check", data);
}

// The receipt (issue 8 point 6): printable, with the reference number, the deadline and what
// happens next, promising only what the product does today.
Response Submitted(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  auto app = services::GetApplication(site.ctx(), page.caller->actor, req.Param("id"));
  if (!app.ok()) return ErrorPageFor(site, page, app.error());
  Data data = BaseData(site, page, "page.submitted.title");
  const auto catalogue = site.ctx().Catalogue();
  SetSteps(site, page, data, catalogue ? catalogue->ItemUnder(app->item, app->pilot) : nullptr, Step::kDone);
  data.set("id", app->id);
  data.set("item_name", ItemName(site, page, app->item));
  data.set("state_tag", StateTag(site, page, app->state));
  data.set("deadline", app->deadline ? FormatIsoDate(*app->deadline) : page.T(site, "application.no_deadline"));
  data.set("department", DepartmentName(site, page, app->department));
  data.set("submitted", app->submitted_at ? FormatTime(*app->submitted_at) : page.T(site, "application.not_submitted"));
  data.set("resubmitted", app->state == domain::ApplicationState::kUnderReview);
  return RenderPage(site, page, "submitted", data);
}

Data MaterialsData(const Site& site, const PageRequest& page, const domain::Application& app) {
  Data data = BaseData(site, page, "page.materials.title");
  data.set("id", app.id);
  data.set("item_name", ItemName(site, page, app.item));
  const auto catalogue = site.ctx().Catalogue();
  const ServiceItem* item = catalogue ? catalogue->ItemUnder(app.item, app.pilot) : nullptr;
  Data rows{Data::type::list};
  if (item) {
    for (const auto& material : item->materials) {
      // Shared data or a licence that could not be fetched at submission may be uploaded instead.
      const bool unfetched = std::any_of(app.materials.begin(), app.materials.end(), [&](const auto& a) {
        return a.code == material.code && a.status == domain::MaterialStatus::kMissing && !a.reason.empty();
      });
      const bool fetched = std::any_of(app.materials.begin(), app.materials.end(), [&](const auto& a) {
        return a.code == material.code && a.status == domain::MaterialStatus::kFetched;
      });
      // A licence a peer platform issued may stand in (issue 14 item 3): presented here as its credential.
      const bool from_peers = material.accepts_from_peers && !fetched;
      if (material.source != domain::MaterialSource::kUpload && !unfetched && !from_peers) continue;
      Data row;
      row.set("peer_form", from_peers);
      row.set("upload_form", material.source == domain::MaterialSource::kUpload || unfetched);
      row.set("code", material.code);
      row.set("name", material.name.In(page.lang));
      row.set("required", page.T(site, material.required ? "item.required" : "item.optional"));
      row.set("input_id", "upload-" + material.code);
      std::string status = "missing";
      std::string file_name;
      for (const auto& attached : app.materials) {
        if (attached.code == material.code) {
          status = domain::MaterialStatusName(attached.status);
          file_name = attached.file_name;
        }
      }
      row.set("status", status);
      row.set("status_text", TextOr(site, page, "material." + status, status));
      SetText(row, "file_name", file_name);
      rows.push_back(row);
    }
  }
  data.set("materials", rows);
  const bool editable = services::Editable(app.state);
  data.set("editable", editable);
  if (editable) {
    data.set("check_href", "/applications/" + app.id + "/check");
    SetSteps(site, page, data, item, Step::kUploads);
  }
  return data;
}

Response MaterialsForm(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  auto app = services::GetApplication(site.ctx(), page.caller->actor, req.Param("id"));
  if (!app.ok()) return ErrorPageFor(site, page, app.error());
  Data data = MaterialsData(site, page, *app);
  if (req.Query("uploaded") == "1") data.set("notice", page.T(site, "materials.uploaded"));
  if (req.Query("presented") == "1") data.set("notice", page.T(site, "materials.peer_presented"));
  return RenderPage(site, page, "materials", data);
}

Response MaterialsUpload(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const std::string id = req.Param("id");
  auto parts = ParseMultipart(req.Header("content-type"), req.body);
  // The CSRF token travels inside the form: a body that is not a well-formed form answers 400
  // about the form below (and changes nothing), rather than 403 for a token it could not carry.
  if (parts.ok() && !CheckCsrf(*page.caller, req, MultipartField(*parts, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  Error error = parts.ok() ? MakeError(ErrorCode::kInvalidArgument, "error.upload.empty") : parts.error();
  if (parts.ok()) {
    const std::string material = MultipartField(*parts, "material");
    for (const auto& part : *parts) {
      if (!part.is_file || part.name != "file") continue;
      auto attached = services::AttachUpload(site.ctx(), page.caller->actor, id, material, part.file_name, part.data);
      if (attached.ok()) return Redirect("/applications/" + id + "/materials?uploaded=1");
      error = attached.error();
    }
  }
  if (error.code != ErrorCode::kInvalidArgument && error.code != ErrorCode::kPayloadTooLarge) {
    return ErrorPageFor(site, page, error);
  }
  auto app = services::GetApplication(site.ctx(), page.caller->actor, id);
  if (!app.ok()) return ErrorPageFor(site, page, app.error());
  Data data = MaterialsData(site, page, *app);
  AddErrorSummary(site, page, error, data);
  MarkErrorTitle(site, page, data, page.T(site, "page.materials.title"));
  return RenderPage(site, page, "materials", data, HttpStatus(error.code));
}

// A peer's licence pasted as a licence material (services/peer_materials.h): verified with the
// peer's status list fetched first when it is not cached (http/peer_verify.h), then attached.
Response PresentPeerLicence(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  if (site.ctx().trust_cache == nullptr) {
    return ErrorPageFor(site, page, MakeError(ErrorCode::kUnavailable, "error.keys.unavailable"));
  }
  std::string token = FormValue(form, "credential");
  token.erase(0, token.find_first_not_of(" \t\r\n"));
  token.erase(token.find_last_not_of(" \t\r\n") + 1);
  return VerifyThen(site.ctx(), site.deps.outbound, token, {},
                    [&site, &req, page, token](Result<services::Verification>) mutable -> Response {
                      const std::string id = req.Param("id");
                      auto attached = services::AttachPeerLicence(site.ctx(), site.ctx().trust_cache->peer_status(),
                                                                  page.caller->actor, id, req.Param("code"), token);
                      if (attached.ok()) return Redirect("/applications/" + id + "/materials?presented=1");
                      if (attached.error().code != ErrorCode::kInvalidArgument) {
                        return ErrorPageFor(site, page, attached.error());
                      }
                      auto app = services::GetApplication(site.ctx(), page.caller->actor, id);
                      if (!app.ok()) return ErrorPageFor(site, page, app.error());
                      Data data = MaterialsData(site, page, *app);
                      AddOneErrorSummary(site, page, attached.error(), data, "#peer-" + req.Param("code"));
                      MarkErrorTitle(site, page, data, page.T(site, "page.materials.title"));
                      return RenderPage(site, page, "materials", data, 400);
                    });
}

}  // namespace

void RegisterApplyPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/apply/{code}", [site](Request& req) { return ApplyForm(*site, req); });
  router.Add("POST", "/apply/{code}", [site](Request& req) { return ApplySubmit(*site, req); });
  router.Add("GET", "/applications/{id}/check", [site](Request& req) { return CheckPage(*site, req); });
  router.Add("GET", "/applications/{id}/submitted", [site](Request& req) { return Submitted(*site, req); });
  router.Add("GET", "/applications/{id}/materials", [site](Request& req) { return MaterialsForm(*site, req); });
  router.Add("POST", "/applications/{id}/materials", [site](Request& req) { return MaterialsUpload(*site, req); });
  router.Add("POST", "/applications/{id}/materials/{code}/peer-licence",
             [site](Request& req) { return PresentPeerLicence(*site, req); });
}

}  // namespace tongban::http::web
