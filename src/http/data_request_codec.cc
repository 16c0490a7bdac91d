#include "http/data_request_codec.h"

#include <nlohmann/json.hpp>

#include "domain/data_request.h"

namespace tongban::http {
namespace {

using Json = nlohmann::json;

Error Malformed() { return MakeError(ErrorCode::kInvalidArgument, "error.data_request.malformed"); }

const Json* Member(const Json& object, const char* name, Json::value_t type) {
  const auto it = object.find(name);
  if (it == object.end() || it->type() != type) return nullptr;
  return &*it;
}

bool Text(const Json& object, const char* name, std::string& out) {
  const Json* v = Member(object, name, Json::value_t::string);
  if (v == nullptr) return false;
  out = v->get<std::string>();
  return true;
}

bool Time(const Json& object, const char* name, Timestamp& out) {
  std::string text;
  if (!Text(object, name, text)) return false;
  const auto parsed = ParseRfc3339(text);
  if (!parsed) return false;
  out = *parsed;
  return true;
}

Result<Json> ParseBody(std::string_view json) {
  Json parsed = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return Malformed();
  return parsed;
}

}  // namespace

std::string JsonDataRequestCodec::EncodeRequest(const ports::DataRequestBody& b) const {
  return Json{{"person", b.person},
              {"dataset", b.dataset},
              {"fields", b.fields},
              {"purpose", b.purpose},
              {"consent", {{"id", b.consent_id}, {"given_at", FormatRfc3339(b.consent_given_at)}}},
              {"department", b.department},
              {"role", b.role}}
      .dump();
}

Result<ports::DataRequestBody> JsonDataRequestCodec::DecodeRequest(std::string_view json) const {
  TB_ASSIGN_OR_RETURN(const Json o, ParseBody(json));
  ports::DataRequestBody b;
  if (!Text(o, "person", b.person) || !Text(o, "dataset", b.dataset) || !Text(o, "purpose", b.purpose) ||
      !Text(o, "department", b.department) || !Text(o, "role", b.role)) {
    return Malformed();
  }
  const Json* fields = Member(o, "fields", Json::value_t::array);
  if (fields == nullptr || fields->size() > domain::kMaxDataRequestFields) return Malformed();
  for (const Json& f : *fields) {
    if (!f.is_string()) return Malformed();
    b.fields.push_back(f.get<std::string>());
  }
  const Json* consent = Member(o, "consent", Json::value_t::object);
  if (consent == nullptr || !Text(*consent, "id", b.consent_id) || !Time(*consent, "given_at", b.consent_given_at)) {
    return Malformed();
  }
  return b;
}

std::string JsonDataRequestCodec::EncodeAnswer(const ports::DataAnswerBody& b) const {
  if (b.refused) return Json{{"outcome", "refused"}, {"dataset", b.dataset}, {"error", b.error}}.dump();
  Json records = Json::array();
  for (const ports::PeerRecord& r : b.records) {
    Json values = Json::object();
    for (const auto& [name, value] : r.values) values[name] = value;
    records.push_back(Json{{"record_id", r.record_id}, {"as_of", FormatRfc3339(r.as_of)}, {"values", std::move(values)}});
  }
  return Json{{"outcome", "answered"}, {"dataset", b.dataset}, {"records", std::move(records)}}.dump();
}

Result<ports::DataAnswerBody> JsonDataRequestCodec::DecodeAnswer(std::string_view json) const {
  TB_ASSIGN_OR_RETURN(const Json o, ParseBody(json));
  ports::DataAnswerBody b;
  std::string outcome;
  if (!Text(o, "outcome", outcome) || !Text(o, "dataset", b.dataset)) return Malformed();
  if (outcome == "refused") {
    b.refused = true;
    if (!Text(o, "error", b.error) || b.error.empty()) return Malformed();
    return b;
  }
  if (outcome != "answered") return Malformed();
  const Json* records = Member(o, "records", Json::value_t::array);
  if (records == nullptr || records->size() > static_cast<size_t>(domain::kMaxDataRequestRecords)) return Malformed();
  for (const Json& r : *records) {
    if (!r.is_object()) return Malformed();
    ports::PeerRecord record;
    if (!Text(r, "record_id", record.record_id) || !Time(r, "as_of", record.as_of)) return Malformed();
    const Json* values = Member(r, "values", Json::value_t::object);
    if (values == nullptr) return Malformed();
    for (const auto& [name, value] : values->items()) {
      if (!value.is_string()) return Malformed();
      record.values[name] = value.get<std::string>();
    }
    b.records.push_back(std::move(record));
  }
  return b;
}

const ports::DataRequestCodec& DataRequestJson() {
  static const JsonDataRequestCodec codec;
  return codec;
}

}  // namespace tongban::http
