// The apply pages: the form of one service item (all questions on one page, or one question
// per page in elder mode), saving drafts, submitting, the confirmation, and uploads.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "http/web/forms.h"
#include "http/web/multipart.h"
#include "services/accounts.h"
#include "services/applications.h"

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

bool RequiresUploads(const ServiceItem& item) {
  return std::any_of(item.materials.begin(), item.materials.end(), [](const domain::Material& m) {
    return m.source == domain::MaterialSource::kUpload && m.required;
  });
}

std::string DatasetText(const Site& site, const PageRequest& page, const domain::Field& field) {
  const std::string key = field.source == domain::MaterialSource::kLicence ? "apply.from_licence" : "apply.from_dataset";
  return page.T(site, key, TextOr(site, page, "dataset." + field.dataset, field.dataset));
}

// Everything the apply template needs; `errors` maps field name -> error text.
struct FormState {
  std::string application_id;
  bool correcting = false;  // the application waits for correction: submitting resubmits
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
  Data sourced{Data::type::list};
  if (state.step <= 1) {
    for (const auto& field : item.fields) {
      if (!field.source) continue;
      Data row;
      row.set("label", field.label.In(page.lang));
      row.set("from", DatasetText(site, page, field));
      sourced.push_back(row);
    }
  }
  data.set("sourced", sourced);
  data.set("has_sourced", !sourced.is_empty_list());
  const bool uploads = NeedsUploads(item);
  const bool required_uploads = RequiresUploads(item);
  data.set("needs_uploads", uploads);
  std::string action = "/apply/" + item.code;
  if (state.step > 0) {
    action += "?step=" + std::to_string(state.step);
    data.set("step", std::to_string(state.step));
    data.set("step_text", page.T(site, "apply.step_of", std::to_string(state.step) + " / " + std::to_string(asked.size())));
    data.set("stepped", true);
    const bool is_last = static_cast<size_t>(state.step) >= asked.size();
    data.set("last_step", is_last);
    data.set("show_submit", is_last && !required_uploads);
    data.set("show_uploads", is_last && uploads);
    data.set("show_next", !is_last);
    if (state.step > 1) {
      std::string back = "/apply/" + item.code + "?step=" + std::to_string(state.step - 1);
      if (!state.application_id.empty()) back += "&application=" + state.application_id;
      data.set("back_href", back);
    }
  } else {
    data.set("stepped", false);
    data.set("show_submit", !required_uploads);
    data.set("show_uploads", uploads);
  }
  data.set("form_action", action);
  return data;
}

struct Loaded {
  std::shared_ptr<const domain::Catalogue> catalogue;
  const ServiceItem* item = nullptr;
};

Loaded LoadItem(const Site& site, const std::string& code) {
  Loaded loaded;
  loaded.catalogue = site.ctx().Catalogue();
  if (loaded.catalogue) loaded.item = loaded.catalogue->FindItem(code);
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
  const Loaded loaded = LoadItem(site, req.Param("code"));
  if (loaded.item == nullptr) return ErrorPage(site, page, 404, "error.item.not_found");
  FormState state;
  state.step = StepOf(req, page, AskedFields(*loaded.item).size());
  const std::string id = req.Query("application");
  std::string enterprise;
  if (!id.empty()) {
    auto app = services::GetApplication(site.ctx(), page.caller->actor, id);
    if (!app.ok()) return ErrorPageFor(site, page, app.error());
    if (app->item != loaded.item->code) return ErrorPage(site, page, 404, "page.not_found.message");
    state.application_id = app->id;
    state.correcting = app->state == domain::ApplicationState::kCorrectionRequested;
    state.values = app->fields;
    enterprise = app->enterprise;
  } else {
    auto acting = EnterpriseFor(site, page, *loaded.item);
    if (!acting.ok()) return ErrorPageFor(site, page, acting.error());
    if (loaded.item->applicant == domain::ApplicantKind::kEnterprise && acting->empty()) {
      return ChooseEnterpriseFirst(*loaded.item);
    }
    enterprise = *acting;
  }
  Data data = ApplyData(site, page, *loaded.item, state);
  SetActingFor(site, page, data, enterprise, "apply.acting_for");
  if (req.Query("saved") == "1") data.set("notice", page.T(site, "apply.saved"));
  return RenderPage(site, page, "apply", data);
}

Response ApplySubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const Loaded loaded = LoadItem(site, req.Param("code"));
  if (loaded.item == nullptr) return ErrorPage(site, page, 404, "error.item.not_found");
  const ServiceItem& item = *loaded.item;
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  const auto& actor = page.caller->actor;
  const auto asked = AskedFields(item);
  FormState state;
  state.step = StepOf(req, page, asked.size());
  state.application_id = FormValue(form, "application");
  state.correcting = FormValue(form, "correcting") == "1";
  const std::string intent = FormValue(form, "intent");

  // The values on this page (in elder mode, one question of the form).
  const size_t first = state.step > 0 ? static_cast<size_t>(state.step - 1) : 0;
  const size_t last = state.step > 0 ? std::min(first + 1, asked.size()) : asked.size();
  for (size_t i = first; i < last; ++i) state.values[asked[i]->name] = FormValue(form, asked[i]->name);

  // "Continue to uploads" saves a draft once every answer is complete; the uploads follow.
  const bool to_uploads = intent == "uploads";
  const bool submit = intent == "submit";
  // Submits (or resubmits) the draft; `fields`, when given, replace its form first. Only a
  // resubmission carries them (one transaction); a draft's answers are saved, then it is submitted.
  const auto submit_draft = [&](std::optional<std::map<std::string, std::string>> fields) -> Result<domain::Application> {
    services::ActRequest request;
    request.action = state.correcting ? domain::Action::kResubmit : domain::Action::kSubmit;
    if (fields && !state.correcting) {
      auto saved = services::UpdateFields(site.ctx(), actor, state.application_id, std::move(*fields));
      if (!saved.ok()) return saved;
      fields.reset();
    }
    request.fields = std::move(fields);
    return services::Act(site.ctx(), actor, state.application_id, request);
  };
  Result<domain::Application> result = MakeError(ErrorCode::kInternal, "unset");
  if (state.step > 0 && !state.application_id.empty()) {
    // Elder mode on a draft: this step's answer is merged into the stored form in one write; the
    // whole form is then checked or submitted.
    result = services::UpdateFields(site.ctx(), actor, state.application_id, state.values, services::FieldUpdate::kMerge);
    if (result.ok()) {
      state.values = result->fields;
      if (to_uploads) {
        Status answers = services::CheckAnswers(site.ctx(), item.code, state.values);
        if (!answers.ok()) result = answers.take_error();
      } else if (submit) {
        result = submit_draft(std::nullopt);
      }
    }
  } else if (Status answers = to_uploads ? services::CheckAnswers(site.ctx(), item.code, state.values) : Ok();
             !answers.ok()) {
    result = answers.take_error();
  } else if (state.application_id.empty()) {
    auto enterprise = EnterpriseFor(site, page, item);
    if (!enterprise.ok()) return ErrorPageFor(site, page, enterprise.error());
    if (item.applicant == domain::ApplicantKind::kEnterprise && enterprise->empty()) return ChooseEnterpriseFirst(item);
    services::CreateApplicationRequest request;
    request.item = item.code;
    request.enterprise = *enterprise;
    request.fields = state.values;
    request.submit = submit;
    result = services::CreateApplication(site.ctx(), actor, request);
  } else if (submit) {
    result = submit_draft(state.values);
  } else {
    result = services::UpdateFields(site.ctx(), actor, state.application_id, state.values);
  }
  if (!result.ok()) {
    Error error = result.error();
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
    AddErrorSummary(site, page, error, redo, materials_href);
    MarkErrorTitle(site, page, redo, page.T(site, "page.apply.title", item.name.In(page.lang)));
    return RenderPage(site, page, "apply", redo, 400);
  }

  const domain::Application& app = result.value();
  if (submit) return Redirect("/applications/" + app.id + "/submitted");
  if (intent == "uploads") return Redirect("/applications/" + app.id + "/materials");
  if (intent == "next" && state.step > 0) {
    return Redirect("/apply/" + item.code + "?step=" + std::to_string(state.step + 1) + "&application=" + app.id);
  }
  std::string back = "/apply/" + item.code + "?application=" + app.id + "&saved=1";
  if (state.step > 0) back += "&step=" + std::to_string(state.step);
  return Redirect(back);
}

Response Submitted(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  auto app = services::GetApplication(site.ctx(), page.caller->actor, req.Param("id"));
  if (!app.ok()) return ErrorPageFor(site, page, app.error());
  Data data = BaseData(site, page, "page.submitted.title");
  data.set("id", app->id);
  data.set("item_name", ItemName(site, page, app->item));
  data.set("state_tag", StateTag(site, page, app->state));
  data.set("deadline", app->deadline ? FormatIsoDate(*app->deadline) : page.T(site, "application.no_deadline"));
  data.set("department", DepartmentName(site, page, app->department));
  return RenderPage(site, page, "submitted", data);
}

Data MaterialsData(const Site& site, const PageRequest& page, const domain::Application& app) {
  Data data = BaseData(site, page, "page.materials.title");
  data.set("id", app.id);
  data.set("item_name", ItemName(site, page, app.item));
  const auto catalogue = site.ctx().Catalogue();
  const ServiceItem* item = catalogue ? catalogue->FindItem(app.item) : nullptr;
  Data rows{Data::type::list};
  if (item) {
    for (const auto& material : item->materials) {
      if (material.source != domain::MaterialSource::kUpload) continue;
      Data row;
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
  data.set("editable", services::Editable(app.state));
  data.set("can_submit", app.state == domain::ApplicationState::kDraft);
  return data;
}

Response MaterialsForm(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  auto app = services::GetApplication(site.ctx(), page.caller->actor, req.Param("id"));
  if (!app.ok()) return ErrorPageFor(site, page, app.error());
  Data data = MaterialsData(site, page, *app);
  if (req.Query("uploaded") == "1") data.set("notice", page.T(site, "materials.uploaded"));
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

}  // namespace

void RegisterApplyPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/apply/{code}", [site](Request& req) { return ApplyForm(*site, req); });
  router.Add("POST", "/apply/{code}", [site](Request& req) { return ApplySubmit(*site, req); });
  router.Add("GET", "/applications/{id}/submitted", [site](Request& req) { return Submitted(*site, req); });
  router.Add("GET", "/applications/{id}/materials", [site](Request& req) { return MaterialsForm(*site, req); });
  router.Add("POST", "/applications/{id}/materials", [site](Request& req) { return MaterialsUpload(*site, req); });
}

}  // namespace tongban::http::web
