// PATCH /api/v1/me: the caller's email address, mobile number, channels and language (issue 12
// item 3); GET /api/v1/me shows them (ContactJson). Contact details are personal data: never logged.
#include "http/api/handlers.h"
#include "services/contacts.h"

namespace tongban::http::api {

Json ContactJson(const ports::ContactSettings& contact) {
  return Json{{"email", contact.email},
              {"mobile", contact.mobile},
              {"channels", Json{{"inbox", true}, {"email", contact.email_on}, {"sms", contact.sms_on}}},
              {"language", contact.language}};
}

namespace {

Result<services::ContactChange> ParseContactChange(const Json& body) {
  const auto type_error = [] { return MakeError(ErrorCode::kInvalidArgument, "error.me.type"); };
  services::ContactChange change;
  for (const auto& [name, value] : body.items()) {
    if (name == "email" || name == "mobile" || name == "language") {
      if (!value.is_string()) return type_error();
      const std::string text = value.get<std::string>();
      if (name == "email") change.email = text;
      if (name == "mobile") change.mobile = text;
      if (name == "language") change.language = text;
    } else if (name == "channels") {
      if (!value.is_object()) return type_error();
      for (const auto& [channel, on] : value.items()) {
        if (!on.is_boolean()) return type_error();
        if (channel == "email") change.email_on = on.get<bool>();
        else if (channel == "sms") change.sms_on = on.get<bool>();
        else if (channel == "inbox") {
          // The inbox is always on.
          if (!on.get<bool>()) return MakeError(ErrorCode::kInvalidArgument, "error.me.inbox_always");
        } else {
          return MakeError(ErrorCode::kInvalidArgument, "error.me.unknown_field");
        }
      }
    } else {
      return MakeError(ErrorCode::kInvalidArgument, "error.me.unknown_field");
    }
  }
  return change;
}

}  // namespace

void RegisterContactRoutes(Router& router, const HttpDeps& deps) {
  router.Add("PATCH", "/api/v1/me", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, /*write=*/true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto body = ParseObject(req.body);
    if (!body.ok()) return ErrorResponse(deps, req, body.error());
    auto change = ParseContactChange(*body);
    if (!change.ok()) return ErrorResponse(deps, req, change.error());
    auto updated = services::UpdateMyContact(*deps.ctx, caller->actor, *change);
    if (!updated.ok()) return ErrorResponse(deps, req, updated.error());
    return JsonResponse(200, ContactJson(*updated));
  });
}

}  // namespace tongban::http::api
