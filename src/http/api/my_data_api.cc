// "My data" and flags on it (docs/api.md "Data platform and access log"; services/my_data.h):
// GET /api/v1/me/data, POST /api/v1/me/data/flags for the person; GET /api/v1/data-flags and
// POST /api/v1/data-flags/{id}/answer for the owner department's data owners.
#include <charconv>

#include "domain/dataset.h"
#include "http/api/handlers.h"
#include "services/my_data.h"

namespace tongban::http::api {
namespace {

std::optional<int> PageSize(const std::string& text, int fallback, int high) {
  if (text.empty()) return fallback;
  int n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || n < 1 || n > high) return std::nullopt;
  return n;
}

Result<bool> OptionalBool(const Json& object, const char* name) {
  if (!object.contains(name) || object[name].is_null()) return false;
  if (!object[name].is_boolean()) {
    Error e = MakeError(ErrorCode::kInvalidArgument, "error.json.type");
    e.fields.push_back({name, "error.json.type", name});
    return e;
  }
  return object[name].get<bool>();
}

}  // namespace

Json DataFlagJson(const domain::DataFlag& f, const domain::Catalogue& catalogue) {
  const domain::Dataset* dataset = catalogue.FindDataset(f.dataset);
  const domain::DatasetField* field = dataset != nullptr ? dataset->FindField(f.field) : nullptr;
  return Json{{"id", f.id},
              {"dataset", f.dataset},
              {"dataset_name", dataset != nullptr ? ToJson(dataset->name) : Json(nullptr)},
              {"department", f.department},
              {"subject_id", f.subject_id},
              {"record_id", f.record_id},
              {"field", f.field},
              {"field_label", field != nullptr ? ToJson(field->label) : Json(nullptr)},
              {"comment", f.comment},
              {"state", domain::DataFlagStateName(f.state)},
              {"raised_at", FormatRfc3339(f.raised_at)},
              {"answer", f.state == domain::DataFlagState::kAnswered ? Json(f.answer) : Json(nullptr)},
              {"corrected", f.corrected},
              {"answered_at", f.state == domain::DataFlagState::kAnswered ? Json(FormatRfc3339(f.answered_at))
                                                                          : Json(nullptr)}};
}

void RegisterMyDataRoutes(Router& router, const HttpDeps& deps) {
  router.Add("GET", "/api/v1/me/data", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    services::MyDataQuery query;
    const auto size = PageSize(req.Query("page_size"), services::kMyDataDefaultPerDataset, services::kMyDataMaxPerDataset);
    if (!size) return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.page_size"));
    query.per_dataset = *size;
    query.enterprise = req.Query("enterprise");
    query.dataset = req.Query("dataset");
    query.page_token = req.Query("page_token");
    auto data = services::ListMyData(*deps.ctx, caller->actor, query);
    if (!data.ok()) return ErrorResponse(deps, req, data.error());
    Json datasets = Json::array();
    for (const services::MyDataset& shown : data->datasets) {
      const domain::Dataset& d = *shown.dataset;
      Json fields = Json::array();
      for (const domain::DatasetField& f : d.fields) {
        fields.push_back(Json{{"name", f.name}, {"label", ToJson(f.label)}, {"class", domain::DataClassName(f.data_class)}});
      }
      Json records = Json::array();
      for (const services::MyRecord& r : shown.records) {
        records.push_back(Json{{"record_id", r.record_id}, {"as_of", FormatRfc3339(r.as_of)}, {"values", r.values}});
      }
      const domain::Department* owner = data->catalogue->FindDepartment(d.department);
      datasets.push_back(Json{{"code", d.code},
                              {"name", ToJson(d.name)},
                              {"department", d.department},
                              {"owner", owner != nullptr ? ToJson(*owner) : Json(nullptr)},
                              {"fields", std::move(fields)},
                              {"records", std::move(records)},
                              {"next_page_token", shown.next_page_token.empty() ? Json(nullptr)
                                                                                : Json(shown.next_page_token)}});
    }
    Json flags = Json::array();
    for (const domain::DataFlag& f : data->flags) flags.push_back(DataFlagJson(f, *data->catalogue));
    return NoStore(JsonResponse(200, Json{{"subject", domain::SubjectKindName(data->subject)},
                                          {"subject_id", data->subject_id},
                                          {"datasets", std::move(datasets)},
                                          {"flags", std::move(flags)}}));
  });

  router.Add("POST", "/api/v1/me/data/flags", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto body = ParseObject(req.body);
    if (!body.ok()) return ErrorResponse(deps, req, body.error());
    services::NewFlag flag;
    for (auto [name, target] : {std::pair<const char*, std::string*>{"dataset", &flag.dataset},
                                {"field", &flag.field},
                                {"comment", &flag.comment},
                                {"record_id", &flag.record_id},
                                {"enterprise", &flag.enterprise}}) {
      auto read = OptionalString(*body, name);
      if (!read.ok()) return ErrorResponse(deps, req, read.error());
      *target = std::move(read).value();
    }
    auto raised = services::RaiseDataFlag(*deps.ctx, caller->actor, flag);
    if (!raised.ok()) return ErrorResponse(deps, req, raised.error());
    return JsonResponse(201, DataFlagJson(*raised, *deps.ctx->Catalogue()));
  });

  router.Add("GET", "/api/v1/data-flags", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    const std::string state_name = req.Query("state");
    const auto state = state_name.empty() ? std::optional(domain::DataFlagState::kOpen)
                                          : domain::ParseDataFlagState(state_name);
    if (!state) return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.flag.state"));
    const auto size = PageSize(req.Query("page_size"), ports::kDefaultPageSize, ports::kMaxDataFlagsPage);
    if (!size) return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.page_size"));
    auto page = services::ListDepartmentFlags(*deps.ctx, caller->actor, *state, req.Query("page_token"), *size);
    if (!page.ok()) return ErrorResponse(deps, req, page.error());
    const auto catalogue = deps.ctx->Catalogue();
    Json items = Json::array();
    for (const domain::DataFlag& f : page->flags) items.push_back(DataFlagJson(f, *catalogue));
    return NoStore(JsonResponse(
        200, Json{{"items", std::move(items)},
                  {"next_page_token", page->next_page_token.empty() ? Json(nullptr) : Json(page->next_page_token)}}));
  });

  router.Add("POST", "/api/v1/data-flags/{id}/answer", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto body = ParseObject(req.body);
    if (!body.ok()) return ErrorResponse(deps, req, body.error());
    services::FlagAnswer answer;
    auto text = OptionalString(*body, "answer");
    if (!text.ok()) return ErrorResponse(deps, req, text.error());
    answer.answer = std::move(text).value();
    auto corrected = OptionalBool(*body, "corrected");
    if (!corrected.ok()) return ErrorResponse(deps, req, corrected.error());
    answer.corrected = *corrected;
    if (body->contains("value") && !(*body)["value"].is_null()) {
      auto value = OptionalString(*body, "value");
      if (!value.ok()) return ErrorResponse(deps, req, value.error());
      answer.value = std::move(value).value();
    }
    auto flag = services::AnswerDataFlag(*deps.ctx, caller->actor, req.Param("id"), answer);
    if (!flag.ok()) return ErrorResponse(deps, req, flag.error());
    return JsonResponse(200, DataFlagJson(*flag, *deps.ctx->Catalogue()));
  });
}

}  // namespace tongban::http::api
