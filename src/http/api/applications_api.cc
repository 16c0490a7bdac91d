// The applications routes of docs/api.md: create, read, list, events, actions, uploads.
#include <charconv>

#include "domain/limits.h"
#include "http/api/handlers.h"
#include "services/cross_province.h"
#include "http/deferred.h"
#include "services/data_access.h"
#include "services/applications.h"
#include "services/bundles.h"

namespace tongban::http::api {
namespace {

Date Today(const HttpDeps& deps) { return LocalDate(deps.ctx->clock->Now()); }

Response AppResponse(const HttpDeps& deps, const Request& req, int status, const domain::Application& app) {
  Json out = ToJson(app, Today(deps));
  // A cross-province case (issue 14 item 4): where it is handled and whether the peer took it.
  auto cross = services::CrossProvinceCaseOf(*deps.ctx, app.id);
  if (!cross.ok()) return ErrorResponse(deps, req, cross.error());
  if (*cross) out["cross_province"] = CrossProvinceJson(**cross);
  return JsonResponse(status, out);
}

// Applies "channel" from a JSON body to the actor. kInvalidArgument for an unknown channel.
Status ApplyChannel(const Json& body, services::Actor& actor) {
  TB_ASSIGN_OR_RETURN(std::string channel, OptionalString(body, "channel"));
  if (channel.empty()) return Ok();
  auto parsed = domain::ParseChannel(channel);
  if (!parsed) {
    Error e = MakeError(ErrorCode::kInvalidArgument, "error.channel.unknown");
    e.fields.push_back({"channel", "error.channel.unknown", channel});
    return e;
  }
  actor.channel = *parsed;
  return Ok();
}

Result<std::optional<std::map<std::string, std::string>>> OptionalFields(const Json& body) {
  auto it = body.find("fields");
  if (it == body.end() || it->is_null()) return std::optional<std::map<std::string, std::string>>();
  if (!it->is_object()) {
    Error e = MakeError(ErrorCode::kInvalidArgument, "error.json.type");
    e.fields.push_back({"fields", "error.json.type", "fields"});
    return e;
  }
  TB_ASSIGN_OR_RETURN(auto values, FieldValues(*it));
  return std::optional<std::map<std::string, std::string>>(std::move(values));
}

Result<bool> OptionalBool(const Json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return false;
  if (!it->is_boolean()) {
    Error e = MakeError(ErrorCode::kInvalidArgument, "error.json.type");
    e.fields.push_back({name, "error.json.type", name});
    return e;
  }
  return it->get<bool>();
}

// "delivery": {"to": "origin"|"handler", "address"} of a cross-province application: where the
// result is delivered (收件地 or 办理地). kInvalidArgument (error.federation.delivery) otherwise.
Result<domain::CaseSide> ParseDelivery(const Json& body, std::string& address) {
  const auto it = body.find("delivery");
  if (it == body.end() || !it->is_object()) return MakeError(ErrorCode::kInvalidArgument, "error.federation.delivery");
  TB_ASSIGN_OR_RETURN(const std::string to, OptionalString(*it, "to"));
  TB_ASSIGN_OR_RETURN(address, OptionalString(*it, "address"));
  const auto side = domain::ParseCaseSide(to);
  if (!side) return MakeError(ErrorCode::kInvalidArgument, "error.federation.delivery");
  return *side;
}

Response Create(const HttpDeps& deps, Request& req) {
  auto caller = RequireCaller(deps, req, /*write=*/true);
  if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
  auto body = ParseObject(req.body);
  if (!body.ok()) return ErrorResponse(deps, req, body.error());
  services::CreateApplicationRequest create;
  std::string bundle;
  std::string handled_by;
  services::CrossProvinceRequest cross;
  auto status = [&]() -> Status {
    TB_RETURN_IF_ERROR(ApplyChannel(*body, caller->actor));
    TB_ASSIGN_OR_RETURN(create.item, OptionalString(*body, "item"));
    TB_ASSIGN_OR_RETURN(bundle, OptionalString(*body, "bundle"));
    if (!bundle.empty() && !create.item.empty()) return MakeError(ErrorCode::kInvalidArgument, "error.bundle.item_or_bundle");
    if (create.item.empty() && bundle.empty()) return MakeError(ErrorCode::kInvalidArgument, "error.application.item_required");
    TB_ASSIGN_OR_RETURN(create.on_behalf_of, OptionalString(*body, "on_behalf_of"));
    TB_ASSIGN_OR_RETURN(create.enterprise, OptionalString(*body, "enterprise"));
    TB_ASSIGN_OR_RETURN(create.identity_code, OptionalString(*body, "identity_code"));
    TB_ASSIGN_OR_RETURN(create.visit, OptionalString(*body, "visit"));
    TB_ASSIGN_OR_RETURN(bool draft, OptionalBool(*body, "draft"));
    create.submit = !draft;
    TB_ASSIGN_OR_RETURN(auto fields, OptionalFields(*body));
    if (fields) create.fields = std::move(*fields);
    TB_ASSIGN_OR_RETURN(handled_by, OptionalString(*body, "handled_by"));
    if (!handled_by.empty()) {
      if (!bundle.empty() || draft || !create.enterprise.empty()) {
        return MakeError(ErrorCode::kInvalidArgument, "error.federation.cross_province_form");
      }
      TB_ASSIGN_OR_RETURN(cross.delivery, ParseDelivery(*body, cross.delivery_address));
    }
    return Ok();
  }();
  if (!status.ok()) return ErrorResponse(deps, req, status.error());
  if (!handled_by.empty()) {
    // 跨省通办: filed here, forwarded to the peer that handles the item (services/cross_province.h).
    cross.peer = handled_by;
    cross.item = create.item;
    cross.fields = std::move(create.fields);
    cross.on_behalf_of = create.on_behalf_of;
    cross.identity_code = create.identity_code;
    cross.visit = create.visit;
    auto app = services::ApplyCrossProvince(*deps.ctx, caller->actor, cross);
    if (!app.ok()) return ErrorResponse(deps, req, app.error());
    Response res = AppResponse(deps, req, 201, *app);
    res.AddHeader("Location", "/api/v1/applications/" + app->id);
    return res;
  }
  if (!bundle.empty()) {
    // One submission for a bundle: the bundle case and its sub-cases (services/bundles.h).
    services::CreateBundleRequest create_bundle{bundle,        create.fields,          create.on_behalf_of,
                                                create.enterprise, create.submit,       create.identity_code,
                                                create.visit};
    auto view = services::CreateBundleCase(*deps.ctx, caller->actor, create_bundle);
    if (!view.ok()) return ErrorResponse(deps, req, view.error());
    Response res = JsonResponse(201, BundleCaseJson(*view));
    res.AddHeader("Location", "/api/v1/applications/" + view->bundle_case.id);
    return res;
  }
  // Submission fetches its materials from external datasets first, holding no thread meanwhile.
  std::vector<services::ExternalCall> calls;
  if (create.submit) {
    auto planned = services::MaterialExternalCalls(
        *deps.ctx, create.item, create.on_behalf_of.empty() ? caller->actor.user.person_id : create.on_behalf_of,
        create.enterprise);
    if (!planned.ok()) return ErrorResponse(deps, req, planned.error());
    calls = std::move(planned).value();
  }
  return WithExternal(*deps.ctx, std::move(calls),
                      [&deps, &req, actor = caller->actor, create](const services::ExternalReads* external) mutable {
                        create.external = external;
                        auto app = services::CreateApplication(*deps.ctx, actor, create);
                        if (!app.ok()) return ErrorResponse(deps, req, app.error());
                        Response res = AppResponse(deps, req, 201, *app);
                        res.AddHeader("Location", "/api/v1/applications/" + app->id);
                        return res;
                      });
}

Response List(const HttpDeps& deps, Request& req) {
  auto caller = RequireCaller(deps, req, /*write=*/false);
  if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
  services::ListRequest list;
  const std::string state = req.Query("state");
  if (!state.empty()) {
    list.state = domain::ParseState(state);
    if (!list.state) return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.state.unknown"));
  }
  list.item = req.Query("item");
  list.enterprise = req.Query("enterprise");
  list.page_token = req.Query("page_token");
  list.query = req.Query("q");
  const std::string mine = req.Query("mine");
  if (!mine.empty() && mine != "true" && mine != "false") {
    return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.search.mine"));
  }
  list.mine = mine == "true";
  const std::string sort = req.Query("sort");
  if (!sort.empty() && sort != "deadline" && sort != "newest") {
    return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.search.sort"));
  }
  list.by_deadline = sort == "deadline";
  const std::string size = req.Query("page_size");
  if (!size.empty()) {
    auto [p, ec] = std::from_chars(size.data(), size.data() + size.size(), list.limit);
    if (ec != std::errc() || p != size.data() + size.size() || list.limit < 1 || list.limit > ports::kMaxPageSize) {
      return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.page_size"));
    }
  }
  auto page = services::ListApplications(*deps.ctx, caller->actor, list);
  if (!page.ok()) return ErrorResponse(deps, req, page.error());
  Json items = Json::array();
  const Date today = Today(deps);
  for (const auto& app : page->applications) items.push_back(ToJson(app, today));
  return JsonResponse(200, Json{{"items", std::move(items)},
                                {"next_page_token", page->next_page_token.empty() ? Json(nullptr)
                                                                                  : Json(page->next_page_token)}});
}

Response Act(const HttpDeps& deps, Request& req) {
  auto caller = RequireCaller(deps, req, /*write=*/true);
  if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
  auto action = domain::ParseAction(req.Param("action"));
  if (!action) return ErrorResponse(deps, req, MakeError(ErrorCode::kNotFound, "error.action.unknown"));
  services::ActRequest act;
  act.action = *action;
  if (!req.body.empty()) {
    auto body = ParseObject(req.body);
    if (!body.ok()) return ErrorResponse(deps, req, body.error());
    auto status = [&]() -> Status {
      // Every action refuses a field it does not take: a decision never carries the form.
      for (const auto& [key, value] : body->items()) {
        if (services::ActionTakes(*action, key)) continue;
        const std::string name(domain::CutToCodePoints(key, domain::kMaxFieldNameBytes));
        Error e = MakeError(ErrorCode::kInvalidArgument, "error.action.field_not_taken");
        e.fields.push_back({name, "error.field.not_taken", name});
        return e;
      }
      TB_RETURN_IF_ERROR(ApplyChannel(*body, caller->actor));
      TB_ASSIGN_OR_RETURN(act.reason, OptionalString(*body, "reason"));
      TB_ASSIGN_OR_RETURN(act.in_person, OptionalBool(*body, "in_person"));
      TB_ASSIGN_OR_RETURN(act.fields, OptionalFields(*body));
      return Ok();
    }();
    if (!status.ok()) return ErrorResponse(deps, req, status.error());
  }
  auto calls = services::ActExternalCalls(*deps.ctx, caller->actor, req.Param("id"), act.action);
  if (!calls.ok()) return ErrorResponse(deps, req, calls.error());
  return WithExternal(*deps.ctx, std::move(calls).value(),
                      [&deps, &req, actor = caller->actor, act](const services::ExternalReads* external) mutable {
                        act.external = external;
                        auto app = services::Act(*deps.ctx, actor, req.Param("id"), act);
                        if (!app.ok() && app.error().message == "error.application.not_found" &&
                            act.action == domain::Action::kSubmit) {
                          // A draft bundle case is submitted whole.
                          auto view = services::SubmitBundleCase(*deps.ctx, actor, req.Param("id"));
                          if (view.ok()) return JsonResponse(200, BundleCaseJson(*view));
                          if (view.error().message != "error.application.not_found") {
                            return ErrorResponse(deps, req, view.error());
                          }
                        }
                        if (!app.ok()) return ErrorResponse(deps, req, app.error());
                        return AppResponse(deps, req, 200, *app);
                      });
}

// POST /api/v1/applications/{id}/assignment {"assignee": user id}: assigns the case to an official
// of its department (the caller or a colleague); recorded in the case history.
Response AssignCase(const HttpDeps& deps, Request& req) {
  auto caller = RequireCaller(deps, req, /*write=*/true);
  if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
  auto body = ParseObject(req.body);
  if (!body.ok()) return ErrorResponse(deps, req, body.error());
  std::string assignee;
  auto status = [&]() -> Status {
    for (const auto& [key, value] : body->items()) {
      if (key == "assignee") continue;
      const std::string name(domain::CutToCodePoints(key, domain::kMaxFieldNameBytes));
      Error e = MakeError(ErrorCode::kInvalidArgument, "error.assign.field_not_taken");
      e.fields.push_back({name, "error.field.not_taken", name});
      return e;
    }
    TB_ASSIGN_OR_RETURN(assignee, OptionalString(*body, "assignee"));
    if (assignee.empty()) return MakeError(ErrorCode::kInvalidArgument, "error.assign.assignee");
    return Ok();
  }();
  if (!status.ok()) return ErrorResponse(deps, req, status.error());
  auto app = services::Assign(*deps.ctx, caller->actor, req.Param("id"), assignee);
  if (!app.ok()) return ErrorResponse(deps, req, app.error());
  return AppResponse(deps, req, 200, *app);
}

}  // namespace

void RegisterApplicationRoutes(Router& router, const HttpDeps& deps) {
  router.Add("POST", "/api/v1/applications/{id}/assignment", [&deps](Request& req) { return AssignCase(deps, req); });
  router.Add("POST", "/api/v1/applications", [&deps](Request& req) { return Create(deps, req); });
  router.Add("GET", "/api/v1/applications", [&deps](Request& req) { return List(deps, req); });
  router.Add("POST", "/api/v1/applications/{id}/actions/{action}", [&deps](Request& req) { return Act(deps, req); });

  router.Add("GET", "/api/v1/applications/{id}", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, /*write=*/false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto app = services::GetApplication(*deps.ctx, caller->actor, req.Param("id"));
    if (!app.ok() && app.error().message == "error.application.not_found") {
      // A bundle case answers its own shape (docs/api.md).
      auto view = services::ViewBundleCase(*deps.ctx, caller->actor, req.Param("id"));
      if (view.ok()) return JsonResponse(200, BundleCaseJson(*view));
    }
    if (!app.ok()) return ErrorResponse(deps, req, app.error());
    return AppResponse(deps, req, 200, *app);
  });

  router.Add("PATCH", "/api/v1/applications/{id}", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, /*write=*/true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto body = ParseObject(req.body);
    if (!body.ok()) return ErrorResponse(deps, req, body.error());
    auto fields = OptionalFields(*body);
    if (!fields.ok()) return ErrorResponse(deps, req, fields.error());
    if (!fields->has_value()) {
      return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.application.fields_required"));
    }
    auto app = services::UpdateFields(*deps.ctx, caller->actor, req.Param("id"), std::move(**fields));
    if (!app.ok()) return ErrorResponse(deps, req, app.error());
    return AppResponse(deps, req, 200, *app);
  });

  router.Add("GET", "/api/v1/applications/{id}/events", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, /*write=*/false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto events = services::ListEvents(*deps.ctx, caller->actor, req.Param("id"));
    if (!events.ok()) return ErrorResponse(deps, req, events.error());
    Json items = Json::array();
    for (const auto& e : *events) items.push_back(ToJson(e));
    return JsonResponse(200, Json{{"items", std::move(items)}, {"next_page_token", nullptr}});
  });

  // Uploads: the raw file as the body; its type is judged by content, never by name or header.
  router.Add("PUT", "/api/v1/applications/{id}/materials/{code}", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, /*write=*/true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    const std::string file_name = PercentDecode(req.Header("x-file-name"), false);
    auto app = services::AttachUpload(*deps.ctx, caller->actor, req.Param("id"), req.Param("code"), file_name, req.body);
    if (!app.ok()) return ErrorResponse(deps, req, app.error());
    return AppResponse(deps, req, 200, *app);
  });

  router.Add("GET", "/api/v1/applications/{id}/materials/{code}", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, /*write=*/false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    // The same read as the page's download: an official's read is recorded with the case.
    auto opened = services::OpenUpload(*deps.ctx, caller->actor, req.Param("id"), req.Param("code"));
    if (!opened.ok()) return ErrorResponse(deps, req, opened.error());
    Response res;
    res.content_type = opened->blob.content_type;
    res.body = std::move(opened->blob.data);
    res.AddHeader("Content-Disposition", AttachmentDisposition(opened->file_name, res.content_type));
    res.AddHeader("X-Content-Type-Options", "nosniff");
    return res;
  });
}

}  // namespace tongban::http::api
