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
  " created_at, updated_at, submitted_at, deadline, version, catalogue_version, reference, applicant_name,"     \
  " assignee_user_id, pilot"
constexpr std::string_view kApplicationColumns = TB_APPLICATION_COLUMNS;
#define TB_SELECT_APPLICATION "SELECT " TB_APPLICATION_COLUMNS " FROM applications WHERE id = $1"
constexpr std::string_view kSelectApplication = TB_SELECT_APPLICATION;
constexpr std::string_view kSelectApplicationForUpdate = TB_SELECT_APPLICATION " FOR UPDATE";
#undef TB_SELECT_APPLICATION
// The insert and the update list the columns both write first and in the same order ($1 to $15),
// so one binder serves both (BindApplicationColumns); the insert then adds what never changes: id,
// created_at, the catalogue version it was made under, its reference number and applicant's name.
constexpr std::string_view kInsertApplication =
    "INSERT INTO applications (item, department, applicant_user_id, person_id, enterprise, channel, centre, state,"
    " fields, materials, updated_at, submitted_at, deadline, version, assignee_user_id, id, created_at,"
    " catalogue_version, reference, applicant_name, pilot)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)";
// The version check is in the WHERE clause, so a concurrent writer cannot slip in between.
constexpr std::string_view kUpdateApplication =
    "UPDATE applications SET item = $1, department = $2, applicant_user_id = $3, person_id = $4, enterprise = $5,"
    " channel = $6, centre = $7, state = $8, fields = $9, materials = $10, updated_at = $11, submitted_at = $12,"
    " deadline = $13, version = $14, assignee_user_id = $15 WHERE id = $16 AND version = $17";
constexpr std::string_view kApplicationExists = "SELECT 1 FROM applications WHERE id = $1";
constexpr std::string_view kSelectApplicationByReference =
    "SELECT " TB_APPLICATION_COLUMNS " FROM applications WHERE reference = $1";
// The unique index on reference holds the NULLs too, so this finds the rows to backfill directly.
constexpr std::string_view kSelectWithoutReference =
    "SELECT " TB_APPLICATION_COLUMNS " FROM applications WHERE reference IS NULL ORDER BY id LIMIT $1";
constexpr std::string_view kSetReference =
    "UPDATE applications SET reference = $2, applicant_name = COALESCE(applicant_name, $3)"
    " WHERE id = $1 AND reference IS NULL";
// Increments and answers the day's counter in one statement: the row lock (PostgreSQL) or the
// single writer (SQLite) orders concurrent creators.
constexpr std::string_view kNextReferenceSequence =
    "INSERT INTO reference_counters (day, last) VALUES ($1, 1)"
    " ON CONFLICT (day) DO UPDATE SET last = reference_counters.last + 1 RETURNING last";

constexpr std::string_view kInsertEvent =
    "INSERT INTO events (id, application_id, seq, action, from_state, to_state, actor_user_id, actor_role,"
    " channel, at, reason, assisted_by, assisted_name, assisted_centre)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
constexpr std::string_view kSelectEvents =
    "SELECT id, application_id, seq, action, from_state, to_state, actor_user_id, actor_role, channel, at, reason,"
    " assisted_by, assisted_name, assisted_centre FROM events WHERE application_id = $1 ORDER BY seq";
#undef TB_APPLICATION_COLUMNS

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
  app.reference = c.Text();
  app.applicant_name = c.Text();
  app.assignee_user_id = c.Text();
  app.pilot = c.Text();
  return app;
}

// Binds $1 to $15, the columns InsertApplication and UpdateApplication both write, in the order
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
      .Int(app.version)
      .OptionalText(app.assignee_user_id);
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
  event.assisted_by = c.Text();
  event.assisted_name = c.Text();
  event.assisted_centre = c.Text();
  return event;
}

}  // namespace

Status SqlApplications::InsertApplication(const Application& app) {
  TB_ASSIGN_OR_RETURN(const std::string fields, FieldsJson(app.fields));
  TB_ASSIGN_OR_RETURN(const std::string materials, MaterialsJson(app.materials));
  return sql_.Run(kInsertApplication, [&](Binder& b) {
    BindApplicationColumns(b, app, fields, materials)
        .Text(app.id)
        .Int(Seconds(app.created_at))
        .Int(app.catalogue_version)
        .OptionalText(app.reference)
        .OptionalText(app.applicant_name)
        .Text(app.pilot);
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
  // Newest first: the token is the last id. By deadline: "deadline|id" of the last row.
  std::optional<std::string> cursor;
  std::string cursor_deadline;
  if (!query.page_token.empty()) {
    cursor = DecodePageToken(query.page_token);
    if (!cursor) return MakeError(ErrorCode::kInvalidArgument, "error.page_token.invalid");
    if (query.by_deadline) {
      const size_t bar = cursor->find('|');
      if (bar == std::string::npos || !ParseIsoDate(cursor->substr(0, bar))) {
        return MakeError(ErrorCode::kInvalidArgument, "error.page_token.invalid");
      }
      cursor_deadline = cursor->substr(0, bar);
      cursor->erase(0, bar + 1);
    }
  }
  const int limit = std::clamp(query.limit, 1, ports::kMaxPageSize);
  // A name prefix is one range of the bytewise applicant_name index: [prefix, prefix + U+10FFFF).
  const std::string name_end = query.name_prefix + "\xF4\x8F\xBF\xBF";

  // One SQL text per combination of filters, each prepared once and cached. An item list gives
  // one text per length, at most the number of enterprise items in the catalogue (the service
  // dedupes a grant's items). The scope's index (scope, id) serves every filter, walking newest
  // first and skipping the rows a filter leaves out (department, state, id serves a state filter).
  // By deadline the workbench's indexes serve: (scope, deadline, id), (department, state,
  // deadline, id), (assignee, deadline, id); a person or a name prefix narrows to that applicant's
  // few rows through (person_id, id) or (scope, applicant_name, id) first.
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
  if (query.exclude_drafts) {
    // Drafts and offers (benefits without applying) are their applicants' until submitted.
    sql += " AND state NOT IN ($" + std::to_string(parameter + 1) + ", $" + std::to_string(parameter + 2) + ")";
    parameter += 2;
  }
  if (!query.person_filter.empty()) sql += " AND person_id" + next();
  if (!query.assignee_user_id.empty()) sql += " AND assignee_user_id" + next();
  if (!query.name_prefix.empty()) {
    sql += " AND applicant_name >= $" + std::to_string(++parameter);
    sql += " AND applicant_name < $" + std::to_string(++parameter);
  }
  if (query.by_deadline) {
    sql += " AND deadline IS NOT NULL";
    if (cursor) {
      sql += " AND (deadline, id) > ($" + std::to_string(parameter + 1) + ", $" + std::to_string(parameter + 2) + ")";
      parameter += 2;
    }
    sql += " ORDER BY deadline, id LIMIT $" + std::to_string(++parameter);
  } else {
    if (cursor) sql += " AND id < $" + std::to_string(++parameter);
    sql += " ORDER BY id DESC LIMIT $" + std::to_string(++parameter);
  }

  TB_ASSIGN_OR_RETURN(StatementRef statement, sql_.connection().Prepare(sql));
  Binder binder(*statement);
  binder.Text(*scope->value);
  if (query.state) binder.Text(domain::StateName(*query.state));
  if (!query.item.empty()) binder.Text(query.item);
  for (const std::string& item : query.items) binder.Text(item);
  if (query.exclude_drafts) {
    binder.Text(domain::StateName(domain::ApplicationState::kDraft))
        .Text(domain::StateName(domain::ApplicationState::kOffered));
  }
  if (!query.person_filter.empty()) binder.Text(query.person_filter);
  if (!query.assignee_user_id.empty()) binder.Text(query.assignee_user_id);
  if (!query.name_prefix.empty()) binder.Text(query.name_prefix).Text(name_end);
  if (cursor && query.by_deadline) binder.Text(cursor_deadline);
  if (cursor) binder.Text(*cursor);
  binder.Int(limit + 1);  // one more tells whether there is a next page
  TB_RETURN_IF_ERROR(binder.status());

  ports::ApplicationPage page;
  while (true) {
    TB_ASSIGN_OR_RETURN(const bool row, statement->Step());
    if (!row) break;
    if (static_cast<int>(page.applications.size()) == limit) {
      const Application& last = page.applications.back();
      page.next_page_token =
          EncodePageToken(query.by_deadline && last.deadline ? FormatIsoDate(*last.deadline) + "|" + last.id : last.id);
      break;
    }
    TB_ASSIGN_OR_RETURN(Application app, ReadApplication(*statement));
    page.applications.push_back(std::move(app));
  }
  return page;
}

Result<Application> SqlApplications::GetApplicationByReference(const std::string& reference) {
  return sql_.One<Application>(kSelectApplicationByReference, [&](Binder& b) { b.Text(reference); },
                               "error.application.not_found", ReadApplication);
}

Result<int64_t> SqlApplications::NextReferenceSequence(Date day) {
  TB_RETURN_IF_ERROR(sql_.RequireWritable());
  return sql_.One<int64_t>(kNextReferenceSequence, [&](Binder& b) { b.Text(FormatIsoDate(day)); },
                           "reference counter not returned",
                           [](Statement& statement) -> Result<int64_t> { return statement.ColumnInt64(0); });
}

Result<std::vector<Application>> SqlApplications::ListWithoutReference(int limit) {
  return sql_.All<Application>(kSelectWithoutReference, [&](Binder& b) { b.Int(std::max(1, limit)); }, ReadApplication);
}

Status SqlApplications::SetReference(const std::string& id, const std::string& reference,
                                     const std::string& applicant_name) {
  return sql_.Run(kSetReference, [&](Binder& b) { b.Text(id).Text(reference).OptionalText(applicant_name); });
}

Result<ports::QueueCounts> SqlApplications::CountQueue(const ports::ApplicationQuery& query, Date today, Date due_by) {
  std::string_view column;
  const std::string* value = nullptr;
  if (!query.department.empty()) {
    column = "department";
    value = &query.department;
  } else if (!query.centre.empty()) {
    column = "centre";
    value = &query.centre;
  } else {
    return MakeError(ErrorCode::kInvalidArgument, "a queue count needs a department or a centre");
  }
  // Only the waiting states: a range of (scope, state, deadline) per state, never the scope's
  // whole history.
  std::string sql =
      "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN deadline < $2 THEN 1 ELSE 0 END), 0) AS BIGINT),"
      " CAST(COALESCE(SUM(CASE WHEN deadline >= $2 AND deadline <= $3 THEN 1 ELSE 0 END), 0) AS BIGINT)"
      " FROM applications WHERE ";
  sql += column;
  sql += " = $1 AND state IN ($4, $5, $6)";
  return sql_.One<ports::QueueCounts>(
      sql,
      [&](Binder& b) {
        b.Text(*value)
            .Text(FormatIsoDate(today))
            .Text(FormatIsoDate(due_by))
            .Text(domain::StateName(domain::ApplicationState::kSubmitted))
            .Text(domain::StateName(domain::ApplicationState::kAccepted))
            .Text(domain::StateName(domain::ApplicationState::kUnderReview));
      },
      "no count", [](Statement& statement) -> Result<ports::QueueCounts> {
        ports::QueueCounts counts;
        counts.waiting = statement.ColumnInt64(0);
        counts.overdue = statement.ColumnInt64(1);
        counts.due_soon = statement.ColumnInt64(2);
        return counts;
      });
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
        .Text(event.reason)
        .Text(event.assisted_by)
        .Text(event.assisted_name)
        .Text(event.assisted_centre);
  });
}

Result<std::vector<Event>> SqlApplications::ListEvents(const std::string& application_id) {
  return sql_.All<Event>(kSelectEvents, [&](Binder& b) { b.Text(application_id); }, ReadEvent);
}

}  // namespace tongban::storage
