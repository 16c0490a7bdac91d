#include "storage/sql_columns.h"

#include <nlohmann/json.hpp>

#include <utility>

namespace tongban::storage {
namespace {

using nlohmann::json;

// nlohmann::json throws on invalid UTF-8 and on type mismatches; both become errors here.
Result<std::string> DumpJson(const json& value, std::string_view what) {
  try {
    return value.dump();
  } catch (const json::exception&) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(what) + " is not valid UTF-8 text");
  }
}

}  // namespace

Error Corrupt(std::string what) {
  return MakeError(ErrorCode::kInternal, "corrupt row in the database: " + std::move(what));
}

Status RunToEnd(Statement& statement) {
  TB_ASSIGN_OR_RETURN(const bool row, statement.Step());
  (void)row;
  return Ok();
}

Result<domain::ApplicationState> StateFrom(const std::string& name) {
  const std::optional<domain::ApplicationState> state = domain::ParseState(name);
  if (!state) return Corrupt("unknown state '" + name + "'");
  return *state;
}

Result<domain::Channel> ChannelFrom(const std::string& name) {
  const std::optional<domain::Channel> channel = domain::ParseChannel(name);
  if (!channel) return Corrupt("unknown channel '" + name + "'");
  return *channel;
}

Result<std::string> StringListJson(const std::vector<std::string>& values, std::string_view what) {
  return DumpJson(json(values), what);
}

Result<std::vector<std::string>> ParseStringList(const std::string& text, std::string_view what) {
  const json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_array()) return Corrupt(std::string(what) + " is not a JSON array");
  std::vector<std::string> values;
  for (const json& value : parsed) {
    if (!value.is_string()) return Corrupt(std::string(what) + " holds a non-string");
    values.push_back(value.get<std::string>());
  }
  return values;
}

Result<std::string> RolesJson(const std::vector<domain::Role>& roles) {
  json out = json::array();
  for (const domain::Role role : roles) out.push_back(domain::RoleName(role));
  return DumpJson(out, "roles");
}

Result<std::vector<domain::Role>> ParseRoles(const std::string& text) {
  TB_ASSIGN_OR_RETURN(const std::vector<std::string> names, ParseStringList(text, "users.roles"));
  std::vector<domain::Role> roles;
  for (const std::string& name : names) {
    const std::optional<domain::Role> role = domain::ParseRole(name);
    if (!role) return Corrupt("unknown role '" + name + "'");
    roles.push_back(*role);
  }
  return roles;
}

Result<std::string> FieldsJson(const std::map<std::string, std::string>& fields) {
  return DumpJson(json(fields), "a field value");
}

Result<std::map<std::string, std::string>> ParseFields(const std::string& text) {
  const json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return Corrupt("applications.fields is not a JSON object");
  std::map<std::string, std::string> fields;
  for (const auto& [name, value] : parsed.items()) {
    if (!value.is_string()) return Corrupt("applications.fields." + name + " is not a string");
    fields.emplace(name, value.get<std::string>());
  }
  return fields;
}

Result<std::string> MaterialsJson(const std::vector<domain::AttachedMaterial>& materials) {
  json out = json::array();
  for (const domain::AttachedMaterial& m : materials) {
    json one{{"code", m.code},
             {"status", domain::MaterialStatusName(m.status)},
             {"blob_sha256", m.blob_sha256},
             {"content_type", m.content_type},
             {"file_name", m.file_name},
             {"size", m.size}};
    // The provenance of a fetched material (V015's fetch at submission), only when there is one.
    if (!m.reason.empty()) one["reason"] = m.reason;
    if (!m.dataset.empty()) one["dataset"] = m.dataset;
    if (!m.record_id.empty()) one["record_id"] = m.record_id;
    if (m.as_of) one["as_of"] = Seconds(*m.as_of);
    if (!m.licence_id.empty()) one["licence_id"] = m.licence_id;
    if (!m.licence_issuer.empty()) one["licence_issuer"] = m.licence_issuer;
    if (!m.licence_status.empty()) one["licence_status"] = m.licence_status;
    out.push_back(std::move(one));
  }
  return DumpJson(out, "a material's file name");
}

Result<std::vector<domain::AttachedMaterial>> ParseMaterials(const std::string& text) {
  const json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_array()) return Corrupt("applications.materials is not a JSON array");
  std::vector<domain::AttachedMaterial> materials;
  try {
    for (const json& m : parsed) {
      domain::AttachedMaterial material;
      material.code = m.at("code").get<std::string>();
      const std::string status = m.at("status").get<std::string>();
      const std::optional<domain::MaterialStatus> parsed_status = domain::ParseMaterialStatus(status);
      if (!parsed_status) return Corrupt("unknown material status '" + status + "'");
      material.status = *parsed_status;
      material.blob_sha256 = m.value("blob_sha256", "");
      material.content_type = m.value("content_type", "");
      material.file_name = m.value("file_name", "");
      material.size = m.value("size", int64_t{0});
      material.reason = m.value("reason", "");
      material.dataset = m.value("dataset", "");
      material.record_id = m.value("record_id", "");
      if (m.contains("as_of")) material.as_of = FromSeconds(m.at("as_of").get<int64_t>());
      material.licence_id = m.value("licence_id", "");
      material.licence_issuer = m.value("licence_issuer", "");
      material.licence_status = m.value("licence_status", "");
      materials.push_back(std::move(material));
    }
  } catch (const json::exception& e) {
    return Corrupt(std::string("applications.materials: ") + e.what());
  }
  return materials;
}

}  // namespace tongban::storage
