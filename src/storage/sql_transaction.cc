#include "storage/sql_transaction.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "storage/sql_columns.h"

namespace tongban::storage {
namespace {

using domain::Application;
using domain::AgentGrant;
using domain::Enterprise;
using domain::Event;
using domain::Person;
using domain::Session;
using domain::User;

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
    "SELECT COUNT(*), MAX(at) FROM login_failures WHERE key = $1 AND at >= $2";
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
#define TB_SELECT_APPLICATION "SELECT " TB_APPLICATION_COLUMNS " FROM applications WHERE id = $1"
constexpr std::string_view kSelectApplication = TB_SELECT_APPLICATION;
constexpr std::string_view kSelectApplicationForUpdate = TB_SELECT_APPLICATION " FOR UPDATE";
#undef TB_SELECT_APPLICATION
#undef TB_APPLICATION_COLUMNS
// The insert and the update list the columns both write first and in the same order ($1 to $14),
// so one binder serves both (BindApplicationColumns); the insert then adds id and created_at.
constexpr std::string_view kInsertApplication =
    "INSERT INTO applications (item, department, applicant_user_id, person_id, enterprise, channel, centre, state,"
    " fields, materials, updated_at, submitted_at, deadline, version, id, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";
// The version check is in the WHERE clause, so a concurrent writer cannot slip in between.
constexpr std::string_view kUpdateApplication =
    "UPDATE applications SET item = $1, department = $2, applicant_user_id = $3, person_id = $4, enterprise = $5,"
    " channel = $6, centre = $7, state = $8, fields = $9, materials = $10, updated_at = $11, submitted_at = $12,"
    " deadline = $13, version = $14 WHERE id = $15 AND version = $16";
constexpr std::string_view kApplicationExists = "SELECT 1 FROM applications WHERE id = $1";

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

constexpr int kMaxPageSize = 200;

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

// ---- rows ----

Result<AgentGrant> ReadGrant(Statement& statement) {
  Columns c(statement);
  AgentGrant grant;
  grant.enterprise = c.Text();
  grant.user_id = c.Text();
  grant.may_apply = c.Bool();
  grant.may_withdraw = c.Bool();
  TB_ASSIGN_OR_RETURN(grant.items, ParseStringList(c.Text(), "agent_grants.items"));
  return grant;
}

Result<Application> ReadApplication(Statement& statement) {
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

// Binds $1 to $14, the columns InsertApplication and UpdateApplication both write, in the order
// kInsertApplication and kUpdateApplication list them; `fields` and `materials` are their JSON.
Binder& BindApplicationColumns(Binder& binder, const Application& app, std::string_view fields,
                               std::string_view materials) {
  std::optional<int64_t> submitted_at;
  if (app.submitted_at) submitted_at = Seconds(*app.submitted_at);
  const std::string deadline = app.deadline ? FormatIsoDate(*app.deadline) : std::string();
  return binder.Text(app.item)
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
      .OptionalInt(submitted_at)
      .OptionalText(deadline)
      .Int(app.version);
}

}  // namespace

Status SqlTransaction::InsertUser(const User& user) {
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

Result<User> SqlTransaction::GetUser(const std::string& id) { return SelectUser(kSelectUserById, id); }
Result<User> SqlTransaction::FindUserByUsername(const std::string& username) {
  return SelectUser(kSelectUserByUsername, username);
}

Status SqlTransaction::InsertPerson(const Person& person) {
  TB_RETURN_IF_ERROR(RequireWritable());
  TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kInsertPerson));
  TB_RETURN_IF_ERROR(Binder(*statement).Text(person.id).Text(person.name).Text(person.phone).status());
  return RunToEnd(*statement);
}

Result<Person> SqlTransaction::GetPerson(const std::string& id) {
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

Status SqlTransaction::InsertEnterprise(const Enterprise& enterprise) {
  TB_RETURN_IF_ERROR(RequireWritable());
  TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kInsertEnterprise));
  TB_RETURN_IF_ERROR(Binder(*statement)
                         .Text(enterprise.code)
                         .Text(enterprise.name)
                         .OptionalText(enterprise.admin_user_id)
                         .status());
  return RunToEnd(*statement);
}

Result<Enterprise> SqlTransaction::GetEnterprise(const std::string& code) {
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

Status SqlTransaction::PutAgentGrant(const AgentGrant& grant) {
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

Result<AgentGrant> SqlTransaction::GetAgentGrant(const std::string& enterprise, const std::string& user_id) {
  TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kSelectAgentGrant));
  TB_RETURN_IF_ERROR(Binder(*statement).Text(enterprise).Text(user_id).status());
  TB_ASSIGN_OR_RETURN(const bool row, statement->Step());
  if (!row) return MakeError(ErrorCode::kNotFound, "error.agent_grant.not_found");
  return ReadGrant(*statement);
}

Result<std::vector<AgentGrant>> SqlTransaction::ListAgentGrantsOfUser(const std::string& user_id) {
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

Status SqlTransaction::InsertSession(const Session& session) {
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

Result<Session> SqlTransaction::GetSession(const std::string& token_hash) {
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
Status SqlTransaction::DeleteSession(const std::string& token_hash) {
  TB_RETURN_IF_ERROR(RequireWritable());
  TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kDeleteSession));
  TB_RETURN_IF_ERROR(Binder(*statement).Text(token_hash).status());
  return RunToEnd(*statement);
}

Result<int64_t> SqlTransaction::DeleteExpiredSessions(Timestamp before, int limit) {
  return DeleteBatch(kDeleteExpiredSessions, before, limit);
}

Result<int64_t> SqlTransaction::DeleteLoginFailuresBefore(Timestamp before, int limit) {
  return DeleteBatch(kDeleteOldLoginFailures, before, limit);
}

Status SqlTransaction::RecordLoginFailure(const std::string& key, Timestamp at) {
  TB_RETURN_IF_ERROR(RequireWritable());
  // The table also refuses it (V005's CHECK); refusing here keeps the text out of the driver's error.
  if (key.size() > ports::kMaxLoginFailureKey) return MakeError(ErrorCode::kInvalidArgument, "error.login.too_long");
  TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kInsertLoginFailure));
  TB_RETURN_IF_ERROR(Binder(*statement).Text(key).Int(Seconds(at)).status());
  return RunToEnd(*statement);
}

// Failures at or after `since`, and the newest of them.
Result<ports::LoginFailureCount> SqlTransaction::CountLoginFailures(const std::string& key, Timestamp since) {
  TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kCountLoginFailures));
  TB_RETURN_IF_ERROR(Binder(*statement).Text(key).Int(Seconds(since)).status());
  TB_ASSIGN_OR_RETURN(const bool row, statement->Step());
  ports::LoginFailureCount out;
  if (!row) return out;
  out.count = static_cast<int>(statement->ColumnInt64(0));
  if (!statement->ColumnIsNull(1)) out.latest = FromSeconds(statement->ColumnInt64(1));
  return out;
}

Status SqlTransaction::ClearLoginFailures(const std::string& key) {
  TB_RETURN_IF_ERROR(RequireWritable());
  TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kDeleteLoginFailures));
  TB_RETURN_IF_ERROR(Binder(*statement).Text(key).status());
  return RunToEnd(*statement);
}

Status SqlTransaction::InsertApplication(const Application& app) {
  TB_RETURN_IF_ERROR(RequireWritable());
  TB_ASSIGN_OR_RETURN(const std::string fields, FieldsJson(app.fields));
  TB_ASSIGN_OR_RETURN(const std::string materials, MaterialsJson(app.materials));
  TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kInsertApplication));
  Binder binder(*statement);
  TB_RETURN_IF_ERROR(
      BindApplicationColumns(binder, app, fields, materials).Text(app.id).Int(Seconds(app.created_at)).status());
  return RunToEnd(*statement);
}

Result<Application> SqlTransaction::GetApplication(const std::string& id) {
  TB_ASSIGN_OR_RETURN(StatementRef statement,
                      connection_.Prepare(lock_reads_ ? kSelectApplicationForUpdate : kSelectApplication));
  TB_RETURN_IF_ERROR(Binder(*statement).Text(id).status());
  TB_ASSIGN_OR_RETURN(const bool row, statement->Step());
  if (!row) return MakeError(ErrorCode::kNotFound, "error.application.not_found");
  return ReadApplication(*statement);
}

// kConflict when the stored version is not app.version - 1; kNotFound when there is no row.
Status SqlTransaction::UpdateApplication(const Application& app) {
  TB_RETURN_IF_ERROR(RequireWritable());
  TB_ASSIGN_OR_RETURN(const std::string fields, FieldsJson(app.fields));
  TB_ASSIGN_OR_RETURN(const std::string materials, MaterialsJson(app.materials));
  {
    TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kUpdateApplication));
    Binder binder(*statement);
    TB_RETURN_IF_ERROR(
        BindApplicationColumns(binder, app, fields, materials).Text(app.id).Int(app.version - 1).status());
    TB_RETURN_IF_ERROR(RunToEnd(*statement));
    if (statement->RowsChanged() > 0) return Ok();
  }
  TB_ASSIGN_OR_RETURN(StatementRef exists, connection_.Prepare(kApplicationExists));
  TB_RETURN_IF_ERROR(Binder(*exists).Text(app.id).status());
  TB_ASSIGN_OR_RETURN(const bool found, exists->Step());
  if (!found) return MakeError(ErrorCode::kNotFound, "error.application.not_found");
  return MakeError(ErrorCode::kConflict, "error.application.changed");
}

Result<ports::ApplicationPage> SqlTransaction::ListApplications(const ports::ApplicationQuery& query) {
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

Status SqlTransaction::InsertEvent(const Event& event) {
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

Result<std::vector<Event>> SqlTransaction::ListEvents(const std::string& application_id) {
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

Result<int64_t> SqlTransaction::LatestCatalogueVersion() {
  TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(kLatestCatalogueVersion));
  TB_ASSIGN_OR_RETURN(const bool row, statement->Step());
  if (!row) return int64_t{0};
  Columns c(*statement);
  return c.OptionalInt().value_or(0);
}

Result<ports::CatalogueVersion> SqlTransaction::GetCatalogueVersion(int64_t version) {
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

Status SqlTransaction::InsertCatalogueVersion(const ports::CatalogueVersion& v) {
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

Status SqlTransaction::PutBlob(const ports::Blob& blob) {
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

Result<ports::Blob> SqlTransaction::GetBlob(const std::string& sha256) {
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

Result<int64_t> SqlTransaction::DeleteBatch(std::string_view sql, Timestamp before, int limit) {
  TB_RETURN_IF_ERROR(RequireWritable());
  TB_ASSIGN_OR_RETURN(StatementRef statement, connection_.Prepare(sql));
  TB_RETURN_IF_ERROR(Binder(*statement).Int(Seconds(before)).Int(limit).status());
  TB_RETURN_IF_ERROR(RunToEnd(*statement));
  return statement->RowsChanged();
}

Status SqlTransaction::RequireWritable() const {
  if (writable_) return Ok();
  return MakeError(ErrorCode::kInternal, "a write method was called inside Store::Read: use Store::Write");
}

Result<User> SqlTransaction::SelectUser(std::string_view sql, const std::string& key) {
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

}  // namespace tongban::storage
