#include "storage/sql_store.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <exception>
#include <optional>
#include <string_view>
#include <utility>

#include "storage/migrations.h"

namespace tongban::storage {
namespace {

using domain::Application;
using domain::AgentGrant;
using domain::Enterprise;
using domain::Event;
using domain::Person;
using domain::Session;
using domain::User;
using nlohmann::json;

// ---- SQL, portable; parameters in the canonical $n form (see driver.h) ----

constexpr std::string_view kInsertUser =
    "INSERT INTO users (id, username, password_hash, kind, roles, person_id, display_name, department, centre,"
    " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
constexpr std::string_view kSelectUserById =
    "SELECT id, username, password_hash, kind, roles, person_id, display_name, department, centre, created_at"
    " FROM users WHERE id = $1";
constexpr std::string_view kSelectUserByUsername =
    "SELECT id, username, password_hash, kind, roles, person_id, display_name, department, centre, created_at"
    " FROM users WHERE username = $1";

constexpr std::string_view kInsertPerson = "INSERT INTO persons (id, name, phone) VALUES ($1, $2, $3)";
constexpr std::string_view kSelectPerson = "SELECT id, name, phone FROM persons WHERE id = $1";

constexpr std::string_view kInsertEnterprise =
    "INSERT INTO enterprises (code, name, admin_user_id) VALUES ($1, $2, $3)";
constexpr std::string_view kSelectEnterprise = "SELECT code, name, admin_user_id FROM enterprises WHERE code = $1";

constexpr std::string_view kUpsertAgentGrant =
    "INSERT INTO agent_grants (enterprise, user_id, may_apply, may_withdraw, items) VALUES ($1, $2, $3, $4, $5)"
    " ON CONFLICT (enterprise, user_id) DO UPDATE SET may_apply = excluded.may_apply,"
    " may_withdraw = excluded.may_withdraw, items = excluded.items";
constexpr std::string_view kSelectAgentGrant =
    "SELECT enterprise, user_id, may_apply, may_withdraw, items FROM agent_grants"
    " WHERE enterprise = $1 AND user_id = $2";
constexpr std::string_view kSelectAgentGrantsOfUser =
    "SELECT enterprise, user_id, may_apply, may_withdraw, items FROM agent_grants"
    " WHERE user_id = $1 ORDER BY enterprise";

constexpr std::string_view kInsertSession =
    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";
constexpr std::string_view kSelectSession =
    "SELECT token_hash, user_id, csrf_token, created_at, expires_at FROM sessions WHERE token_hash = $1";
constexpr std::string_view kDeleteSession = "DELETE FROM sessions WHERE token_hash = $1";

constexpr std::string_view kInsertLoginFailure = "INSERT INTO login_failures (key, at) VALUES ($1, $2)";
constexpr std::string_view kCountLoginFailures =
    "SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2";
constexpr std::string_view kDeleteLoginFailures = "DELETE FROM login_failures WHERE key = $1";
// Batched by a sub-select: DELETE ... LIMIT is not portable.
constexpr std::string_view kDeleteExpiredSessions =
    "DELETE FROM sessions WHERE token_hash IN (SELECT token_hash FROM sessions WHERE expires_at < $1 LIMIT $2)";
constexpr std::string_view kDeleteOldLoginFailures =
    "DELETE FROM login_failures WHERE at IN (SELECT at FROM login_failures WHERE at < $1 ORDER BY at LIMIT $2) "
    "AND at < $1";

#define TB_APPLICATION_COLUMNS                                                                             \
  "id, item, department, applicant_user_id, person_id, enterprise, channel, centre, state, fields, materials," \
  " created_at, updated_at, submitted_at, deadline, version"
constexpr std::string_view kApplicationColumns = TB_APPLICATION_COLUMNS;
constexpr std::string_view kInsertApplication =
    "INSERT INTO applications (" TB_APPLICATION_COLUMNS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";
constexpr std::string_view kSelectApplication = "SELECT " TB_APPLICATION_COLUMNS " FROM applications WHERE id = $1";
// The version check is in the WHERE clause, so a concurrent writer cannot slip in between.
constexpr std::string_view kUpdateApplication =
    "UPDATE applications SET item = $1, department = $2, applicant_user_id = $3, person_id = $4, enterprise = $5,"
    " channel = $6, centre = $7, state = $8, fields = $9, materials = $10, updated_at = $11, submitted_at = $12,"
    " deadline = $13, version = $14 WHERE id = $15 AND version = $16";
constexpr std::string_view kApplicationExists = "SELECT 1 FROM applications WHERE id = $1";
#undef TB_APPLICATION_COLUMNS

constexpr std::string_view kInsertEvent =
    "INSERT INTO events (id, application_id, seq, action, from_state, to_state, actor_user_id, actor_role,"
    " channel, at, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
constexpr std::string_view kSelectEvents =
    "SELECT id, application_id, seq, action, from_state, to_state, actor_user_id, actor_role, channel, at, reason"
    " FROM events WHERE application_id = $1 ORDER BY seq";

constexpr std::string_view kInsertBlob =
    "INSERT INTO blobs (sha256, content_type, size, data) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING";
constexpr std::string_view kSelectBlob = "SELECT sha256, content_type, data FROM blobs WHERE sha256 = $1";

constexpr std::string_view kLatestCatalogueVersion = "SELECT MAX(version) FROM catalogue_versions";
constexpr std::string_view kSelectCatalogueVersion =
    "SELECT version, published_at, published_by, reason, files, sha256 FROM catalogue_versions WHERE version = $1";
constexpr std::string_view kInsertCatalogueVersion =
    "INSERT INTO catalogue_versions (version, published_at, published_by, reason, files, sha256) "
    "VALUES ($1, $2, $3, $4, $5, $6)";

constexpr std::string_view kSavepoint = "SAVEPOINT job";
constexpr std::string_view kRollbackToSavepoint = "ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job";
constexpr std::string_view kReleaseSavepoint = "RELEASE SAVEPOINT job";

constexpr int kMaxPageSize = 200;

// The writer thread of the store it runs for, so a Write from inside work is refused.
thread_local const SqlStore* tls_writer_of = nullptr;

Error Corrupt(std::string what) {
  return MakeError(ErrorCode::kInternal, "corrupt row in the database: " + std::move(what));
}

int64_t Seconds(Timestamp at) { return at.time_since_epoch().count(); }
Timestamp FromSeconds(int64_t seconds) { return Timestamp{std::chrono::seconds{seconds}}; }

// Binds parameters $1, $2, ... in order, keeping the first error.
class Binder {
 public:
  explicit Binder(Statement& statement) : statement_(statement) {}
  Binder& Text(std::string_view value) { return Keep(statement_.BindText(next_++, value)); }
  // Empty means absent: stored as NULL.
  Binder& OptionalText(std::string_view value) {
    return Keep(value.empty() ? statement_.BindNull(next_++) : statement_.BindText(next_++, value));
  }
  Binder& Int(int64_t value) { return Keep(statement_.BindInt64(next_++, value)); }
  Binder& Bool(bool value) { return Int(value ? 1 : 0); }
  Binder& OptionalInt(std::optional<int64_t> value) {
    return Keep(value ? statement_.BindInt64(next_++, *value) : statement_.BindNull(next_++));
  }
  Binder& Blob(std::string_view bytes) { return Keep(statement_.BindBlob(next_++, bytes)); }
  Status status() { return std::move(status_); }

 private:
  Binder& Keep(Status status) {
    if (status_.ok() && !status.ok()) status_ = std::move(status);
    return *this;
  }
  Statement& statement_;
  int next_ = 1;
  Status status_;
};

// Reads columns 0, 1, ... of the current row in order.
class Columns {
 public:
  explicit Columns(Statement& statement) : statement_(statement) {}
  std::string Text() { return statement_.ColumnText(next_++); }
  int64_t Int() { return statement_.ColumnInt64(next_++); }
  bool Bool() { return Int() != 0; }
  std::optional<int64_t> OptionalInt() {
    const int column = next_++;
    if (statement_.ColumnIsNull(column)) return std::nullopt;
    return statement_.ColumnInt64(column);
  }
  std::string Blob() { return statement_.ColumnBlob(next_++); }

 private:
  Statement& statement_;
  int next_ = 0;
};

// Runs a statement that returns no rows.
Status RunToEnd(Statement& statement) {
  TB_ASSIGN_OR_RETURN(const bool row, statement.Step());
  (void)row;
  return Ok();
}

// ---- enum names ----

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

// ---- JSON columns ----

// nlohmann::json throws on invalid UTF-8 and on type mismatches; both become errors here.
Result<std::string> DumpJson(const json& value, std::string_view what) {
  try {
    return value.dump();
  } catch (const json::exception&) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(what) + " is not valid UTF-8 text");
  }
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
    out.push_back({{"code", m.code},
                   {"status", domain::MaterialStatusName(m.status)},
                   {"blob_sha256", m.blob_sha256},
                   {"content_type", m.content_type},
                   {"file_name", m.file_name},
                   {"size", m.size}});
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
      materials.push_back(std::move(material));
    }
  } catch (const json::exception& e) {
    return Corrupt(std::string("applications.materials: ") + e.what());
  }
  return materials;
}

// ---- page tokens: base64url of the last id ----

constexpr std::string_view kBase64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string EncodePageToken(std::string_view id) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (const unsigned char c : id) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kBase64Url[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kBase64Url[(buffer << (6 - bits)) & 0x3f];
  return out;
}

std::optional<std::string> DecodePageToken(std::string_view token) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (const char c : token) {
    const size_t value = kBase64Url.find(c);
    if (value == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

// ---- the transaction ----

class SqlTransaction final : public ports::Transaction {
 public:
  SqlTransaction(Connection& connection, bool writable) : connection_(connection), writable_(writable) {}

  Status InsertUser(const User& user) override {
    TB_RETURN_IF_ERROR(RequireWritable());
    TB_ASSIGN_OR_RETURN(const std::string roles, RolesJson(user.roles));
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kInsertUser));
    TB_RETURN_IF_ERROR(Binder(*statement)
                           .Text(user.id)
                           .Text(user.username)
                           .Text(user.password_hash)
                           .Text(domain::UserKindName(user.kind))
                           .Text(roles)
                           .OptionalText(user.person_id)
                           .Text(user.display_name)
                           .OptionalText(user.department)
                           .OptionalText(user.centre)
                           .Int(Seconds(user.created_at))
                           .status());
    return RunToEnd(*statement);
  }

  Result<User> GetUser(const std::string& id) override { return SelectUser(kSelectUserById, id); }
  Result<User> FindUserByUsername(const std::string& username) override {
    return SelectUser(kSelectUserByUsername, username);
  }

  Status InsertPerson(const Person& person) override {
    TB_RETURN_IF_ERROR(RequireWritable());
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kInsertPerson));
    TB_RETURN_IF_ERROR(Binder(*statement).Text(person.id).Text(person.name).Text(person.phone).status());
    return RunToEnd(*statement);
  }

  Result<Person> GetPerson(const std::string& id) override {
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kSelectPerson));
    TB_RETURN_IF_ERROR(Binder(*statement).Text(id).status());
    TB_ASSIGN_OR_RETURN(const bool row, statement->Step());
    if (!row) return MakeError(ErrorCode::kNotFound, "error.person.not_found");
    Columns c(*statement);
    Person person;
    person.id = c.Text();
    person.name = c.Text();
    person.phone = c.Text();
    return person;
  }

  Status InsertEnterprise(const Enterprise& enterprise) override {
    TB_RETURN_IF_ERROR(RequireWritable());
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kInsertEnterprise));
    TB_RETURN_IF_ERROR(Binder(*statement)
                           .Text(enterprise.code)
                           .Text(enterprise.name)
                           .OptionalText(enterprise.admin_user_id)
                           .status());
    return RunToEnd(*statement);
  }

  Result<Enterprise> GetEnterprise(const std::string& code) override {
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kSelectEnterprise));
    TB_RETURN_IF_ERROR(Binder(*statement).Text(code).status());
    TB_ASSIGN_OR_RETURN(const bool row, statement->Step());
    if (!row) return MakeError(ErrorCode::kNotFound, "error.enterprise.not_found");
    Columns c(*statement);
    Enterprise enterprise;
    enterprise.code = c.Text();
    enterprise.name = c.Text();
    enterprise.admin_user_id = c.Text();
    return enterprise;
  }

  Status PutAgentGrant(const AgentGrant& grant) override {
    TB_RETURN_IF_ERROR(RequireWritable());
    TB_ASSIGN_OR_RETURN(const std::string items, StringListJson(grant.items, "an item code"));
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kUpsertAgentGrant));
    TB_RETURN_IF_ERROR(Binder(*statement)
                           .Text(grant.enterprise)
                           .Text(grant.user_id)
                           .Bool(grant.may_apply)
                           .Bool(grant.may_withdraw)
                           .Text(items)
                           .status());
    return RunToEnd(*statement);
  }

  Result<AgentGrant> GetAgentGrant(const std::string& enterprise, const std::string& user_id) override {
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kSelectAgentGrant));
    TB_RETURN_IF_ERROR(Binder(*statement).Text(enterprise).Text(user_id).status());
    TB_ASSIGN_OR_RETURN(const bool row, statement->Step());
    if (!row) return MakeError(ErrorCode::kNotFound, "error.agent_grant.not_found");
    return ReadGrant(*statement);
  }

  Result<std::vector<AgentGrant>> ListAgentGrantsOfUser(const std::string& user_id) override {
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kSelectAgentGrantsOfUser));
    TB_RETURN_IF_ERROR(Binder(*statement).Text(user_id).status());
    std::vector<AgentGrant> grants;
    while (true) {
      TB_ASSIGN_OR_RETURN(const bool row, statement->Step());
      if (!row) break;
      TB_ASSIGN_OR_RETURN(AgentGrant grant, ReadGrant(*statement));
      grants.push_back(std::move(grant));
    }
    return grants;
  }

  Status InsertSession(const Session& session) override {
    TB_RETURN_IF_ERROR(RequireWritable());
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kInsertSession));
    TB_RETURN_IF_ERROR(Binder(*statement)
                           .Text(session.token_hash)
                           .Text(session.user_id)
                           .Text(session.csrf_token)
                           .Int(Seconds(session.created_at))
                           .Int(Seconds(session.expires_at))
                           .status());
    return RunToEnd(*statement);
  }

  Result<Session> GetSession(const std::string& token_hash) override {
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kSelectSession));
    TB_RETURN_IF_ERROR(Binder(*statement).Text(token_hash).status());
    TB_ASSIGN_OR_RETURN(const bool row, statement->Step());
    if (!row) return MakeError(ErrorCode::kNotFound, "error.session.not_found");
    Columns c(*statement);
    Session session;
    session.token_hash = c.Text();
    session.user_id = c.Text();
    session.csrf_token = c.Text();
    session.created_at = FromSeconds(c.Int());
    session.expires_at = FromSeconds(c.Int());
    return session;
  }

  // Deleting a session that is not there is not an error: logging out twice is fine.
  Status DeleteSession(const std::string& token_hash) override {
    TB_RETURN_IF_ERROR(RequireWritable());
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kDeleteSession));
    TB_RETURN_IF_ERROR(Binder(*statement).Text(token_hash).status());
    return RunToEnd(*statement);
  }

  Result<int64_t> DeleteExpiredSessions(Timestamp before, int limit) override {
    return DeleteBatch(kDeleteExpiredSessions, before, limit);
  }

  Result<int64_t> DeleteLoginFailuresBefore(Timestamp before, int limit) override {
    return DeleteBatch(kDeleteOldLoginFailures, before, limit);
  }

  Status RecordLoginFailure(const std::string& key, Timestamp at) override {
    TB_RETURN_IF_ERROR(RequireWritable());
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kInsertLoginFailure));
    TB_RETURN_IF_ERROR(Binder(*statement).Text(key).Int(Seconds(at)).status());
    return RunToEnd(*statement);
  }

  // Failures at or after `since`.
  Result<int> CountLoginFailures(const std::string& key, Timestamp since) override {
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kCountLoginFailures));
    TB_RETURN_IF_ERROR(Binder(*statement).Text(key).Int(Seconds(since)).status());
    TB_ASSIGN_OR_RETURN(const bool row, statement->Step());
    if (!row) return 0;
    return static_cast<int>(statement->ColumnInt64(0));
  }

  Status ClearLoginFailures(const std::string& key) override {
    TB_RETURN_IF_ERROR(RequireWritable());
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kDeleteLoginFailures));
    TB_RETURN_IF_ERROR(Binder(*statement).Text(key).status());
    return RunToEnd(*statement);
  }

  Status InsertApplication(const Application& app) override {
    TB_RETURN_IF_ERROR(RequireWritable());
    TB_ASSIGN_OR_RETURN(const std::string fields, FieldsJson(app.fields));
    TB_ASSIGN_OR_RETURN(const std::string materials, MaterialsJson(app.materials));
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kInsertApplication));
    TB_RETURN_IF_ERROR(Binder(*statement)
                           .Text(app.id)
                           .Text(app.item)
                           .Text(app.department)
                           .Text(app.applicant_user_id)
                           .OptionalText(app.person_id)
                           .OptionalText(app.enterprise)
                           .Text(domain::ChannelName(app.channel))
                           .OptionalText(app.centre)
                           .Text(domain::StateName(app.state))
                           .Text(fields)
                           .Text(materials)
                           .Int(Seconds(app.created_at))
                           .Int(Seconds(app.updated_at))
                           .OptionalInt(SubmittedSeconds(app))
                           .OptionalText(DeadlineText(app))
                           .Int(app.version)
                           .status());
    return RunToEnd(*statement);
  }

  Result<Application> GetApplication(const std::string& id) override {
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kSelectApplication));
    TB_RETURN_IF_ERROR(Binder(*statement).Text(id).status());
    TB_ASSIGN_OR_RETURN(const bool row, statement->Step());
    if (!row) return MakeError(ErrorCode::kNotFound, "error.application.not_found");
    return ReadApplication(*statement);
  }

  // kConflict when the stored version is not app.version - 1; kNotFound when there is no row.
  Status UpdateApplication(const Application& app) override {
    TB_RETURN_IF_ERROR(RequireWritable());
    TB_ASSIGN_OR_RETURN(const std::string fields, FieldsJson(app.fields));
    TB_ASSIGN_OR_RETURN(const std::string materials, MaterialsJson(app.materials));
    {
      TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kUpdateApplication));
      TB_RETURN_IF_ERROR(Binder(*statement)
                             .Text(app.item)
                             .Text(app.department)
                             .Text(app.applicant_user_id)
                             .OptionalText(app.person_id)
                             .OptionalText(app.enterprise)
                             .Text(domain::ChannelName(app.channel))
                             .OptionalText(app.centre)
                             .Text(domain::StateName(app.state))
                             .Text(fields)
                             .Text(materials)
                             .Int(Seconds(app.updated_at))
                             .OptionalInt(SubmittedSeconds(app))
                             .OptionalText(DeadlineText(app))
                             .Int(app.version)
                             .Text(app.id)
                             .Int(app.version - 1)
                             .status());
      TB_RETURN_IF_ERROR(RunToEnd(*statement));
      if (statement->RowsChanged() > 0) return Ok();
    }
    TB_ASSIGN_OR_RETURN(StatementRef exists, connection_.Prepare(kApplicationExists));
    TB_RETURN_IF_ERROR(Binder(*exists).Text(app.id).status());
    TB_ASSIGN_OR_RETURN(const bool found, exists->Step());
    if (!found) return MakeError(ErrorCode::kNotFound, "error.application.not_found");
    return MakeError(ErrorCode::kConflict, "error.application.changed");
  }

  Result<ports::ApplicationPage> ListApplications(const ports::ApplicationQuery& query) override {
    struct Scope {
      std::string_view column;
      const std::string* value;
    };
    const std::array scopes = {
        Scope{"applicant_user_id", &query.applicant_user_id}, Scope{"person_id", &query.person_id},
        Scope{"enterprise", &query.enterprise},               Scope{"department", &query.department},
        Scope{"centre", &query.centre},
    };
    const Scope* scope = nullptr;
    for (const Scope& candidate : scopes) {
      if (candidate.value->empty()) continue;
      if (scope != nullptr) {
        return MakeError(ErrorCode::kInvalidArgument, "an application query sets more than one scope");
      }
      scope = &candidate;
    }
    if (scope == nullptr) return MakeError(ErrorCode::kInvalidArgument, "an application query sets no scope");
    std::optional<std::string> cursor;
    if (!query.page_token.empty()) {
      cursor = DecodePageToken(query.page_token);
      if (!cursor) return MakeError(ErrorCode::kInvalidArgument, "error.page_token.invalid");
    }
    const int limit = std::clamp(query.limit, 1, kMaxPageSize);

    // One SQL text per combination of filters, each prepared once and cached.
    std::string sql = "SELECT ";
    sql += kApplicationColumns;
    sql += " FROM applications WHERE ";
    sql += scope->column;
    sql += " = $1";
    int parameter = 1;
    const auto next = [&] { return " = $" + std::to_string(++parameter); };
    if (query.state) sql += " AND state" + next();
    if (!query.item.empty()) sql += " AND item" + next();
    if (cursor) sql += " AND id < $" + std::to_string(++parameter);
    sql += " ORDER BY id DESC LIMIT $" + std::to_string(++parameter);

    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(sql));
    Binder binder(*statement);
    binder.Text(*scope->value);
    if (query.state) binder.Text(domain::StateName(*query.state));
    if (!query.item.empty()) binder.Text(query.item);
    if (cursor) binder.Text(*cursor);
    binder.Int(limit + 1);  // one more tells whether there is a next page
    TB_RETURN_IF_ERROR(binder.status());

    ports::ApplicationPage page;
    while (true) {
      TB_ASSIGN_OR_RETURN(const bool row, statement->Step());
      if (!row) break;
      if (static_cast<int>(page.applications.size()) == limit) {
        page.next_page_token = EncodePageToken(page.applications.back().id);
        break;
      }
      TB_ASSIGN_OR_RETURN(Application app, ReadApplication(*statement));
      page.applications.push_back(std::move(app));
    }
    return page;
  }

  Status InsertEvent(const Event& event) override {
    TB_RETURN_IF_ERROR(RequireWritable());
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kInsertEvent));
    TB_RETURN_IF_ERROR(Binder(*statement)
                           .Text(event.id)
                           .Text(event.application_id)
                           .Int(event.seq)
                           .Text(event.action)
                           .Text(domain::StateName(event.from))
                           .Text(domain::StateName(event.to))
                           .Text(event.actor_user_id)
                           .Text(event.actor_role)
                           .Text(domain::ChannelName(event.channel))
                           .Int(Seconds(event.at))
                           .Text(event.reason)
                           .status());
    return RunToEnd(*statement);
  }

  Result<std::vector<Event>> ListEvents(const std::string& application_id) override {
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kSelectEvents));
    TB_RETURN_IF_ERROR(Binder(*statement).Text(application_id).status());
    std::vector<Event> events;
    while (true) {
      TB_ASSIGN_OR_RETURN(const bool row, statement->Step());
      if (!row) break;
      Columns c(*statement);
      Event event;
      event.id = c.Text();
      event.application_id = c.Text();
      event.seq = c.Int();
      event.action = c.Text();
      TB_ASSIGN_OR_RETURN(event.from, StateFrom(c.Text()));
      TB_ASSIGN_OR_RETURN(event.to, StateFrom(c.Text()));
      event.actor_user_id = c.Text();
      event.actor_role = c.Text();
      TB_ASSIGN_OR_RETURN(event.channel, ChannelFrom(c.Text()));
      event.at = FromSeconds(c.Int());
      event.reason = c.Text();
      events.push_back(std::move(event));
    }
    return events;
  }

  Result<int64_t> LatestCatalogueVersion() override {
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kLatestCatalogueVersion));
    TB_ASSIGN_OR_RETURN(const bool row, statement->Step());
    if (!row) return int64_t{0};
    Columns c(*statement);
    return c.OptionalInt().value_or(0);
  }

  Result<ports::CatalogueVersion> GetCatalogueVersion(int64_t version) override {
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kSelectCatalogueVersion));
    TB_RETURN_IF_ERROR(Binder(*statement).Int(version).status());
    TB_ASSIGN_OR_RETURN(const bool row, statement->Step());
    if (!row) return MakeError(ErrorCode::kNotFound, "error.catalogue.version_not_found");
    Columns c(*statement);
    ports::CatalogueVersion v;
    v.version = c.Int();
    v.published_at = FromSeconds(c.Int());
    v.published_by = c.Text();
    v.reason = c.Text();
    v.files_json = c.Text();
    v.sha256 = c.Text();
    return v;
  }

  Status InsertCatalogueVersion(const ports::CatalogueVersion& v) override {
    TB_RETURN_IF_ERROR(RequireWritable());
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kInsertCatalogueVersion));
    TB_RETURN_IF_ERROR(Binder(*statement)
                           .Int(v.version)
                           .Int(Seconds(v.published_at))
                           .Text(v.published_by)
                           .Text(v.reason)
                           .Text(v.files_json)
                           .Text(v.sha256)
                           .status());
    return RunToEnd(*statement);
  }

  Status PutBlob(const ports::Blob& blob) override {
    TB_RETURN_IF_ERROR(RequireWritable());
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kInsertBlob));
    TB_RETURN_IF_ERROR(Binder(*statement)
                           .Text(blob.sha256)
                           .Text(blob.content_type)
                           .Int(static_cast<int64_t>(blob.data.size()))
                           .Blob(blob.data)
                           .status());
    return RunToEnd(*statement);
  }

  Result<ports::Blob> GetBlob(const std::string& sha256) override {
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kSelectBlob));
    TB_RETURN_IF_ERROR(Binder(*statement).Text(sha256).status());
    TB_ASSIGN_OR_RETURN(const bool row, statement->Step());
    if (!row) return MakeError(ErrorCode::kNotFound, "error.blob.not_found");
    Columns c(*statement);
    ports::Blob blob;
    blob.sha256 = c.Text();
    blob.content_type = c.Text();
    blob.data = c.Blob();
    return blob;
  }

 private:
  Result<int64_t> DeleteBatch(std::string_view sql, Timestamp before, int limit) {
    TB_RETURN_IF_ERROR(RequireWritable());
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(sql));
    TB_RETURN_IF_ERROR(Binder(*statement).Int(Seconds(before)).Int(limit).status());
    TB_RETURN_IF_ERROR(RunToEnd(*statement));
    return statement->RowsChanged();
  }

  Status RequireWritable() const {
    if (writable_) return Ok();
    return MakeError(ErrorCode::kInternal, "a write method was called inside Store::Read: use Store::Write");
  }

  static std::optional<int64_t> SubmittedSeconds(const Application& app) {
    if (!app.submitted_at) return std::nullopt;
    return Seconds(*app.submitted_at);
  }
  static std::string DeadlineText(const Application& app) {
    return app.deadline ? FormatIsoDate(*app.deadline) : std::string();
  }

  Result<User> SelectUser(std::string_view sql, const std::string& key) {
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(sql));
    TB_RETURN_IF_ERROR(Binder(*statement).Text(key).status());
    TB_ASSIGN_OR_RETURN(const bool row, statement->Step());
    if (!row) return MakeError(ErrorCode::kNotFound, "error.user.not_found");
    Columns c(*statement);
    User user;
    user.id = c.Text();
    user.username = c.Text();
    user.password_hash = c.Text();
    const std::string kind = c.Text();
    const std::optional<domain::UserKind> parsed_kind = domain::ParseUserKind(kind);
    if (!parsed_kind) return Corrupt("unknown user kind '" + kind + "'");
    user.kind = *parsed_kind;
    TB_ASSIGN_OR_RETURN(user.roles, ParseRoles(c.Text()));
    user.person_id = c.Text();
    user.display_name = c.Text();
    user.department = c.Text();
    user.centre = c.Text();
    user.created_at = FromSeconds(c.Int());
    return user;
  }

  static Result<AgentGrant> ReadGrant(Statement& statement) {
    Columns c(statement);
    AgentGrant grant;
    grant.enterprise = c.Text();
    grant.user_id = c.Text();
    grant.may_apply = c.Bool();
    grant.may_withdraw = c.Bool();
    TB_ASSIGN_OR_RETURN(grant.items, ParseStringList(c.Text(), "agent_grants.items"));
    return grant;
  }

  static Result<Application> ReadApplication(Statement& statement) {
    Columns c(statement);
    Application app;
    app.id = c.Text();
    app.item = c.Text();
    app.department = c.Text();
    app.applicant_user_id = c.Text();
    app.person_id = c.Text();
    app.enterprise = c.Text();
    TB_ASSIGN_OR_RETURN(app.channel, ChannelFrom(c.Text()));
    app.centre = c.Text();
    TB_ASSIGN_OR_RETURN(app.state, StateFrom(c.Text()));
    TB_ASSIGN_OR_RETURN(app.fields, ParseFields(c.Text()));
    TB_ASSIGN_OR_RETURN(app.materials, ParseMaterials(c.Text()));
    app.created_at = FromSeconds(c.Int());
    app.updated_at = FromSeconds(c.Int());
    if (const std::optional<int64_t> submitted = c.OptionalInt()) app.submitted_at = FromSeconds(*submitted);
    const std::string deadline = c.Text();
    if (!deadline.empty()) {
      app.deadline = ParseIsoDate(deadline);
      if (!app.deadline) return Corrupt("applications.deadline '" + deadline + "' is not a date");
    }
    app.version = c.Int();
    return app;
  }

  Connection& connection_;
  const bool writable_;
};

// Runs caller-supplied work; an exception escaping it fails that work only.
Status RunWork(const ports::TransactionWork& work, ports::Transaction& transaction) {
  try {
    return work(transaction);
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kInternal, std::string("transaction work threw: ") + e.what());
  } catch (...) {
    return MakeError(ErrorCode::kInternal, "transaction work threw a non-standard exception");
  }
}

}  // namespace

struct SqlStore::WriteJob {
  const ports::TransactionWork* work;
  Status status;
  bool done = false;
};

Result<std::unique_ptr<ports::Store>> OpenStore(const std::string& url, const StoreOptions& options) {
  DriverOptions driver_options;
  driver_options.busy_timeout = options.busy_timeout;
  TB_ASSIGN_OR_RETURN(std::unique_ptr<Driver> driver, MakeDriver(url, driver_options));
  TB_ASSIGN_OR_RETURN(std::unique_ptr<SqlStore> store, SqlStore::Open(std::move(driver), options));
  return std::unique_ptr<ports::Store>(std::move(store));
}

Result<std::unique_ptr<SqlStore>> SqlStore::Open(std::unique_ptr<Driver> driver, const StoreOptions& options) {
  std::vector<std::unique_ptr<Connection>> writers;
  TB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer, driver->OpenWriter());
  writers.push_back(std::move(writer));
  if (options.migrate) {
    TB_ASSIGN_OR_RETURN(const std::vector<Migration> migrations, BuiltinMigrations());
    TB_RETURN_IF_ERROR(ApplyMigrations(*writers.front(), *driver, migrations));
  }
  if (!driver->SingleWriter()) {
    for (int i = 1; i < std::max(1, options.write_connections); ++i) {
      TB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> more, driver->OpenWriter());
      writers.push_back(std::move(more));
    }
  }
  std::vector<std::unique_ptr<Connection>> readers;
  for (int i = 0; i < std::max(1, options.read_connections); ++i) {
    TB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> reader, driver->OpenReader());
    readers.push_back(std::move(reader));
  }
  return std::make_unique<SqlStore>(Key(), std::move(driver), std::move(writers), std::move(readers), options);
}

ConnectionPool::ConnectionPool(Opener open, std::vector<std::unique_ptr<Connection>> connections)
    : open_(std::move(open)), connections_(std::move(connections)) {}

Result<std::unique_ptr<Connection>> ConnectionPool::Take() {
  {
    std::unique_lock lock(mutex_);
    free_.wait(lock, [&] { return !connections_.empty() || missing_ > 0; });
    if (!connections_.empty()) {
      std::unique_ptr<Connection> connection = std::move(connections_.back());
      connections_.pop_back();
      return connection;
    }
    --missing_;  // this caller reopens the slot
  }
  Result<std::unique_ptr<Connection>> opened = open_();
  if (!opened.ok()) {
    {
      std::lock_guard lock(mutex_);
      ++missing_;
    }
    free_.notify_one();
  }
  return opened;
}

void ConnectionPool::Give(std::unique_ptr<Connection> connection) {
  {
    std::lock_guard lock(mutex_);
    if (connection != nullptr && connection->Healthy()) {
      connections_.push_back(std::move(connection));
    } else {
      ++missing_;
    }
  }
  free_.notify_one();
}

SqlStore::SqlStore(Key, std::unique_ptr<Driver> driver, std::vector<std::unique_ptr<Connection>> writers,
                   std::vector<std::unique_ptr<Connection>> readers, const StoreOptions& options)
    : driver_(std::move(driver)),
      options_(options),
      read_pool_([this] { return driver_->OpenReader(); }, std::move(readers)) {
  options_.max_batch = std::max<size_t>(1, options_.max_batch);
  if (driver_->SingleWriter()) {
    writer_ = std::move(writers.front());
    writer_thread_ = std::thread([this] { WriterLoop(); });
  } else {
    write_pool_ = std::make_unique<ConnectionPool>([this] { return driver_->OpenWriter(); }, std::move(writers));
  }
}

SqlStore::~SqlStore() {
  {
    std::lock_guard lock(write_mutex_);
    stopping_ = true;
  }
  writer_wake_.notify_one();
  if (writer_thread_.joinable()) writer_thread_.join();
}

Status SqlStore::Write(const ports::TransactionWork& work) {
  if (tls_writer_of == this) {
    return MakeError(ErrorCode::kInternal, "Store::Write was called from inside a Write's work");
  }
  if (write_pool_ != nullptr) return WriteConcurrently(work);
  WriteJob job{&work, Ok(), false};
  std::unique_lock lock(write_mutex_);
  if (stopping_) return MakeError(ErrorCode::kUnavailable, "the store is closing");
  queue_.push_back(&job);
  writer_wake_.notify_one();
  jobs_done_.wait(lock, [&] { return job.done; });
  return std::move(job.status);
}

SqlStore::WriteStats SqlStore::write_stats() const {
  std::lock_guard lock(write_mutex_);
  return stats_;
}

void SqlStore::WriterLoop() {
  tls_writer_of = this;
  std::vector<WriteJob*> batch;
  while (true) {
    {
      std::unique_lock lock(write_mutex_);
      writer_wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and every queued job is done
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    RunBatch(batch);
    {
      std::lock_guard lock(write_mutex_);
      for (WriteJob* job : batch) job->done = true;
      ++stats_.batches;
      stats_.jobs += batch.size();
    }
    jobs_done_.notify_all();
    batch.clear();
  }
}

void SqlStore::RunBatch(const std::vector<WriteJob*>& batch) {
  if (batch.size() == 1) {
    RunAlone(*batch.front());
    return;
  }
  Status begun = writer_->Exec(driver_->BeginWriteSql());
  if (!begun.ok()) {
    for (WriteJob* job : batch) job->status = begun.error();
    return;
  }
  SqlTransaction transaction(*writer_, /*writable=*/true);
  bool broken = false;
  for (WriteJob* job : batch) {
    if (!writer_->Exec(kSavepoint).ok()) {
      broken = true;
      break;
    }
    Status result = RunWork(*job->work, transaction);
    // A failed job is undone alone. If the database dropped the whole transaction (an I/O error,
    // a full disk), the savepoint is gone and the batch cannot commit as one.
    const Status undone = writer_->Exec(result.ok() ? kReleaseSavepoint : kRollbackToSavepoint);
    if (!undone.ok() || !writer_->InTransaction()) {
      broken = true;
      break;
    }
    job->status = std::move(result);
  }
  if (!broken && writer_->Exec("COMMIT").ok()) return;
  if (writer_->InTransaction()) (void)writer_->Exec("ROLLBACK");
  // Nothing of the batch was written; each job gets its own transaction and its own outcome.
  for (WriteJob* job : batch) RunAlone(*job);
}

void SqlStore::RunAlone(WriteJob& job) {
  Status begun = writer_->Exec(driver_->BeginWriteSql());
  if (!begun.ok()) {
    job.status = std::move(begun);
    return;
  }
  SqlTransaction transaction(*writer_, /*writable=*/true);
  Status result = RunWork(*job.work, transaction);
  if (result.ok()) result = writer_->Exec("COMMIT");
  if (!result.ok() && writer_->InTransaction()) (void)writer_->Exec("ROLLBACK");
  job.status = std::move(result);
}

Status SqlStore::WriteConcurrently(const ports::TransactionWork& work) {
  // Enough for a burst of deadlocks between a few writers; beyond that the caller gets kConflict.
  constexpr int kMaxAttempts = 8;
  Status result = Ok();
  int stale_connections = 0;
  for (int attempt = 1;; ++attempt) {
    TB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection, write_pool_->Take());
    result = connection->Exec(driver_->BeginWriteSql());
    const bool stale = !result.ok() && !connection->Healthy();
    if (result.ok()) {
      SqlTransaction transaction(*connection, /*writable=*/true);
      const SqlStore* outer = std::exchange(tls_writer_of, this);
      result = RunWork(work, transaction);
      tls_writer_of = outer;
      if (result.ok()) result = connection->Exec("COMMIT");
      if (!result.ok() && connection->InTransaction()) (void)connection->Exec("ROLLBACK");
    }
    const bool retry = !result.ok() && connection->SerializationFailed() && connection->Healthy();
    write_pool_->Give(std::move(connection));
    // A pooled connection found dead before any work ran (the server restarted) is replaced and
    // the next one tried, at most the whole pool; a connection lost later may have committed, so
    // that is the caller's kUnavailable.
    if (stale && stale_connections++ < options_.write_connections) {
      --attempt;
      continue;
    }
    if (retry && attempt < kMaxAttempts) {
      std::this_thread::sleep_for(std::chrono::milliseconds(attempt * attempt));
      continue;
    }
    break;
  }
  {
    std::lock_guard lock(write_mutex_);
    ++stats_.batches;
    ++stats_.jobs;
  }
  return result;
}

Status SqlStore::Read(const ports::TransactionWork& work) {
  Status result = Ok();
  for (int stale_connections = 0;; ++stale_connections) {
    TB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection, read_pool_.Take());
    result = connection->Exec(driver_->BeginReadSql());
    const bool stale = !result.ok() && !connection->Healthy();
    if (result.ok()) {
      SqlTransaction transaction(*connection, /*writable=*/false);
      result = RunWork(work, transaction);
      // A read transaction has nothing to keep; ending it releases the snapshot.
      const Status ended = connection->Exec(result.ok() ? "COMMIT" : "ROLLBACK");
      if (result.ok() && !ended.ok()) result = ended;
    }
    if (connection->InTransaction()) (void)connection->Exec("ROLLBACK");
    read_pool_.Give(std::move(connection));
    // A pooled connection found dead (the server restarted): the next one, at most the whole pool.
    if (stale && stale_connections < options_.read_connections) continue;
    return result;
  }
}

}  // namespace tongban::storage
