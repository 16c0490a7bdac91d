#include "http/api/json.h"

#include <fmt/format.h>

namespace tongban::http::api {

Json ToJson(const domain::LocalText& text) { return Json{{"zh", text.zh}, {"en", text.en}}; }

Json ToJson(const domain::Department& d) { return Json{{"code", d.code}, {"name", ToJson(d.name)}}; }

Json ToJson(const domain::District& d) { return Json{{"code", d.code}, {"name", ToJson(d.name)}}; }

Json ToJson(const domain::ServiceCentre& c) {
  return Json{{"code", c.code},
              {"name", ToJson(c.name)},
              {"district", c.district},
              {"level", c.level == domain::CentreLevel::kDistrict ? "district" : "community"},
              {"address", ToJson(c.address)},
              {"opening_hours", ToJson(c.opening_hours)},
              {"phone", c.phone}};
}

Json ToJson(const domain::ServiceItem& item) {
  Json materials = Json::array();
  for (const auto& m : item.materials) {
    Json j{{"code", m.code}, {"name", ToJson(m.name)}, {"source", domain::MaterialSourceName(m.source)},
           {"required", m.required}};
    if (!m.dataset.empty()) j["dataset"] = m.dataset;
    if (m.accepts_from_peers) j["accepts_from_peers"] = true;  // issue 14 item 3
    materials.push_back(std::move(j));
  }
  Json fields = Json::array();
  for (const auto& f : item.fields) {
    Json j{{"name", f.name}, {"label", ToJson(f.label)}, {"type", domain::FieldTypeName(f.type)},
           {"required", f.required}};
    if (!f.hint.zh.empty() || !f.hint.en.empty()) j["hint"] = ToJson(f.hint);
    if (f.type == domain::FieldType::kSelect) {
      Json options = Json::array();
      for (const auto& o : f.options) options.push_back(Json{{"value", o.value}, {"label", ToJson(o.label)}});
      j["options"] = std::move(options);
    }
    if (f.min) j["min"] = *f.min;
    if (f.max) j["max"] = *f.max;
    if (!f.pattern.empty()) j["pattern"] = f.pattern;
    if (f.source) {
      j["source"] = domain::MaterialSourceName(*f.source);
      j["dataset"] = f.dataset;
    }
    fields.push_back(std::move(j));
  }
  Json channels = Json::array();
  for (auto c : item.channels) channels.push_back(domain::ChannelName(c));
  Json legal_texts = Json::array();
  for (const auto& t : item.legal_texts) legal_texts.push_back(Json{{"title", t.title}, {"url", t.url}});
  // Who may apply (issue 9 item 7): rules over dataset fields; empty for anyone.
  Json eligibility = Json::array();
  for (const auto& r : item.eligibility) {
    eligibility.push_back(Json{{"dataset", r.dataset}, {"field", r.field},
                               {"rule", domain::EligibilityRuleKindName(r.kind)}, {"values", r.values},
                               {"reason", ToJson(r.reason)}});
  }
  return Json{{"code", item.code},
              {"name", ToJson(item.name)},
              {"description", ToJson(item.description)},
              {"department", item.department},
              {"licence_type", item.licence_type.empty() ? Json(nullptr) : Json(item.licence_type)},
              {"data_bases", Json(item.data_bases)},
              {"legal_basis", item.legal_basis},
              {"applicant", domain::ApplicantKindName(item.applicant)},
              {"instant", item.instant},
              {"fully_online", item.fully_online},
              {"on_the_spot", item.on_the_spot},
              {"legal_limit_days", item.legal_limit_days},
              {"promised_limit_days", item.promised_limit_days},
              {"channels", std::move(channels)},
              {"materials", std::move(materials)},
              {"fields", std::move(fields)},
              {"fee", ToJson(item.fee)},
              {"version", item.version},
              {"standard_code", item.standard_code.empty() ? Json(nullptr) : Json(item.standard_code)},
              {"legal_texts", std::move(legal_texts)},
              {"aliases", item.aliases},
              {"eligibility", std::move(eligibility)},
              // Benefits without applying (domain/proactive.h); null: people apply themselves.
              {"proactive", item.proactive ? Json{{"confirm", domain::ProactiveConfirmName(item.proactive->confirm)},
                                                  {"decline_days", item.proactive->decline_days},
                                                  {"unanswered",
                                                   domain::ProactiveUnansweredName(item.proactive->unanswered)}}
                                           : Json(nullptr)}};
}

Json ToJson(const domain::ServiceItem& item, const domain::Catalogue& catalogue) {
  Json j = ToJson(item);
  Json centres = Json::array();
  for (const domain::ServiceCentre* c : catalogue.CentresFor(item)) centres.push_back(c->code);
  j["service_centres"] = std::move(centres);
  return j;
}

Json ToJson(const domain::LicenceType& t) {
  Json claims = Json::array();
  for (const auto& c : t.claims) claims.push_back(Json{{"name", c.name}, {"label", ToJson(c.label)}, {"field", c.field}});
  Json validity = nullptr;
  if (t.validity_years > 0) validity = Json{{"years", t.validity_years}};
  if (t.validity_months > 0) validity = Json{{"months", t.validity_months}};
  return Json{{"code", t.code},           {"name", ToJson(t.name)},   {"issuer", t.issuer},
              {"holder", domain::ApplicantKindName(t.holder)}, {"validity", std::move(validity)},
              {"claims", std::move(claims)}, {"parts", t.parts}};
}

Json ToJson(const domain::Bundle& b) {
  return Json{{"code", b.code},
              {"name", ToJson(b.name)},
              {"description", ToJson(b.description)},
              {"items", b.items},
              {"routing", b.routing == domain::BundleRouting::kParallel ? "parallel" : "sequential"},
              {"industry_licence", b.industry_licence},
              {"aliases", b.aliases},
              {"waits_for", b.waits_for}};
}

Json CrossProvinceJson(const services::CrossProvinceView& view) {
  const domain::FederatedCase& c = view.c;
  const bool waiting = c.side == domain::CaseSide::kOrigin && !c.forwarded_at;
  return Json{{"side", domain::CaseSideName(c.side)},
              {"peer", c.peer},
              {"peer_name", {{"zh", view.peer_name_zh}, {"en", view.peer_name_en}}},
              {"peer_application", c.peer_application.empty() ? Json(nullptr) : Json(c.peer_application)},
              {"peer_reference", c.peer_reference.empty() ? Json(nullptr) : Json(c.peer_reference)},
              {"item_name", {{"zh", c.item_name_zh}, {"en", c.item_name_en}}},
              {"department_name", {{"zh", c.department_zh}, {"en", c.department_en}}},
              {"delivery", {{"to", domain::CaseSideName(c.delivery)}, {"address", c.delivery_address}}},
              {"forwarded_at", c.forwarded_at ? Json(FormatRfc3339(*c.forwarded_at)) : Json(nullptr)},
              {"waiting_for_peer", waiting}};
}

Json ToJson(const domain::Application& app, Date today) {
  Json materials = Json::array();
  for (const auto& m : app.materials) {
    Json j{{"code", m.code}, {"status", domain::MaterialStatusName(m.status)}};
    if (m.status == domain::MaterialStatus::kProvided) {
      j["content_type"] = m.content_type;
      j["file_name"] = m.file_name;
      j["size"] = m.size;
      j["sha256"] = m.blob_sha256;
    }
    // Fetched at submission: where it came from; not fetched: why (then it may be uploaded).
    if (!m.reason.empty()) j["reason"] = m.reason;
    if (!m.dataset.empty()) {
      j["provenance"] = Json{{"dataset", m.dataset},
                             {"record", m.record_id},
                             {"as_of", m.as_of ? Json(FormatRfc3339(*m.as_of)) : Json(nullptr)}};
    }
    if (!m.licence_id.empty()) {
      j["licence"] = Json{{"id", m.licence_id},
                          {"issuer", m.licence_issuer},
                          {"status", m.licence_status},
                          {"as_of", m.as_of ? Json(FormatRfc3339(*m.as_of)) : Json(nullptr)}};
      // A peer platform's licence (issue 14 item 3): its issuer is urn:tongban:<platform>:issuer:<dept>.
      constexpr std::string_view kUrn = "urn:tongban:";
      if (m.licence_issuer.starts_with(kUrn)) {
        const std::string rest = m.licence_issuer.substr(kUrn.size());
        j["licence"]["platform"] = rest.substr(0, rest.find(':'));
      }
    }
    materials.push_back(std::move(j));
  }
  Json j{{"id", app.id},
         {"item", app.item},
         {"department", app.department},
         {"state", domain::StateName(app.state)},
         {"channel", domain::ChannelName(app.channel)},
         {"fields", app.fields},
         {"materials", std::move(materials)},
         {"created_at", FormatRfc3339(app.created_at)},
         {"updated_at", FormatRfc3339(app.updated_at)},
         {"submitted_at", app.submitted_at ? Json(FormatRfc3339(*app.submitted_at)) : Json(nullptr)},
         {"deadline", app.deadline ? Json(FormatIsoDate(*app.deadline)) : Json(nullptr)},
         {"overdue", domain::IsOverdue(app, today)},
         {"version", app.version},
         {"catalogue_version", app.catalogue_version}};
  j["reference"] = app.reference.empty() ? Json(nullptr) : Json(app.reference);
  j["assignee"] = app.assignee_user_id.empty() ? Json(nullptr) : Json(app.assignee_user_id);
  j["pilot"] = app.pilot.empty() ? Json(nullptr) : Json(app.pilot);  // 先行先试: the variant it was created under
  Json applicant{{"user_id", app.applicant_user_id}};
  if (!app.applicant_name.empty()) applicant["name"] = app.applicant_name;
  if (!app.person_id.empty()) applicant["person_id"] = app.person_id;
  if (!app.enterprise.empty()) applicant["enterprise"] = app.enterprise;
  j["applicant"] = std::move(applicant);
  if (!app.centre.empty()) j["centre"] = app.centre;
  // Filed at a window by a clerk of the centre for the person (services/window.h).
  j["assisted_by"] = app.channel == domain::Channel::kWindow && !app.centre.empty()
                         ? Json{{"user_id", app.applicant_user_id}, {"centre", app.centre}}
                         : Json(nullptr);
  return j;
}

Json ToJson(const domain::Event& e) {
  return Json{{"id", e.id},
              {"seq", e.seq},
              {"action", e.action},
              {"from", domain::StateName(e.from)},
              {"to", domain::StateName(e.to)},
              {"actor", e.actor_user_id},
              {"actor_role", e.actor_role},
              {"channel", domain::ChannelName(e.channel)},
              {"time", FormatRfc3339(e.at)},
              {"reason", e.reason},
              // The clerk who did it for the applicant at a window (services/window.h), or null.
              {"assisted_by", e.assisted_by.empty() ? Json(nullptr)
                                                    : Json{{"user_id", e.assisted_by},
                                                           {"name", e.assisted_name},
                                                           {"centre", e.assisted_centre}}}};
}

Json ToJson(const domain::User& u) {
  Json roles = Json::array();
  for (auto r : u.roles) roles.push_back(domain::RoleName(r));
  Json j{{"id", u.id}, {"username", u.username}, {"kind", domain::UserKindName(u.kind)}, {"roles", std::move(roles)},
         {"name", u.display_name}};
  if (!u.department.empty()) j["department"] = u.department;
  if (!u.centre.empty()) j["centre"] = u.centre;
  return j;
}

Result<Json> ParseObject(const std::string& body) {
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return MakeError(ErrorCode::kInvalidArgument, "error.json.malformed");
  if (!j.is_object()) return MakeError(ErrorCode::kInvalidArgument, "error.json.not_object");
  return j;
}

Result<std::map<std::string, std::string>> FieldValues(const Json& object) {
  std::map<std::string, std::string> out;
  std::vector<FieldError> errors;
  for (const auto& [name, value] : object.items()) {
    if (value.is_string()) {
      out[name] = value.get<std::string>();
    } else if (value.is_boolean()) {
      out[name] = value.get<bool>() ? "true" : "false";
    } else if (value.is_number_integer()) {
      out[name] = std::to_string(value.get<int64_t>());
    } else if (value.is_number()) {
      out[name] = fmt::format("{}", value.get<double>());
    } else if (!value.is_null()) {
      errors.push_back({name, "error.field.type", ""});
    }
  }
  if (!errors.empty()) {
    Error e = MakeError(ErrorCode::kInvalidArgument, "error.application.fields");
    e.fields = std::move(errors);
    return e;
  }
  return out;
}

Result<std::string> OptionalString(const Json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return std::string();
  if (!it->is_string()) {
    Error e = MakeError(ErrorCode::kInvalidArgument, "error.json.type");
    e.fields.push_back({name, "error.json.type", name});
    return e;
  }
  return it->get<std::string>();
}

}  // namespace tongban::http::api
