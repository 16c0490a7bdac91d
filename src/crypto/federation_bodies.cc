// The bodies of cross-province messages (issue 14 item 4): the JSON half of
// crypto::JoseFederationCodec (crypto/federation_codec.h), kept apart from the signatures.
#include <nlohmann/json.hpp>

#include "crypto/federation_codec.h"

namespace tongban::crypto {
namespace {

using Json = nlohmann::json;

Error Malformed() { return MakeError(ErrorCode::kInvalidArgument, "error.federation.message_malformed"); }
Error BadItem() { return MakeError(ErrorCode::kInvalidArgument, "error.federation.bad_item"); }

std::string Text(const Json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t Seconds(Timestamp at) { return at.time_since_epoch().count(); }
Timestamp At(const Json& object, const char* name) {
  const auto it = object.find(name);
  return Timestamp(std::chrono::seconds(it != object.end() && it->is_number_integer() ? it->get<int64_t>() : 0));
}

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json Local(const domain::LocalText& text) { return {{"zh", text.zh}, {"en", text.en}}; }
domain::LocalText LocalOf(const Json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_object()) return {};
  return {Text(*it, "zh"), Text(*it, "en")};
}

Json Parse(std::string_view text) { return Json::parse(text.begin(), text.end(), nullptr, false); }

}  // namespace

std::string JoseFederationCodec::CaseForwardBody(const ports::CaseForward& f) const {
  return Dump({{"application", f.application},
               {"reference", f.reference},
               {"item", f.item},
               {"person", {{"id", f.person_id}, {"name", f.person_name}}},
               {"channel", f.channel},
               {"delivery", {{"to", f.delivery}, {"address", f.delivery_address}}},
               {"fields", f.fields},
               {"submitted_at", Seconds(f.submitted_at)}});
}

Result<ports::CaseForward> JoseFederationCodec::ParseCaseForward(std::string_view body) const {
  const Json doc = Parse(body);
  if (!doc.is_object()) return Malformed();
  ports::CaseForward f;
  f.application = Text(doc, "application");
  f.reference = Text(doc, "reference");
  f.item = Text(doc, "item");
  f.channel = Text(doc, "channel");
  f.submitted_at = At(doc, "submitted_at");
  const auto person = doc.find("person");
  const auto delivery = doc.find("delivery");
  const auto fields = doc.find("fields");
  if (person == doc.end() || !person->is_object() || delivery == doc.end() || !delivery->is_object() ||
      fields == doc.end() || !fields->is_object()) {
    return Malformed();
  }
  f.person_id = Text(*person, "id");
  f.person_name = Text(*person, "name");
  f.delivery = Text(*delivery, "to");
  f.delivery_address = Text(*delivery, "address");
  for (const auto& [name, value] : fields->items()) {
    if (!value.is_string()) return Malformed();
    f.fields[name] = value.get<std::string>();
  }
  if (f.application.empty() || f.item.empty() || f.person_id.empty()) return Malformed();
  return f;
}

std::string JoseFederationCodec::CaseUpdateBody(const ports::CaseUpdate& u) const {
  Json events = Json::array();
  for (const ports::CaseUpdateEvent& e : u.events) {
    events.push_back({{"seq", e.seq},
                      {"action", e.action},
                      {"from", e.from},
                      {"to", e.to},
                      {"role", e.role},
                      {"reason", e.reason},
                      {"at", Seconds(e.at)}});
  }
  return Dump({{"application", u.application},
               {"peer_application", u.peer_application},
               {"peer_reference", u.peer_reference},
               {"deadline", u.deadline},
               {"events", std::move(events)}});
}

Result<ports::CaseUpdate> JoseFederationCodec::ParseCaseUpdate(std::string_view body) const {
  const Json doc = Parse(body);
  if (!doc.is_object()) return Malformed();
  ports::CaseUpdate u;
  u.application = Text(doc, "application");
  u.peer_application = Text(doc, "peer_application");
  u.peer_reference = Text(doc, "peer_reference");
  u.deadline = Text(doc, "deadline");
  const auto events = doc.find("events");
  if (u.application.empty() || u.peer_application.empty() || events == doc.end() || !events->is_array()) {
    return Malformed();
  }
  for (const Json& e : *events) {
    if (!e.is_object() || !e.contains("seq") || !e["seq"].is_number_integer()) return Malformed();
    ports::CaseUpdateEvent event;
    event.seq = e["seq"].get<int64_t>();
    event.action = Text(e, "action");
    event.from = Text(e, "from");
    event.to = Text(e, "to");
    event.role = Text(e, "role");
    event.reason = Text(e, "reason");
    event.at = At(e, "at");
    if (event.action.empty() || event.to.empty()) return Malformed();
    u.events.push_back(std::move(event));
  }
  return u;
}

std::string JoseFederationCodec::CrossProvinceItemJson(const domain::ServiceItem& item,
                                                       const domain::LocalText& department) const {
  Json fields = Json::array();
  for (const domain::Field& f : item.fields) {
    if (f.source) continue;  // filled from data the handling platform holds, never asked
    Json field = {{"name", f.name},
                  {"label", Local(f.label)},
                  {"hint", Local(f.hint)},
                  {"type", domain::FieldTypeName(f.type)},
                  {"required", f.required}};
    if (!f.options.empty()) {
      Json options = Json::array();
      for (const domain::SelectOption& o : f.options) options.push_back({{"value", o.value}, {"label", Local(o.label)}});
      field["options"] = std::move(options);
    }
    if (f.min) field["min"] = *f.min;
    if (f.max) field["max"] = *f.max;
    if (!f.pattern.empty()) field["pattern"] = f.pattern;
    fields.push_back(std::move(field));
  }
  return Dump({{"code", item.code},
               {"name", Local(item.name)},
               {"description", Local(item.description)},
               {"department", {{"code", item.department}, {"name", Local(department)}}},
               {"promised_limit_days", item.promised_limit_days},
               {"fee", Local(item.fee)},
               {"fields", std::move(fields)}});
}

Result<std::pair<domain::ServiceItem, domain::LocalText>> JoseFederationCodec::ParseCrossProvinceItem(
    std::string_view json) const {
  const Json doc = Parse(json);
  if (!doc.is_object()) return BadItem();
  domain::ServiceItem item;
  item.code = Text(doc, "code");
  item.name = LocalOf(doc, "name");
  item.description = LocalOf(doc, "description");
  item.fee = LocalOf(doc, "fee");
  item.applicant = domain::ApplicantKind::kPerson;
  item.fully_online = true;
  domain::LocalText department;
  if (const auto d = doc.find("department"); d != doc.end() && d->is_object()) {
    item.department = Text(*d, "code");
    department = LocalOf(*d, "name");
  }
  if (const auto days = doc.find("promised_limit_days"); days != doc.end() && days->is_number_integer()) {
    item.promised_limit_days = days->get<int>();
  }
  const auto fields = doc.find("fields");
  if (item.code.empty() || item.name.zh.empty() || fields == doc.end() || !fields->is_array()) return BadItem();
  for (const Json& f : *fields) {
    if (!f.is_object()) return BadItem();
    domain::Field field;
    field.name = Text(f, "name");
    field.label = LocalOf(f, "label");
    field.hint = LocalOf(f, "hint");
    const auto type = domain::ParseFieldType(Text(f, "type"));
    if (field.name.empty() || !type) return BadItem();
    field.type = *type;
    field.required = f.value("required", false);
    if (const auto options = f.find("options"); options != f.end() && options->is_array()) {
      for (const Json& o : *options) {
        if (!o.is_object()) return BadItem();
        field.options.push_back({Text(o, "value"), LocalOf(o, "label")});
      }
    }
    if (const auto min = f.find("min"); min != f.end() && min->is_number()) field.min = min->get<double>();
    if (const auto max = f.find("max"); max != f.end() && max->is_number()) field.max = max->get<double>();
    field.pattern = Text(f, "pattern");
    item.fields.push_back(std::move(field));
  }
  return std::make_pair(std::move(item), std::move(department));
}

std::string JoseFederationCodec::ItemListBody(const std::vector<std::string>& documents) const {
  Json items = Json::array();
  for (const std::string& d : documents) items.push_back(Parse(d));
  return Dump({{"items", std::move(items)}});
}

Result<std::vector<std::pair<std::string, std::string>>> JoseFederationCodec::ParseItemList(
    std::string_view body) const {
  const Json doc = Parse(body);
  const auto items = doc.is_object() ? doc.find("items") : doc.end();
  if (!doc.is_object() || items == doc.end() || !items->is_array()) return Malformed();
  std::vector<std::pair<std::string, std::string>> out;
  for (const Json& item : *items) {
    std::string text = Dump(item);
    TB_ASSIGN_OR_RETURN(const auto parsed, ParseCrossProvinceItem(text));
    out.emplace_back(parsed.first.code, std::move(text));
  }
  return out;
}

}  // namespace tongban::crypto
