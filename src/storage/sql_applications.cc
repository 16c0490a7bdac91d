#include "storage/sql_applications.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace tongban::storage {
namespace {

using domain::Application;
using domain::Event;

#define TB_APPLICATION_COLUMNS                                                                             \
  "id, item, department, applicant_user_id, person_id, enterprise, channel, centre, state, fields, materials," \
  " created_at, updated_at, submitted_at, deadline, version, catalogue_version"
constexpr std::string_view kApplicationColumns = TB_APPLICATION_COLUMNS;
#define TB_SELECT_APPLICATION "SELECT " TB_APPLICATION_COLUMNS " FROM applications WHERE id = $1"
constexpr std::string_view kSelectApplication = TB_SELECT_APPLICATION;
constexpr std::string_view kSelectApplicationForUpdate = TB_SELECT_APPLICATION " FOR UPDATE";
#undef TB_SELECT_APPLICATION
#undef TB_APPLICATION_COLUMNS
// The insert and the update list the columns both write first and in the same order ($1 to $14),
// so one binder serves both (BindApplicationColumns); the insert then adds what never changes: id,
// created_at and the catalogue version it was made under.
constexpr std::string_view kInsertApplication =
    "INSERT INTO applications (item, department, applicant_user_id, person_id, enterprise, channel, centre, state,"
    " fields, materials, updated_at, submitted_at, deadline, version, id, created_at, catalogue_version)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)";
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
  app.catalogue_version = c.Int();
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

Result<Event> ReadEvent(Statement& statement) {
  Columns c(statement);
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
  return event;
}

}  // namespace

Status SqlApplications::InsertApplication(const Application& app) {
  TB_ASSIGN_OR_RETURN(const std::string fields, FieldsJson(app.fields));
  TB_ASSIGN_OR_RETURN(const std::string materials, MaterialsJson(app.materials));
  return sql_.Run(kInsertApplication, [&](Binder& b) {
    BindApplicationColumns(b, app, fields, materials).Text(app.id).Int(Seconds(app.created_at)).Int(app.catalogue_version);
  });
}

Result<Application> SqlApplications::GetApplication(const std::string& id) {
  return sql_.One<Application>(sql_.lock_reads() ? kSelectApplicationForUpdate : kSelectApplication,
                               [&](Binder& b) { b.Text(id); }, "error.application.not_found", ReadApplication);
}

// kConflict when the stored version is not app.version - 1; kNotFound when there is no row.
Status SqlApplications::UpdateApplication(const Application& app) {
  TB_ASSIGN_OR_RETURN(const std::string fields, FieldsJson(app.fields));
  TB_ASSIGN_OR_RETURN(const std::string materials, MaterialsJson(app.materials));
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kUpdateApplication, [&](Binder& b) {
    BindApplicationColumns(b, app, fields, materials).Text(app.id).Int(app.version - 1);
  }));
  if (changed > 0) return Ok();
  TB_ASSIGN_OR_RETURN(const std::vector<int64_t> exists,
                      sql_.All<int64_t>(kApplicationExists, [&](Binder& b) { b.Text(app.id); },
                                        [](Statement&) -> Result<int64_t> { return int64_t{1}; }));
  if (exists.empty()) return MakeError(ErrorCode::kNotFound, "error.application.not_found");
  return MakeError(ErrorCode::kConflict, "error.application.changed");
}

Result<ports::ApplicationPage> SqlApplications::ListApplications(const ports::ApplicationQuery& query) {
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
  const int limit = std::clamp(query.limit, 1, ports::kMaxPageSize);

  // One SQL text per combination of filters, each prepared once and cached. An item list gives
  // one text per length, at most the number of enterprise items in the catalogue (the service
  // dedupes a grant's items). The scope's index (scope, id) serves every filter, walking newest
  // first and skipping the rows a filter leaves out (department, state, id serves a state filter).
  std::string sql = "SELECT ";
  sql += kApplicationColumns;
  sql += " FROM applications WHERE ";
  sql += scope->column;
  sql += " = $1";
  int parameter = 1;
  const auto next = [&] { return " = $" + std::to_string(++parameter); };
  if (query.state) sql += " AND state" + next();
  if (!query.item.empty()) sql += " AND item" + next();
  if (!query.items.empty()) {
    sql += " AND item IN (";
    for (size_t i = 0; i < query.items.size(); ++i) sql += (i == 0 ? "$" : ", $") + std::to_string(++parameter);
    sql += ")";
  }
  if (query.exclude_drafts) sql += " AND state <> $" + std::to_string(++parameter);
  if (cursor) sql += " AND id < $" + std::to_string(++parameter);
  sql += " ORDER BY id DESC LIMIT $" + std::to_string(++parameter);

  TB_ASSIGN_OR_RETURN(StatementRef statement, sql_.connection().Prepare(sql));
  Binder binder(*statement);
  binder.Text(*scope->value);
  if (query.state) binder.Text(domain::StateName(*query.state));
  if (!query.item.empty()) binder.Text(query.item);
  for (const std::string& item : query.items) binder.Text(item);
  if (query.exclude_drafts) binder.Text(domain::StateName(domain::ApplicationState::kDraft));
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

Status SqlApplications::InsertEvent(const Event& event) {
  return sql_.Run(kInsertEvent, [&](Binder& b) {
    b.Text(event.id)
        .Text(event.application_id)
        .Int(event.seq)
        .Text(event.action)
        .Text(domain::StateName(event.from))
        .Text(domain::StateName(event.to))
        .Text(event.actor_user_id)
        .Text(event.actor_role)
        .Text(domain::ChannelName(event.channel))
        .Int(Seconds(event.at))
        .Text(event.reason);
  });
}

Result<std::vector<Event>> SqlApplications::ListEvents(const std::string& application_id) {
  return sql_.All<Event>(kSelectEvents, [&](Binder& b) { b.Text(application_id); }, ReadEvent);
}

}  // namespace tongban::storage
