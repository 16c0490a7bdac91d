// The bundle pages (一件事, issue 11 item 1): one notice (every material, time limit and fee of all
// the bundle's items, with what the platform fetches itself) and one form whose fields are merged
// by name and pre-filled; in elder mode the notice and then one question a page (the answers so
// far carried in the form, nothing stored until the end). One POST makes the bundle case
// (services/bundles.h); its page shows each sub-case, its department and state, what a refusal
// means for the rest, and the results together.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "http/web/forms.h"
#include "services/accounts.h"
#include "services/bundles.h"

namespace tongban::http::web {
namespace {

using domain::Bundle;

std::vector<domain::Field> AskedFields(const domain::Catalogue& catalogue, const Bundle& bundle) {
  std::vector<domain::Field> out;
  for (domain::Field& f : services::MergedFields(catalogue, bundle)) {
    if (!f.source) out.push_back(std::move(f));
  }
  return out;
}

bool NeedsUploads(const domain::Catalogue& catalogue, const Bundle& bundle) {
  for (const std::string& code : bundle.items) {
    const domain::ServiceItem* item = catalogue.FindItem(code);
    if (item == nullptr) continue;
    for (const auto& m : item->materials) {
      if (m.source == domain::MaterialSource::kUpload) return true;
    }
  }
  return false;
}

bool TakesEnterprises(const domain::Catalogue& catalogue, const Bundle& bundle) {
  return catalogue.BundleTakes(bundle, domain::ApplicantKind::kEnterprise) &&
         !catalogue.BundleTakes(bundle, domain::ApplicantKind::kPerson);
}

std::string NameList(const Site& site, const PageRequest& page, const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& code : items) out += (out.empty() ? "" : page.T(site, "list.separator")) + ItemName(site, page, code);
  return out;
}

// The notice: per item, its department, time limit, fee, and materials marked fetched or uploaded.
Data NoticeParts(const Site& site, const PageRequest& page, const domain::Catalogue& catalogue, const Bundle& bundle) {
  Data parts{Data::type::list};
  for (const std::string& code : bundle.items) {
    const domain::ServiceItem* item = catalogue.FindItem(code);
    if (item == nullptr) continue;
    Data part;
    part.set("code", item->code);
    part.set("name", item->name.In(page.lang));
    part.set("department", DepartmentName(site, page, item->department));
    part.set("promised_days", page.T(site, "item.working_days", std::to_string(item->promised_limit_days)));
    part.set("fee", item->fee.In(page.lang));
    SetText(part, "waits_for", bundle.WaitsFor(code).empty()
                                   ? ""
                                   : page.T(site, "bundle_apply.waits_for", NameList(site, page, bundle.WaitsFor(code))));
    Data materials{Data::type::list};
    for (const auto& m : item->materials) {
      Data row;
      row.set("name", m.name.In(page.lang));
      const bool fetched = m.source != domain::MaterialSource::kUpload;
      row.set("fetched", fetched);
      row.set("how", page.T(site, fetched ? "bundle_apply.fetched" : (m.required ? "bundle_apply.upload"
                                                                                : "bundle_apply.upload_optional")));
      materials.push_back(row);
    }
    part.set("materials", materials);
    part.set("has_materials", !materials.is_empty_list());
    parts.push_back(part);
  }
  return parts;
}

struct BundleForm {
  std::map<std::string, std::string> values;
  std::map<std::string, std::string> errors;
  int step = 0;  // elder mode: 0 the notice, 1.. one question each; otherwise 0 shows everything
};

Response ApplyPage(const Site& site, const PageRequest& page, const domain::Catalogue& catalogue, const Bundle& bundle,
                   const std::string& enterprise, const BundleForm& form, const Error* error, int status) {
  const std::string name = bundle.name.In(page.lang);
  Data data = BaseData(site, page, "page.bundle_apply.title", name);
  data.set("code", bundle.code);
  data.set("name", name);
  SetActingFor(site, page, data, enterprise, "apply.acting_for");
  const auto asked = AskedFields(catalogue, bundle);
  const bool elder = page.elder && !asked.empty();
  const bool show_notice = !elder || form.step == 0;
  data.set("show_notice", show_notice);
  data.set("parts", NoticeParts(site, page, catalogue, bundle));
  SetText(data, "industry_licence", bundle.industry_licence.empty()
                                        ? ""
                                        : TextOr(site, page, "licence_type." + bundle.industry_licence,
                                                 bundle.industry_licence));
  data.set("needs_uploads", NeedsUploads(catalogue, bundle));
  // What the platform fills itself, with the values it read (pre-fill), shown with the notice.
  Data sourced{Data::type::list};
  if (show_notice && page.caller) {
    auto prefill = services::PrefillBundle(site.ctx(), page.caller->actor, bundle.code, enterprise);
    for (const domain::Field& f : services::MergedFields(catalogue, bundle)) {
      if (!f.source) continue;
      Data row;
      row.set("label", f.label.In(page.lang));
      const bool read = prefill.ok() && prefill->fields.contains(f.name);
      SetText(row, "value", read ? prefill->fields.at(f.name).value : "");
      sourced.push_back(row);
    }
  }
  data.set("sourced", sourced);
  data.set("has_sourced", !sourced.is_empty_list());
  // The form: every question, or (elder mode) question `step` with the others carried along.
  Data fields{Data::type::list};
  Data carried{Data::type::list};
  for (size_t i = 0; i < asked.size(); ++i) {
    const domain::Field& f = asked[i];
    const auto value = form.values.find(f.name);
    const std::string v = value == form.values.end() ? "" : value->second;
    if (!elder || static_cast<int>(i) + 1 == form.step) {
      const auto e = form.errors.find(f.name);
      fields.push_back(FieldView(site, page, f, v, e == form.errors.end() ? "" : e->second));
    } else {
      Data hidden;
      hidden.set("name", f.name);
      hidden.set("value", v);
      carried.push_back(hidden);
    }
  }
  data.set("show_form", !elder || form.step > 0);
  data.set("fields", fields);
  data.set("carried", carried);
  data.set("has_fields", !asked.empty());
  const bool last = !elder || form.step >= static_cast<int>(asked.size());
  data.set("show_submit", last);
  data.set("show_next", !last);
  data.set("step", std::to_string(form.step));
  if (elder) {
    data.set("step_text", page.T(site, "apply.step_of", std::to_string(form.step + 1) + " / " +
                                                            std::to_string(asked.size() + 1)));
    if (form.step > 0) data.set("back_href", "/bundles/" + bundle.code + "/apply");
  }
  if (error != nullptr) {
    AddErrorSummary(site, page, *error, data);
    MarkErrorTitle(site, page, data, page.T(site, "page.bundle_apply.title", name));
  }
  return RenderPage(site, page, "bundle_apply", data, status);
}

struct Loaded {
  std::shared_ptr<const domain::Catalogue> catalogue;
  const Bundle* bundle = nullptr;
};

Loaded LoadBundle(const Site& site, const std::string& code) {
  Loaded loaded;
  loaded.catalogue = site.ctx().Catalogue();
  if (loaded.catalogue) loaded.bundle = loaded.catalogue->FindBundle(code);
  return loaded;
}

// The enterprise a bundle that enterprises take is applied for: the agent's acting one, into
// `enterprise`. Answers the page to go to instead (an error, or the switcher when none is chosen).
std::optional<Response> ChooseEnterprise(const Site& site, const PageRequest& page, const Loaded& loaded,
                                         std::string& enterprise) {
  if (!TakesEnterprises(*loaded.catalogue, *loaded.bundle)) return std::nullopt;
  auto acting = services::ActingEnterprise(site.ctx(), page.caller->actor, page.caller->session, true);
  if (!acting.ok()) return ErrorPageFor(site, page, acting.error());
  if (acting->empty()) return Redirect("/enterprise?needed=1&return=" + UrlEncode("/bundles/" + loaded.bundle->code + "/apply"));
  enterprise = *acting;
  return std::nullopt;
}

Response ApplyForm(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const Loaded loaded = LoadBundle(site, req.Param("code"));
  if (loaded.bundle == nullptr) return ErrorPage(site, page, 404, "error.bundle.not_found");
  std::string enterprise;
  if (auto away = ChooseEnterprise(site, page, loaded, enterprise)) return std::move(*away);
  BundleForm form;
  if (page.elder) form.step = std::clamp(std::atoi(req.Query("step").c_str()), 0,
                                         static_cast<int>(AskedFields(*loaded.catalogue, *loaded.bundle).size()));
  return ApplyPage(site, page, *loaded.catalogue, *loaded.bundle, enterprise, form, nullptr, 200);
}

Response ApplySubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const Loaded loaded = LoadBundle(site, req.Param("code"));
  if (loaded.bundle == nullptr) return ErrorPage(site, page, 404, "error.bundle.not_found");
  const auto posted = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(posted, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  std::string enterprise;
  if (auto away = ChooseEnterprise(site, page, loaded, enterprise)) return std::move(*away);
  const auto asked = AskedFields(*loaded.catalogue, *loaded.bundle);
  BundleForm form;
  for (const domain::Field& f : asked) {
    const std::string v = FormValue(posted, f.name);
    if (!v.empty()) form.values[f.name] = v;
  }
  form.step = std::clamp(std::atoi(FormValue(posted, "step").c_str()), 0, static_cast<int>(asked.size()));
  if (page.elder && FormValue(posted, "intent") == "next") {
    form.step = std::min(form.step + 1, static_cast<int>(asked.size()));
    return ApplyPage(site, page, *loaded.catalogue, *loaded.bundle, enterprise, form, nullptr, 200);
  }
  services::CreateBundleRequest create;
  create.bundle = loaded.bundle->code;
  create.fields = form.values;
  create.enterprise = enterprise;
  // With files to attach, the bundle is kept as a draft whose sub-cases take them; then submitted whole.
  create.submit = !NeedsUploads(*loaded.catalogue, *loaded.bundle);
  auto made = services::CreateBundleCase(site.ctx(), page.caller->actor, create);
  if (made.ok()) return Redirect("/bundle-cases/" + made->bundle_case.id);
  if (made.error().code != ErrorCode::kInvalidArgument) return ErrorPageFor(site, page, made.error());
  for (const FieldError& e : made.error().fields) form.errors.emplace(e.field, FieldErrorText(site, page, e));
  if (page.elder) {
    // Back to the first question that is wrong.
    for (size_t i = 0; i < asked.size(); ++i) {
      if (form.errors.contains(asked[i].name)) {
        form.step = static_cast<int>(i) + 1;
        break;
      }
    }
  }
  return ApplyPage(site, page, *loaded.catalogue, *loaded.bundle, enterprise, form, &made.error(), 400);
}

std::string BundleStateText(const Site& site, const PageRequest& page, const std::string& state) {
  return page.T(site, "bundle_state." + state);
}

Response CasePage(const Site& site, const PageRequest& page, const services::BundleView& view, const Error* error,
                  int status) {
  const auto catalogue = site.ctx().Catalogue();
  const Bundle* bundle = catalogue ? catalogue->FindBundle(view.bundle_case.bundle) : nullptr;
  const std::string name = bundle ? bundle->name.In(page.lang) : view.bundle_case.bundle;
  Data data = BaseData(site, page, "page.bundle_case.title", name);
  data.set("id", view.bundle_case.id);
  data.set("name", name);
  data.set("state", view.progress.state);
  data.set("state_text", BundleStateText(site, page, view.progress.state));
  SetText(data, "deadline", view.progress.deadline ? FormatIsoDate(*view.progress.deadline) : "");
  const bool draft = !view.bundle_case.submitted_at;
  data.set("draft", draft);
  std::set<std::string> unapproved;
  for (const auto& part : view.parts) {
    if (domain::EndedUnapproved(part.application.state)) unapproved.insert(part.sub_case.item);
  }
  Data rows{Data::type::list};
  bool any_closed = false;
  for (const auto& part : view.parts) {
    const domain::Application& app = part.application;
    Data row;
    row.set("id", app.id);
    row.set("item", ItemName(site, page, part.sub_case.item));
    row.set("department", DepartmentName(site, page, app.department));
    row.set("status", StateTag(site, page, app.state));
    row.set("reference", app.reference);
    SetText(row, "sub_deadline", app.deadline ? FormatIsoDate(*app.deadline) : "");
    SetText(row, "waits_for", part.sub_case.waits_for.empty()
                                  ? ""
                                  : page.T(site, "bundle_apply.waits_for", NameList(site, page, part.sub_case.waits_for)));
    std::string meaning;
    if (app.state == domain::ApplicationState::kClosed) {
      any_closed = true;
      std::vector<std::string> causes;
      for (const auto& w : part.sub_case.waits_for) {
        if (unapproved.contains(w)) causes.push_back(w);
      }
      meaning = page.T(site, "bundle_case.closed_because", NameList(site, page, causes.empty() ? part.sub_case.waits_for : causes));
    }
    SetText(row, "meaning", meaning);
    const bool needs_files = draft && std::any_of(app.materials.begin(), app.materials.end(), [](const auto& m) {
      return m.status == domain::MaterialStatus::kMissing;
    });
    row.set("needs_files", needs_files);
    rows.push_back(row);
  }
  data.set("sub_cases", rows);
  SetText(data, "refusal_note", any_closed ? page.T(site, "bundle_case.others_carry_on") : "");
  Data results{Data::type::list};
  for (const auto& licence : view.results) {
    Data row;
    row.set("id", licence.id);
    row.set("type", TextOr(site, page, "licence_type." + licence.type, licence.type));
    results.push_back(row);
  }
  data.set("results", results);
  data.set("has_results", !results.is_empty_list());
  if (error != nullptr) AddErrorSummary(site, page, *error, data);
  return RenderPage(site, page, "bundle_case", data, status);
}

Response CaseView(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  auto view = services::ViewBundleCase(site.ctx(), page.caller->actor, req.Param("id"));
  if (!view.ok()) return ErrorPageFor(site, page, view.error());
  return CasePage(site, page, *view, nullptr, 200);
}

Response CaseSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto posted = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(posted, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  auto submitted = services::SubmitBundleCase(site.ctx(), page.caller->actor, req.Param("id"));
  if (submitted.ok()) return Redirect("/bundle-cases/" + submitted->bundle_case.id);
  if (submitted.error().code != ErrorCode::kInvalidArgument) return ErrorPageFor(site, page, submitted.error());
  auto view = services::ViewBundleCase(site.ctx(), page.caller->actor, req.Param("id"));
  if (!view.ok()) return ErrorPageFor(site, page, view.error());
  return CasePage(site, page, *view, &submitted.error(), 400);
}

}  // namespace

void RegisterBundlePages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/bundles/{code}/apply", [site](Request& req) { return ApplyForm(*site, req); });
  router.Add("POST", "/bundles/{code}/apply", [site](Request& req) { return ApplySubmit(*site, req); });
  router.Add("GET", "/bundle-cases/{id}", [site](Request& req) { return CaseView(*site, req); });
  router.Add("POST", "/bundle-cases/{id}/submit", [site](Request& req) { return CaseSubmit(*site, req); });
}

}  // namespace tongban::http::web
