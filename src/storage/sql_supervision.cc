#include "storage/sql_supervision.h"

#include <algorithm>
#include <string_view>

namespace tongban::storage {
namespace {

// The record's row, its recorder's name (the user's or the key's) and the newest record that
// corrects it (through supervision_records_corrects).
#define TB_SUPERVISION_SELECT                                                                               \
  "SELECT r.id, r.credit_code, r.kind, r.record_date, r.summary, r.result, r.rule, r.amount_fen,"           \
  " r.decision_number, r.credit_level, COALESCE(r.corrects, ''), r.department, r.recorded_by_kind,"         \
  " r.recorded_by, r.recorded_at,"                                                                          \
  " COALESCE(CASE WHEN r.recorded_by_kind = 'user' THEN u.display_name ELSE k.name END, ''),"               \
  " COALESCE((SELECT c.id FROM supervision_records c WHERE c.corrects = r.id"                               \
  " ORDER BY c.recorded_at DESC, c.id DESC LIMIT 1), '')"                                                   \
  " FROM supervision_records r"                                                                             \
  " LEFT JOIN users u ON r.recorded_by_kind = 'user' AND u.id = r.recorded_by"                              \
  " LEFT JOIN api_keys k ON r.recorded_by_kind = 'api_key' AND k.id = r.recorded_by"
// Records nobody corrected (through supervision_records_corrects).
#define TB_NOT_CORRECTED " AND NOT EXISTS (SELECT 1 FROM supervision_records c WHERE c.corrects = r.id)"

constexpr std::string_view kInsert =
    "INSERT INTO supervision_records (id, credit_code, kind, record_date, summary, result, rule, amount_fen,"
    " decision_number, credit_level, corrects, department, recorded_by_kind, recorded_by, recorded_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
constexpr std::string_view kGet = TB_SUPERVISION_SELECT " WHERE r.id = $1";
// Through supervision_records_enterprise, newest first.
constexpr std::string_view kListFirst =
    TB_SUPERVISION_SELECT " WHERE r.credit_code = $1 ORDER BY r.record_date DESC, r.id DESC LIMIT $2";
constexpr std::string_view kListAfter =
    TB_SUPERVISION_SELECT
    " WHERE r.credit_code = $1 AND (r.record_date < $3 OR (r.record_date = $3 AND r.id < $4))"
    " ORDER BY r.record_date DESC, r.id DESC LIMIT $2";
// Through supervision_records_enterprise: one enterprise's records of a few years.
constexpr std::string_view kCounts =
    "SELECT r.kind, COUNT(*) FROM supervision_records r WHERE r.credit_code = $1 AND r.record_date >= $2"
    TB_NOT_CORRECTED " GROUP BY r.kind";
// Through supervision_records_enterprise_kind: the newest of a kind (credit levels of any age).
constexpr std::string_view kNewestOfKind =
    TB_SUPERVISION_SELECT " WHERE r.credit_code = $1 AND r.kind = $2 AND r.record_date >= $3" TB_NOT_CORRECTED
                          " ORDER BY r.record_date DESC, r.id DESC LIMIT 1";
#undef TB_SUPERVISION_SELECT
#undef TB_NOT_CORRECTED

#define TB_API_KEY_SELECT                                                                                    \
  "SELECT id, key_hash, name, department, scope, created_by, created_at, COALESCE(revoked_by, ''), revoked_at" \
  " FROM api_keys"
constexpr std::string_view kInsertKey =
    "INSERT INTO api_keys (id, key_hash, name, department, scope, created_by, created_at, revoked_by, revoked_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL)";
constexpr std::string_view kGetKey = TB_API_KEY_SELECT " WHERE id = $1";
// Through the unique index on key_hash.
constexpr std::string_view kFindKey = TB_API_KEY_SELECT " WHERE key_hash = $1";
constexpr std::string_view kRevokeKey =
    "UPDATE api_keys SET revoked_by = $2, revoked_at = $3 WHERE id = $1 AND revoked_at IS NULL";
// Through api_keys_created.
constexpr std::string_view kListKeys = TB_API_KEY_SELECT " ORDER BY created_at DESC, id DESC LIMIT $1";
#undef TB_API_KEY_SELECT

Result<domain::SupervisionRecord> ReadRecord(Statement& statement) {
  Columns c(statement);
  domain::SupervisionRecord r;
  r.id = c.Text();
  r.credit_code = c.Text();
  const std::string kind = c.Text();
  const auto parsed_kind = domain::ParseSupervisionKind(kind);
  if (!parsed_kind) return MakeError(ErrorCode::kInternal, "supervision_records.kind: " + kind);
  r.kind = *parsed_kind;
  const std::string date = c.Text();
  const auto parsed_date = ParseIsoDate(date);
  if (!parsed_date) return MakeError(ErrorCode::kInternal, "supervision_records.record_date: " + date);
  r.date = *parsed_date;
  r.summary = c.Text();
  const std::string result = c.Text();
  if (!result.empty()) {
    r.result = domain::ParseInspectionResult(result);
    if (!r.result) return MakeError(ErrorCode::kInternal, "supervision_records.result: " + result);
  }
  r.rule = c.Text();
  r.amount_fen = c.OptionalInt();
  r.decision_number = c.Text();
  r.credit_level = c.Text();
  r.corrects = c.Text();
  r.department = c.Text();
  const std::string by_kind = c.Text();
  const auto parsed_by = domain::ParseRecorderKind(by_kind);
  if (!parsed_by) return MakeError(ErrorCode::kInternal, "supervision_records.recorded_by_kind: " + by_kind);
  r.recorded_by_kind = *parsed_by;
  r.recorded_by = c.Text();
  r.recorded_at = FromSeconds(c.Int());
  r.recorded_by_name = c.Text();
  r.corrected_by = c.Text();
  return r;
}

Result<ports::ApiKey> ReadKey(Statement& statement) {
  Columns c(statement);
  ports::ApiKey k;
  k.id = c.Text();
  k.key_hash = c.Text();
  k.name = c.Text();
  k.department = c.Text();
  k.scope = c.Text();
  k.created_by = c.Text();
  k.created_at = FromSeconds(c.Int());
  k.revoked_by = c.Text();
  if (const auto at = c.OptionalInt()) k.revoked_at = FromSeconds(*at);
  return k;
}

}  // namespace

Status SqlSupervision::InsertSupervisionRecord(const domain::SupervisionRecord& r) {
  return sql_.Run(kInsert, [&](Binder& b) {
    b.Text(r.id)
        .Text(r.credit_code)
        .Text(domain::SupervisionKindName(r.kind))
        .Text(FormatIsoDate(r.date))
        .Text(r.summary)
        .Text(r.result ? domain::InspectionResultName(*r.result) : "")
        .Text(r.rule)
        .OptionalInt(r.amount_fen)
        .Text(r.decision_number)
        .Text(r.credit_level)
        .OptionalText(r.corrects)
        .Text(r.department)
        .Text(domain::RecorderKindName(r.recorded_by_kind))
        .Text(r.recorded_by)
        .Int(Seconds(r.recorded_at));
  });
}

Result<domain::SupervisionRecord> SqlSupervision::GetSupervisionRecord(const std::string& id) {
  return sql_.One<domain::SupervisionRecord>(kGet, [&](Binder& b) { b.Text(id); }, "error.supervision.not_found",
                                             ReadRecord);
}

Result<std::vector<domain::SupervisionRecord>> SqlSupervision::ListSupervisionRecords(
    const std::string& credit_code, const ports::SupervisionCursor& cursor, int limit) {
  const int n = std::clamp(limit, 1, ports::kMaxSupervisionPage);
  if (cursor.id.empty()) {
    return sql_.All<domain::SupervisionRecord>(kListFirst, [&](Binder& b) { b.Text(credit_code).Int(n); },
                                               ReadRecord);
  }
  return sql_.All<domain::SupervisionRecord>(
      kListAfter, [&](Binder& b) { b.Text(credit_code).Int(n).Text(FormatIsoDate(cursor.date)).Text(cursor.id); },
      ReadRecord);
}

Result<domain::SupervisionSummary> SqlSupervision::SummariseSupervision(const std::string& credit_code, Date since) {
  domain::SupervisionSummary out;
  out.credit_code = credit_code;
  out.since = since;
  struct Count {
    std::string kind;
    int64_t n = 0;
  };
  TB_ASSIGN_OR_RETURN(const auto counts,
                      sql_.All<Count>(kCounts, [&](Binder& b) { b.Text(credit_code).Text(FormatIsoDate(since)); },
                                      [](Statement& st) -> Result<Count> {
                                        Columns c(st);
                                        Count row;
                                        row.kind = c.Text();
                                        row.n = c.Int();
                                        return row;
                                      }));
  for (const auto& row : counts) {
    const auto kind = domain::ParseSupervisionKind(row.kind);
    if (!kind) return MakeError(ErrorCode::kInternal, "supervision_records.kind: " + row.kind);
    const int n = static_cast<int>(row.n);
    switch (*kind) {
      case domain::SupervisionKind::kInspection: out.inspections = n; break;
      case domain::SupervisionKind::kViolation: out.violations = n; break;
      case domain::SupervisionKind::kPenalty: out.penalties = n; break;
      case domain::SupervisionKind::kCredit: out.credits = n; break;
    }
  }
  const auto newest = [&](domain::SupervisionKind kind, Date from) -> Result<std::optional<domain::SupervisionRecord>> {
    TB_ASSIGN_OR_RETURN(auto rows, sql_.All<domain::SupervisionRecord>(
                                       kNewestOfKind,
                                       [&](Binder& b) {
                                         b.Text(credit_code).Text(domain::SupervisionKindName(kind)).Text(FormatIsoDate(from));
                                       },
                                       ReadRecord));
    if (rows.empty()) return std::optional<domain::SupervisionRecord>();
    return std::optional<domain::SupervisionRecord>(std::move(rows.front()));
  };
  // The current credit level is the newest, however old; the latest violation within the window.
  TB_ASSIGN_OR_RETURN(out.credit, newest(domain::SupervisionKind::kCredit, Date{1, 1, 1}));
  TB_ASSIGN_OR_RETURN(out.latest_violation, newest(domain::SupervisionKind::kViolation, since));
  return out;
}

Status SqlSupervision::InsertApiKey(const ports::ApiKey& k) {
  return sql_.Run(kInsertKey, [&](Binder& b) {
    b.Text(k.id).Text(k.key_hash).Text(k.name).Text(k.department).Text(k.scope).Text(k.created_by).Int(
        Seconds(k.created_at));
  });
}

Result<ports::ApiKey> SqlSupervision::GetApiKey(const std::string& id) {
  return sql_.One<ports::ApiKey>(kGetKey, [&](Binder& b) { b.Text(id); }, "error.api_key.not_found", ReadKey);
}

Result<ports::ApiKey> SqlSupervision::FindApiKeyByHash(const std::string& key_hash) {
  return sql_.One<ports::ApiKey>(kFindKey, [&](Binder& b) { b.Text(key_hash); }, "error.api_key.invalid", ReadKey);
}

Result<bool> SqlSupervision::RevokeApiKey(const std::string& id, const std::string& by, Timestamp at) {
  TB_ASSIGN_OR_RETURN(const int64_t changed,
                      sql_.Execute(kRevokeKey, [&](Binder& b) { b.Text(id).Text(by).Int(Seconds(at)); }));
  return changed > 0;
}

Result<std::vector<ports::ApiKey>> SqlSupervision::ListApiKeys(int limit) {
  const int n = std::clamp(limit, 1, ports::kMaxSupervisionPage);
  return sql_.All<ports::ApiKey>(kListKeys, [&](Binder& b) { b.Int(n); }, ReadKey);
}

}  // namespace tongban::storage
