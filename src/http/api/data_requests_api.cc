// POST /api/v1/federation/data-requests (docs/api.md "Federation", issue 14 item 5): an official of
// a department asks a peer for a person's record with the person's consent. The request is checked
// and signed first (services::PrepareDataRequest); the message is then posted to the peer without
// holding a worker (Later), and the peer's reply is checked, logged and answered on a worker
// (services::CompleteDataRequest).
#include <memory>

#include "http/api/handlers.h"
#include "http/data_request_codec.h"
#include "services/data_requests.h"

namespace tongban::http::api {
namespace {

Result<services::DataRequest> ParseDataRequest(const Json& body) {
  services::DataRequest r;
  TB_ASSIGN_OR_RETURN(r.peer, OptionalString(body, "peer"));
  TB_ASSIGN_OR_RETURN(r.person, OptionalString(body, "person"));
  TB_ASSIGN_OR_RETURN(r.dataset, OptionalString(body, "dataset"));
  TB_ASSIGN_OR_RETURN(r.purpose, OptionalString(body, "purpose"));
  TB_ASSIGN_OR_RETURN(r.consent, OptionalString(body, "consent"));
  const auto fields = body.find("fields");
  if (fields != body.end() && !fields->is_null()) {
    const bool strings = fields->is_array() && std::all_of(fields->begin(), fields->end(),
                                                           [](const Json& f) { return f.is_string(); });
    if (!strings) {
      Error e = MakeError(ErrorCode::kInvalidArgument, "error.json.type");
      e.fields.push_back({"fields", "error.json.type", "fields"});
      return e;
    }
    for (const Json& f : *fields) r.fields.push_back(f.get<std::string>());
  }
  return r;
}

Json AnswerJson(const services::PreparedDataRequest& prepared, const services::DataRequestAnswer& a) {
  Json records = Json::array();
  for (const ports::PeerRecord& r : a.records) {
    Json values = Json::object();
    for (const auto& [name, value] : r.values) values[name] = value;
    records.push_back(Json{{"record_id", r.record_id},
                           {"as_of", FormatRfc3339(r.as_of)},
                           {"values", std::move(values)},
                           {"provenance",
                            {{"dataset", a.dataset},
                             {"record_id", r.record_id},
                             {"as_of", FormatRfc3339(r.as_of)},
                             {"platform", a.peer},
                             {"message_id", a.reply_id}}}});
  }
  return Json{{"peer", {{"code", a.peer}, {"name", {{"zh", a.peer_name_zh}, {"en", a.peer_name_en}}}}},
              {"person", prepared.request.person},
              {"dataset", a.dataset},
              {"fields", prepared.request.fields},
              {"purpose", prepared.request.purpose},
              {"consent", prepared.consent.id},
              {"request_id", a.request_id},
              {"reply_id", a.reply_id},
              {"answered_at", FormatRfc3339(a.answered_at)},
              {"records", std::move(records)}};
}

Response DataRequestRoute(const HttpDeps& deps, Request& req) {
  auto caller = RequireCaller(deps, req, /*write=*/true);
  if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
  if (auto role = services::DataRequesterRole(caller->actor); !role.ok()) return ErrorResponse(deps, req, role.error());
  auto body = ParseObject(req.body);
  if (!body.ok()) return ErrorResponse(deps, req, body.error());
  auto request = ParseDataRequest(*body);
  if (!request.ok()) return ErrorResponse(deps, req, request.error());
  const ports::DataRequestCodec& codec = http::DataRequestJson();
  auto prepared = services::PrepareDataRequest(*deps.ctx, codec, caller->actor, std::move(request).value());
  if (!prepared.ok()) return ErrorResponse(deps, req, prepared.error());
  if (deps.outbound == nullptr) {
    return ErrorResponse(deps, req, MakeError(ErrorCode::kUnavailable, "error.federation.unreachable"));
  }
  auto shared = std::make_shared<const services::PreparedDataRequest>(std::move(prepared).value());
  return Later([&deps, &req, &codec, actor = caller->actor, shared](Resume resume) {
    services::PostToPeer(
        *deps.ctx, *deps.outbound, shared->request.peer, shared->jws,
        [&deps, &req, &codec, actor, shared, resume = std::move(resume)](Result<ports::OutboundResponse> answer) {
          auto answered = std::make_shared<const Result<ports::OutboundResponse>>(std::move(answer));
          resume([&deps, &req, &codec, actor, shared, answered]() -> Response {
            auto out = services::CompleteDataRequest(*deps.ctx, codec, actor, *shared, *answered);
            if (!out.ok()) return ErrorResponse(deps, req, out.error());
            return NoStore(JsonResponse(200, AnswerJson(*shared, *out)));
          });
        });
  });
}

}  // namespace

void RegisterDataRequestRoutes(Router& router, const HttpDeps& deps) {
  router.Add("POST", "/api/v1/federation/data-requests", [&deps](Request& req) { return DataRequestRoute(deps, req); });
}

}  // namespace tongban::http::api
