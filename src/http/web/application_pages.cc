// The application pages: my applications, one application (fields, materials, timeline and the
// caller's actions) and acting on it. The officials' workbench is office_pages.cc.
#include <algorithm>

#include "domain/limits.h"
#include "http/web/forms.h"
#include "services/bundles.h"
#include "services/accounts.h"
#include "services/applications.h"
#include "services/data_access.h"
#include "http/deferred.h"

namespace tongban::http::web {
namespace {

using domain::Action;
using domain::Application;
using domain::ApplicationState;

bool IsOfficial(const PageRequest& page) {
  if (!page.caller) return false;
  const auto& roles = page.caller->actor.user.roles;
  return std::any_of(roles.begin(), roles.end(), [](domain::Role r) { return domain::IsOfficialRole(r); });
}

std::string ActionKey(Action action) { return domain::ActionName(action); }

void SetPager(const Site& site, const PageRequest& page, Data& data, const std::string& base,
              const std::string& next_token) {
  const bool first_page = page.req->Query("page_token").empty();
  if (first_page && next_token.empty()) return;
  Data pager;
  if (!first_page) pager.set("first_href", base);
  if (!next_token.empty()) {
    pager.set("next_href", base + (base.find('?') == std::string::npos ? "?" : "&") + "page_token=" + UrlEncode(next_token));
  }
  data.set("pager", pager);
}

Response MyApplications(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  services::ListRequest request;
  request.page_token = req.Query("page_token");
  request.limit = ports::kDefaultPageSize;
  // An agent acting for an enterprise (the switcher) sees the enterprise's applications.
  auto acting = services::ActingEnterprise(site.ctx(), page.caller->actor, page.caller->session, false);
  if (!acting.ok()) return ErrorPageFor(site, page, acting.error());
  request.enterprise = *acting;
  auto listed = services::ListApplications(site.ctx(), page.caller->actor, request);
  if (!listed.ok()) return ErrorPageFor(site, page, listed.error());
  Data data = BaseData(site, page, "page.applications.title");
  SetActingFor(site, page, data, *acting, "applications.acting_for");
  data.set("rows", ApplicationTableRows(site, page, listed->applications, nullptr));
  data.set("has_rows", !listed->applications.empty());
  data.set("table_caption", page.T(site, "applications.caption"));
  SetPager(site, page, data, "/applications", listed->next_page_token);
  return RenderPage(site, page, "applications", data);
}

std::string RoleText(const Site& site, const PageRequest& page, const std::string& role) {
  return TextOr(site, page, "role." + role, role);
}

// The detail page; `error` (with the action it came from) is shown when an action failed.
Response Detail(const Site& site, PageRequest& page, const std::string& id, const Error* error,
                const std::string& failed_action, const std::string& typed_reason) {
  const auto& actor = page.caller->actor;
  auto view = services::ViewApplication(site.ctx(), actor, id);
  if (!view.ok()) return ErrorPageFor(site, page, view.error());
  const Application* app = &view->application;
  const auto catalogue = site.ctx().Catalogue();
  const domain::ServiceItem* item = catalogue ? catalogue->FindItem(app->item) : nullptr;

  const std::string reference = app->reference.empty() ? app->id : app->reference;
  Data data = BaseData(site, page, "page.application.title", reference);
  data.set("id", app->id);
  SetText(data, "reference", app->reference);
  data.set("item_code", app->item);
  data.set("item_name", ItemName(site, page, app->item));
  data.set("department", DepartmentName(site, page, app->department));
  data.set("state_tag", StateTag(site, page, app->state));
  data.set("channel", TextOr(site, page, std::string("channel.") + domain::ChannelName(app->channel),
                             domain::ChannelName(app->channel)));
  data.set("submitted", app->submitted_at ? FormatTime(*app->submitted_at) : page.T(site, "application.not_submitted"));
  data.set("deadline", app->deadline ? FormatIsoDate(*app->deadline) : page.T(site, "application.no_deadline"));
  data.set("overdue", view->overdue);
  SetApplicant(data, *app);
  SetCrossProvinceSummary(site, page, *app, data);
  if (IsOfficial(page) && app->submitted_at) SetCaseEligibility(site, page, *app, data);
  if (IsOfficial(page) && app->submitted_at) SetCaseSupervision(site, page, *app, data);
  if (!app->assignee_user_id.empty() || IsOfficial(page)) {
    // Officials see whom the case is assigned to and may change it (office_pages.cc).
    auto colleagues = services::Colleagues(site.ctx(), actor);
    if (colleagues.ok()) {
      data.set("show_assignee", true);
      for (const auto& user : *colleagues) {
        if (user.id == app->assignee_user_id) data.set("assignee", user.display_name);
      }
      if (!domain::IsTerminal(app->state)) data.set("assign_href", "/applications/" + app->id + "/assign");
    }
  }

  Data fields{Data::type::list};
  if (item) {
    for (const auto& field : item->fields) {
      Data row;
      row.set("label", field.label.In(page.lang));
      const auto it = app->fields.find(field.name);
      std::string value = it == app->fields.end() ? "" : it->second;
      if (field.type == domain::FieldType::kBoolean && !value.empty()) {
        value = page.T(site, value == "true" ? "form.yes" : "form.no");
      }
      if (field.type == domain::FieldType::kSelect) {
        for (const auto& option : field.options) {
          if (option.value == value) value = option.label.In(page.lang);
        }
      }
      if (field.source) {
        const std::string from_key =
            field.source == domain::MaterialSource::kLicence ? "apply.from_licence" : "apply.from_dataset";
        row.set("source", page.T(site, from_key, TextOr(site, page, "dataset." + field.dataset, field.dataset)));
      }
      row.set("value", value.empty() ? page.T(site, "application.empty_value") : value);
      fields.push_back(row);
    }
  }
  data.set("fields", fields);
  if (view->editable) data.set("edit_href", "/apply/" + app->item + "?application=" + app->id);
  // An ended case links to its rating page (rating_pages.cc): the form, or the rating and its reply.
  if (domain::IsTerminal(app->state) && !IsOfficial(page)) data.set("rating_href", "/applications/" + app->id + "/rating");

  Data materials{Data::type::list};
  bool has_uploads = false;
  for (const services::MaterialView& material : view->materials) {
    const domain::Material* described = item ? item->FindMaterial(material.code) : nullptr;
    Data row;
    const std::string material_name = described ? described->name.In(page.lang) : material.code;
    row.set("name", material_name);
    const std::string status = domain::MaterialStatusName(material.status);
    // A material that could not be fetched at submission may be uploaded instead.
    has_uploads = has_uploads || material.source == domain::MaterialSource::kUpload ||
                  (material.status == domain::MaterialStatus::kMissing && !material.reason.empty());
    row.set("status", status);
    row.set("status_text", TextOr(site, page, "material." + status, status));
    if (!material.licence_status.empty()) {
      // Accepted everywhere (C7): a valid e-licence is fetched, with where it came from; one that
      // is not valid does not count, and the page says why.
      if (material.licence_status == "valid") {
        row.set("status", std::string("fetched"));
        row.set("status_text", page.T(site, "material.fetched"));
        row.set("licence_note", page.T(site, "material.from_licence",
                                      material.licence_id + " · " + DepartmentName(site, page, material.licence_issuer) +
                                          " · " + FormatTime(material.licence_as_of)));
      } else {
        row.set("licence_note", page.T(site, "material.licence_not_valid." + material.licence_status));
      }
      if (!view->official) row.set("licence_href", "/licences/" + material.licence_id);
    } else if (material.status == domain::MaterialStatus::kFetched && !material.dataset.empty()) {
      // Fetched at submission from a dataset: which one, and as of when its owner vouches for it.
      const domain::Dataset* ds = site.ctx().Catalogue()->FindDataset(material.dataset);
      row.set("licence_note", page.T(site, "material.from_dataset",
                                     (ds ? ds->name.In(page.lang) : material.dataset) + " · " +
                                         FormatTime(material.as_of)));
    } else if (material.status == domain::MaterialStatus::kMissing && !material.reason.empty()) {
      row.set("licence_note", page.T(site, "material.not_fetched." + material.reason));
    }
    if (material.source == domain::MaterialSource::kUpload && material.status == domain::MaterialStatus::kProvided) {
      // Opening the file: services::OpenUpload records an official's read with the case.
      row.set("file_href", "/applications/" + app->id + "/materials/" + material.code + "/file");
      std::string file_name;
      for (const auto& attached : app->materials) {
        if (attached.code == material.code) file_name = attached.file_name;
      }
      row.set("file_text", page.T(site, "application.open_file", file_name.empty() ? material_name : file_name));
    }
    materials.push_back(row);
  }
  data.set("materials", materials);
  data.set("has_materials", !materials.is_empty_list());
  if (has_uploads && view->editable) data.set("materials_href", "/applications/" + app->id + "/materials");

  Data timeline{Data::type::list};
  for (auto it = view->timeline.rbegin(); it != view->timeline.rend(); ++it) {
    const services::TimelineEntry& entry = *it;
    Data row;
    row.set("time", FormatTime(entry.at));
    row.set("datetime", FormatRfc3339(entry.at));
    row.set("action", TextOr(site, page, "timeline.what." + entry.what, entry.what));
    std::string names;
    for (const domain::LocalText& name : entry.names) names += (names.empty() ? "" : page.T(site, "timeline.list_separator")) + name.In(page.lang);
    SetText(row, "names", names);
    if (entry.state) row.set("to_tag", StateTag(site, page, *entry.state));
    // The official's name where the entry records one (who opened which file).
    row.set("actor", RoleText(site, page, entry.actor_role) + (entry.actor_name.empty() ? "" : " " + entry.actor_name));
    row.set("channel", TextOr(site, page, std::string("channel.") + domain::ChannelName(entry.channel),
                              domain::ChannelName(entry.channel)));
    SetText(row, "reason", entry.reason);
    row.set("has_reason", !entry.reason.empty());
    row.set("in_person", entry.in_person);
    if (!entry.assisted_centre.empty()) {
      // "Done for you at <centre> by <clerk>" (services/window.h).
      const domain::ServiceCentre* centre = site.ctx().Catalogue()->FindCentre(entry.assisted_centre);
      const std::string where = centre != nullptr ? centre->name.In(page.lang) : entry.assisted_centre;
      row.set("assisted", page.T(site, "timeline.assisted_at", where) +
                              (entry.assisted_name.empty() ? "" : " " + page.T(site, "timeline.assisted_by",
                                                                                entry.assisted_name)));
    }
    // The person sees what their family proxy did for them (services/proxies.h).
    if (entry.actor_role == "proxy" && !view->official && entry.actor_user_id != actor.user.id) {
      row.set("proxy_note", page.T(site, "timeline.by_proxy", entry.actor_name));
    }
    timeline.push_back(row);
  }
  data.set("timeline", timeline);
  data.set("has_timeline", !timeline.is_empty_list());

  // A correction asked of the applicant leads the page: the reason, "change your answers" first,
  // "resubmit unchanged" second (issue 8 point 5).
  const bool correction_lead = view->correction && !view->official && view->editable;
  if (correction_lead) {
    SetText(data, "correction_reason", view->correction->reason);
    data.set("correction_in_person", view->correction->in_person);
    data.set("correction_lead", true);
    data.set("change_href", "/apply/" + app->item + "?application=" + app->id);
    data.set("resubmit_action", domain::ActionName(Action::kResubmit));
  }
  Data buttons{Data::type::list};
  for (const services::ActionOption& option : view->actions) {
    const Action action = option.action;
    if (correction_lead && action == Action::kResubmit) continue;  // in the correction box above
    const std::string name = domain::ActionName(action);
    const std::string key = ActionKey(action);
    Data button;
    button.set("action", name);
    button.set("label", TextOr(site, page, "action." + key, name));
    button.set("reason_id", "reason-" + name);
    button.set("reason_label", page.T(site, option.reason_required ? "act.reason_required" : "act.reason_optional"));
    SetText(button, "reason_hint", TextOr(site, page, "act.hint." + key, ""));
    button.set("reason_required", option.reason_required);
    button.set("warning", action == Action::kReject || action == Action::kRefuse || action == Action::kWithdraw);
    // Withdrawing cannot be undone: it is asked on a page of its own first (issue 8 point 7).
    if (action == Action::kWithdraw) button.set("confirm_href", "/applications/" + app->id + "/withdraw");
    // A draft is sent from the check-your-answers page (issue 8 point 6).
    if (action == Action::kSubmit) button.set("confirm_href", "/applications/" + app->id + "/check");
    if (error != nullptr && failed_action == name) {
      button.set("error", ErrorText(site, page, *error));
      button.set("has_error", true);
      button.set("reason", typed_reason);
    }
    buttons.push_back(button);
  }
  data.set("actions", buttons);
  data.set("has_actions", !buttons.is_empty_list());
  if (error != nullptr) {
    Data errors{Data::type::list};
    Data row;
    row.set("text", ErrorText(site, page, *error));
    // The link goes to the failed action's reason box when the page has one; a resubmission
    // without changes is in the correction box; a draft's submission has no box here.
    const bool has_form = std::any_of(view->actions.begin(), view->actions.end(), [&](const services::ActionOption& o) {
      return domain::ActionName(o.action) == failed_action && o.action != Action::kSubmit &&
             o.action != Action::kWithdraw && !(correction_lead && o.action == Action::kResubmit);
    });
    if (has_form) {
      row.set("href", "#reason-" + failed_action);
    } else if (correction_lead && failed_action == domain::ActionName(Action::kResubmit)) {
      row.set("href", "#correction-title");
    }
    errors.push_back(row);
    for (const FieldError& field_error : error->fields) {
      if (field_error.field == "reason") continue;  // shown beside the reason, above
      Data field_row;
      field_row.set("text", FieldErrorText(site, page, field_error));
      if (field_error.field.rfind("materials.", 0) == 0 && has_uploads) {
        field_row.set("href", "/applications/" + app->id + "/materials");
      }
      errors.push_back(field_row);
    }
    data.set("errors", errors);
    data.set("has_errors", true);
    MarkErrorTitle(site, page, data, page.T(site, "page.application.title", reference));
  }
  const std::string done = page.req->Query("done");
  if (!done.empty() && error == nullptr) {
    // Officials are told what they did, not thanked as citizens are (issue 8 point 7).
    const std::string generic = TextOr(site, page, "notice.done." + done, page.T(site, "notice.done_generic"));
    data.set("notice", view->official ? TextOr(site, page, "notice.done.official." + done, generic) : generic);
  }
  // A bundle's sub-case links to its bundle case (issue 11 item 1).
  if (auto bundle = services::BundleOfSubCase(site.ctx(), actor, app->id); bundle.ok() && *bundle) {
    data.set("bundle_href", "/bundle-cases/" + **bundle);
  }
  const int status = error == nullptr ? 200 : HttpStatus(error->code);
  return RenderPage(site, page, "application", data, status);
}

Response DetailPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  return Detail(site, page, req.Param("id"), nullptr, "", "");
}

Response WithdrawPage(const Site& site, PageRequest& page, const std::string& id, const Error* error,
                      const std::string& typed_reason);

Response ActSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const std::string id = req.Param("id");
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  const std::string action_name = FormValue(form, "action");
  const auto action = domain::ParseAction(action_name);
  if (!action) return ErrorPage(site, page, 400, "error.action.unknown");
  services::ActRequest request;
  request.action = *action;
  request.reason = FormValue(form, "reason");
  request.in_person = FormValue(form, "in_person") == "1";
  // The same rule as the API: a form field the action does not take is refused, not ignored. The
  // page's form sends the token, the action and a reason; "in_person" only a correction takes.
  Result<Application> result = MakeError(ErrorCode::kInternal, "unset");
  const auto not_taken = std::find_if(form.begin(), form.end(), [&](const auto& entry) {
    const std::string& name = entry.first;
    const bool taken = name == "csrf_token" || name == "action" || name == "reason" ||
                       (name == "in_person" && services::ActionTakes(*action, name));
    return !taken;
  });
  if (not_taken != form.end()) {
    const std::string name = domain::IsUtf8(not_taken->first)
                                 ? std::string(domain::CutToCodePoints(not_taken->first, domain::kMaxFieldNameBytes))
                                 : "?";
    Error error = MakeError(ErrorCode::kInvalidArgument, "error.action.field_not_taken");
    error.fields.push_back({name, "error.field.not_taken", name});
    result = std::move(error);
  }
  // Answers the page for the action's result.
  auto answer = [&site, id, action_name, action = *action](PageRequest& page, const services::ActRequest& request,
                                                          const Result<Application>& result) -> Response {
    if (!result.ok()) {
      const Error& error = result.error();
      if (error.code == ErrorCode::kNotFound || error.code == ErrorCode::kUnauthenticated ||
          error.code == ErrorCode::kInternal || error.code == ErrorCode::kUnavailable) {
        return ErrorPageFor(site, page, error);
      }
      // A reason the withdrawal page took is shown back there, beside it.
      if (action == Action::kWithdraw && error.code == ErrorCode::kInvalidArgument) {
        return WithdrawPage(site, page, id, &error, request.reason);
      }
      return Detail(site, page, id, &error, action_name, request.reason);
    }
    if (action == Action::kSubmit || action == Action::kResubmit) return Redirect("/applications/" + id + "/submitted");
    return Redirect("/applications/" + id + "?done=" + action_name);
  };
  if (not_taken != form.end()) return answer(page, request, result);
  // Submission fetches its materials from external datasets first, holding no thread meanwhile.
  auto calls = services::ActExternalCalls(site.ctx(), page.caller->actor, id, *action);
  if (!calls.ok()) return ErrorPageFor(site, page, calls.error());
  return WithExternal(site.ctx(), std::move(calls).value(),
                      [&site, page, id, request, answer](const services::ExternalReads* external) mutable {
                        request.external = external;
                        const Result<Application> acted = services::Act(site.ctx(), page.caller->actor, id, request);
                        return answer(page, request, acted);
                      });
}

// Withdrawal asks first (issue 8 point 7), without JavaScript: what it means, an optional reason,
// and the button that withdraws; going back changes nothing. `error` (with the reason typed) when
// withdrawing failed on a reason that is not right.
Response WithdrawPage(const Site& site, PageRequest& page, const std::string& id, const Error* error,
                      const std::string& typed_reason) {
  auto view = services::ViewApplication(site.ctx(), page.caller->actor, id);
  if (!view.ok()) return ErrorPageFor(site, page, view.error());
  const Application& app = view->application;
  const auto withdraw = std::find_if(view->actions.begin(), view->actions.end(),
                                     [](const services::ActionOption& o) { return o.action == Action::kWithdraw; });
  if (withdraw == view->actions.end()) return Redirect("/applications/" + app.id);
  Data data = BaseData(site, page, "page.withdraw.title");
  data.set("id", app.id);
  data.set("item_name", ItemName(site, page, app.item));
  data.set("state_tag", StateTag(site, page, app.state));
  data.set("action", domain::ActionName(Action::kWithdraw));
  data.set("reason_label", page.T(site, withdraw->reason_required ? "act.reason_required" : "act.reason_optional"));
  if (error == nullptr) return RenderPage(site, page, "withdraw", data);
  data.set("error", AddOneErrorSummary(site, page, *error, data, "#reason-withdraw"));
  data.set("reason", typed_reason);
  MarkErrorTitle(site, page, data, page.T(site, "page.withdraw.title"));
  return RenderPage(site, page, "withdraw", data, HttpStatus(error->code));
}

Response WithdrawConfirm(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  return WithdrawPage(site, page, req.Param("id"), nullptr, "");
}

}  // namespace

void RegisterApplicationPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/applications", [site](Request& req) { return MyApplications(*site, req); });
  router.Add("GET", "/applications/{id}", [site](Request& req) { return DetailPage(*site, req); });
  router.Add("POST", "/applications/{id}/act", [site](Request& req) { return ActSubmit(*site, req); });
  router.Add("GET", "/applications/{id}/withdraw", [site](Request& req) { return WithdrawConfirm(*site, req); });
}

}  // namespace tongban::http::web
