#include "storage/sql_sessions.h"

#include <string>
#include <string_view>

namespace tongban::storage {
namespace {

using domain::Session;

constexpr std::string_view kInsertSession =
    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, kind) VALUES ($1, $2, $3, $4, $5,"
    " $6)";
constexpr std::string_view kSelectSession =
    "SELECT token_hash, user_id, csrf_token, created_at, expires_at, acting_enterprise, kind FROM sessions"
    " WHERE token_hash = $1";
constexpr std::string_view kUpdateActingEnterprise =
    "UPDATE sessions SET acting_enterprise = $1 WHERE token_hash = $2";
constexpr std::string_view kTouchSession = "UPDATE sessions SET expires_at = $1 WHERE token_hash = $2";
constexpr std::string_view kDeleteSession = "DELETE FROM sessions WHERE token_hash = $1";

constexpr std::string_view kInsertLoginFailure = "INSERT INTO login_failures (key, at) VALUES ($1, $2)";
constexpr std::string_view kCountThrottleHits =
    "SELECT COUNT(*), MAX(at) FROM login_failures WHERE key = $1 AND at >= $2";
constexpr std::string_view kDeleteLoginFailures = "DELETE FROM login_failures WHERE key = $1";
// Batched by a sub-select: DELETE ... LIMIT is not portable.
constexpr std::string_view kDeleteExpiredSessions =
    "DELETE FROM sessions WHERE token_hash IN (SELECT token_hash FROM sessions WHERE expires_at < $1 LIMIT $2)";
constexpr std::string_view kDeleteOldLoginFailures =
    "DELETE FROM login_failures WHERE at IN (SELECT at FROM login_failures WHERE at < $1 ORDER BY at LIMIT $2) "
    "AND at < $1";

Result<Session> ReadSession(Statement& statement) {
  Columns c(statement);
  Session session;
  session.token_hash = c.Text();
  session.user_id = c.Text();
  session.csrf_token = c.Text();
  session.created_at = FromSeconds(c.Int());
  session.expires_at = FromSeconds(c.Int());
  session.acting_enterprise = c.Text();
  session.kind = c.Text();
  return session;
}

}  // namespace

Status SqlSessions::InsertSession(const Session& session) {
  return sql_.Run(kInsertSession, [&](Binder& b) {
    b.Text(session.token_hash)
        .Text(session.user_id)
        .Text(session.csrf_token)
        .Int(Seconds(session.created_at))
        .Int(Seconds(session.expires_at))
        .OptionalText(session.kind);
  });
}

Result<Session> SqlSessions::GetSession(const std::string& token_hash) {
  return sql_.One<Session>(kSelectSession, [&](Binder& b) { b.Text(token_hash); }, "error.session.not_found",
                           ReadSession);
}

// Deleting a session that is not there is not an error: logging out twice is fine.
Status SqlSessions::DeleteSession(const std::string& token_hash) {
  return sql_.Run(kDeleteSession, [&](Binder& b) { b.Text(token_hash); });
}

Status SqlSessions::SetActingEnterprise(const std::string& token_hash, const std::string& enterprise) {
  return sql_.Run(kUpdateActingEnterprise, [&](Binder& b) { b.OptionalText(enterprise).Text(token_hash); });
}

Status SqlSessions::TouchSession(const std::string& token_hash, Timestamp expires_at) {
  return sql_.Run(kTouchSession, [&](Binder& b) { b.Int(Seconds(expires_at)).Text(token_hash); });
}

Status SqlSessions::RecordThrottleHit(const std::string& key, Timestamp at) {
  // The table also refuses it (V005's CHECK); refusing here keeps the text out of the driver's error.
  if (key.size() > ports::kMaxLoginFailureKey) return MakeError(ErrorCode::kInvalidArgument, "error.login.too_long");
  return sql_.Run(kInsertLoginFailure, [&](Binder& b) { b.Text(key).Int(Seconds(at)); });
}

// Failures at or after `since`, and the newest of them.
Result<ports::ThrottleCount> SqlSessions::CountThrottleHits(const std::string& key, Timestamp since) {
  return sql_.One<ports::ThrottleCount>(
      kCountThrottleHits, [&](Binder& b) { b.Text(key).Int(Seconds(since)); }, "a COUNT answered no row",
      [](Statement& s) -> Result<ports::ThrottleCount> {
        ports::ThrottleCount out;
        out.count = static_cast<int>(s.ColumnInt64(0));
        if (!s.ColumnIsNull(1)) out.latest = FromSeconds(s.ColumnInt64(1));
        return out;
      });
}

Status SqlSessions::ClearThrottleHits(const std::string& key) {
  return sql_.Run(kDeleteLoginFailures, [&](Binder& b) { b.Text(key); });
}

Result<int64_t> SqlSessions::DeleteExpiredSessions(Timestamp before, int limit) {
  return DeleteBatch(sql_, kDeleteExpiredSessions, before, limit);
}

Result<int64_t> SqlSessions::DeleteThrottleHitsBefore(Timestamp before, int limit) {
  return DeleteBatch(sql_, kDeleteOldLoginFailures, before, limit);
}

}  // namespace tongban::storage
