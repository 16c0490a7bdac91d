// Supervision records (issue 13 item 4; docs/api.md "Supervision records"):
// POST /api/v1/enterprises/{credit_code}/supervision-records (a supervisor's session, or a
// supervision system's `Authorization: Bearer tbk_...` API key), GET the same (supervisors, the
// enterprise's agents; each read logged), GET /api/v1/applications/{id}/supervision-summary (the
// case's reviewer), and the administrators' /api/v1/admin/api-keys. Keys are never logged.

#include "http/api/handlers.h"
#include "services/api_keys.h"
#include "services/supervision.h"

namespace tongban::http::api {

Json SupervisionRecordJson(const domain::SupervisionRecord& r) {
  Json out{{"id", r.id},
           {"credit_code", r.credit_code},
           {"kind", domain::SupervisionKindName(r.kind)},
           {"date", FormatIsoDate(r.date)},
           {"summary", r.summary},
           {"department", r.department},
           {"recorded_by", Json{{"kind", domain::RecorderKindName(r.recorded_by_kind)},
                                {"id", r.recorded_by},
                                {"name", r.recorded_by_name}}},
           {"recorded_at", FormatRfc3339(r.recorded_at)},
           {"corrects", r.corrects.empty() ? Json(nullptr) : Json(r.corrects)},
           {"corrected_by", r.corrected_by.empty() ? Json(nullptr) : Json(r.corrected_by)}};
  switch (r.kind) {
    case domain::SupervisionKind::kInspection:
      out["result"] = r.result ? domain::InspectionResultName(*r.result) : "";
      break;
    case domain::SupervisionKind::kViolation:
      out["rule"] = r.rule;
      break;
    case domain::SupervisionKind::kPenalty:
      out["amount"] = domain::FormatYuan(r.amount_fen.value_or(0));
      out["decision_number"] = r.decision_number;
      break;
    case domain::SupervisionKind::kCredit:
      out["level"] = r.credit_level;
      break;
  }
  return out;
}

Json SupervisionSummaryJson(const domain::SupervisionSummary& s) {
  return Json{{"credit_code", s.credit_code},
              {"since", FormatIsoDate(s.since)},
              {"counts", Json{{"inspection", s.inspections},
                              {"violation", s.violations},
                              {"penalty", s.penalties},
                              {"credit", s.credits}}},
              {"credit_level", s.credit ? Json(s.credit->credit_level) : Json(nullptr)},
              {"credit_level_date", s.credit ? Json(FormatIsoDate(s.credit->date)) : Json(nullptr)},
              {"latest_violation", s.latest_violation ? SupervisionRecordJson(*s.latest_violation) : Json(nullptr)}};
}

namespace {

Error TypeError(const std::string& field) {
  Error e = MakeError(ErrorCode::kInvalidArgument, "error.json.type");
  e.fields.push_back({field, "error.json.type", field});
  return e;
}

Result<services::SupervisionInput> ParseInput(const Json& body) {
  services::SupervisionInput in;
  for (const auto& [name, value] : body.items()) {
    std::string* target = nullptr;
    if (name == "kind") target = &in.kind;
    else if (name == "date") target = &in.date;
    else if (name == "summary") target = &in.summary;
    else if (name == "result") target = &in.result;
    else if (name == "rule") target = &in.rule;
    else if (name == "amount") target = &in.amount;
    else if (name == "decision_number") target = &in.decision_number;
    else if (name == "level") target = &in.level;
    else if (name == "corrects") target = &in.corrects;
    else if (name == "department") continue;  // the recorder's department decides; a system may send its own
    else return MakeError(ErrorCode::kInvalidArgument, "error.supervision.unknown_field");
    if (value.is_null()) continue;
    if (name == "amount" && value.is_number() && !value.is_number_float()) {
      *target = value.dump();
    } else if (name == "amount" && value.is_number_float()) {
      *target = value.dump();  // 5000.5 -> "5000.5"; more than two decimals is refused
    } else if (value.is_string()) {
      *target = value.get<std::string>();
    } else {
      return TypeError(name);
    }
  }
  return in;
}

Json ApiKeyJson(const ports::ApiKey& k) {
  return Json{{"id", k.id},
              {"name", k.name},
              {"department", k.department},
              {"scope", k.scope},
              {"created_by", k.created_by},
              {"created_at", FormatRfc3339(k.created_at)},
              {"revoked_by", k.revoked_by.empty() ? Json(nullptr) : Json(k.revoked_by)},
              {"revoked_at", k.revoked_at ? Json(FormatRfc3339(*k.revoked_at)) : Json(nullptr)}};
}

// The recorder of a POST: the API key when the bearer token is one, else the signed-in official.
Result<services::Recorder> IdentifyRecorder(const HttpDeps& deps, Request& req) {
  services::Recorder by;
  const std::string bearer = BearerToken(req);
  if (services::LooksLikeApiKey(bearer)) {
    TB_ASSIGN_OR_RETURN(by.key, services::AuthenticateApiKey(*deps.ctx, bearer));
    return by;
  }
  TB_ASSIGN_OR_RETURN(const Caller caller, RequireCaller(deps, req, true));
  by.official = caller.actor;
  return by;
}

}  // namespace

void RegisterSupervisionRoutes(Router& router, const HttpDeps& deps) {
  router.Add("POST", "/api/v1/enterprises/{credit_code}/supervision-records", [&deps](Request& req) {
    auto by = IdentifyRecorder(deps, req);
    if (!by.ok()) return ErrorResponse(deps, req, by.error());
    auto body = ParseObject(req.body);
    if (!body.ok()) return ErrorResponse(deps, req, body.error());
    auto input = ParseInput(*body);
    if (!input.ok()) return ErrorResponse(deps, req, input.error());
    auto record = services::RecordSupervision(*deps.ctx, *by, req.Param("credit_code"), *input);
    if (!record.ok()) return ErrorResponse(deps, req, record.error());
    return JsonResponse(201, SupervisionRecordJson(*record));
  });
  router.Add("GET", "/api/v1/enterprises/{credit_code}/supervision-records", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto limit = PageSize(req, ports::kMaxSupervisionPage);
    if (!limit.ok()) return ErrorResponse(deps, req, limit.error());
    auto page = services::ListSupervision(*deps.ctx, caller->actor, req.Param("credit_code"), req.Query("page_token"),
                                          *limit);
    if (!page.ok()) return ErrorResponse(deps, req, page.error());
    Json items = Json::array();
    for (const auto& r : page->records) items.push_back(SupervisionRecordJson(r));
    return NoStore(JsonResponse(
        200, Json{{"items", std::move(items)},
                  {"next_page_token", page->next_page_token.empty() ? Json(nullptr) : Json(page->next_page_token)}}));
  });
  router.Add("GET", "/api/v1/enterprises/{credit_code}/access-log", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    if (deps.ctx->log_tree == nullptr) {
      return ErrorResponse(deps, req, MakeError(ErrorCode::kUnavailable, "error.log.unavailable"));
    }
    auto limit = PageSize(req, ports::kMaxSupervisionPage);
    if (!limit.ok()) return ErrorResponse(deps, req, limit.error());
    auto log = services::ListEnterpriseAccessLog(*deps.ctx, caller->actor, req.Param("credit_code"),
                                                 req.Query("page_token"), *limit);
    if (!log.ok()) return ErrorResponse(deps, req, log.error());
    Json items = Json::array();
    for (const auto& row : log->pending) items.push_back(AccessLogEntryJson(*deps.ctx->log_tree, row));
    for (const auto& row : log->entries) items.push_back(AccessLogEntryJson(*deps.ctx->log_tree, row));
    return NoStore(JsonResponse(
        200, Json{{"items", std::move(items)},
                  {"next_page_token", log->next_page_token.empty() ? Json(nullptr) : Json(log->next_page_token)}}));
  });
  router.Add("GET", "/api/v1/applications/{id}/supervision-summary", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto summary = services::CaseSupervisionSummary(*deps.ctx, caller->actor, req.Param("id"));
    if (!summary.ok()) return ErrorResponse(deps, req, summary.error());
    return NoStore(JsonResponse(200, Json{{"summary", *summary ? SupervisionSummaryJson(**summary) : Json(nullptr)}}));
  });
  router.Add("GET", "/api/v1/admin/api-keys", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    if (Status admin = services::RequireKeyAdministrator(caller->actor); !admin.ok()) {
      return ErrorResponse(deps, req, admin.error());
    }
    auto keys = services::ListApiKeys(*deps.ctx);
    if (!keys.ok()) return ErrorResponse(deps, req, keys.error());
    Json items = Json::array();
    for (const auto& k : *keys) items.push_back(ApiKeyJson(k));
    return NoStore(JsonResponse(200, Json{{"items", std::move(items)}}));
  });
  router.Add("POST", "/api/v1/admin/api-keys", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto body = ParseObject(req.body);
    if (!body.ok()) return ErrorResponse(deps, req, body.error());
    auto department = OptionalString(*body, "department");
    if (!department.ok()) return ErrorResponse(deps, req, department.error());
    auto name = OptionalString(*body, "name");
    if (!name.ok()) return ErrorResponse(deps, req, name.error());
    auto created = services::CreateApiKeyAs(*deps.ctx, caller->actor, *department, *name);
    if (!created.ok()) return ErrorResponse(deps, req, created.error());
    Json out = ApiKeyJson(created->key);
    out["key"] = created->secret;  // shown this once
    return NoStore(JsonResponse(201, out));
  });
  router.Add("DELETE", "/api/v1/admin/api-keys/{id}", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto revoked = services::RevokeApiKeyAs(*deps.ctx, caller->actor, req.Param("id"));
    if (!revoked.ok()) return ErrorResponse(deps, req, revoked.error());
    return JsonResponse(200, ApiKeyJson(*revoked));
  });
}

}  // namespace tongban::http::api
