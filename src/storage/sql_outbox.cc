#include "storage/sql_outbox.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

namespace tongban::storage {
namespace {

using ports::OutboxMessage;
using ports::OutboxState;

#define TB_OUTBOX_COLUMNS \
  "id, kind, dedupe_key, payload, created_at, next_attempt_at, attempts, state, last_error, sent_at"
constexpr std::string_view kInsertMessage =
    "INSERT INTO outbox (id, kind, dedupe_key, payload, created_at, next_attempt_at, attempts, state, last_error)"
    " VALUES ($1, $2, $3, $4, $5, $6, 0, 'pending', '') ON CONFLICT (dedupe_key) DO NOTHING";
// Due, pending and not under a live lease, oldest first. On PostgreSQL the candidates are locked
// and rows another claimer holds are skipped, so concurrent claimers never take the same message;
// SQLite's single writer serialises claimers by itself.
#define TB_CLAIM_HEAD                                                                         \
  "UPDATE outbox SET claimed_by = $1, claimed_until = $2 WHERE id IN (SELECT id FROM outbox" \
  " WHERE state = 'pending' AND next_attempt_at <= $3 AND (claimed_until IS NULL OR claimed_until <= $3)" \
  " ORDER BY next_attempt_at LIMIT $4"
constexpr std::string_view kClaim = TB_CLAIM_HEAD ") RETURNING " TB_OUTBOX_COLUMNS;
constexpr std::string_view kClaimSkipLocked = TB_CLAIM_HEAD " FOR UPDATE SKIP LOCKED) RETURNING " TB_OUTBOX_COLUMNS;
#undef TB_CLAIM_HEAD
constexpr std::string_view kFinish =
    "UPDATE outbox SET state = $3, attempts = attempts + 1, next_attempt_at = $4, last_error = $5, sent_at = $6,"
    " claimed_by = NULL, claimed_until = NULL WHERE id = $1 AND claimed_by = $2";
constexpr std::string_view kSelectMessage = "SELECT " TB_OUTBOX_COLUMNS " FROM outbox WHERE id = $1";
#undef TB_OUTBOX_COLUMNS
constexpr std::string_view kDeleteSent =
    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE state = 'sent' AND sent_at < $1 LIMIT $2)";

Result<OutboxMessage> ReadMessage(Statement& statement) {
  Columns c(statement);
  OutboxMessage m;
  m.id = c.Text();
  m.kind = c.Text();
  m.dedupe_key = c.Text();
  m.payload = c.Text();
  m.created_at = FromSeconds(c.Int());
  m.next_attempt_at = FromSeconds(c.Int());
  m.attempts = static_cast<int>(c.Int());
  const std::string state = c.Text();
  const std::optional<OutboxState> parsed = ports::ParseOutboxState(state);
  if (!parsed) return Corrupt("outbox.state '" + state + "'");
  m.state = *parsed;
  m.last_error = c.Text();
  if (const std::optional<int64_t> sent = c.OptionalInt()) m.sent_at = FromSeconds(*sent);
  return m;
}

}  // namespace

Status SqlOutbox::EnqueueMessage(const OutboxMessage& m) {
  return sql_.Run(kInsertMessage, [&](Binder& b) {
    b.Text(m.id)
        .Text(m.kind)
        .OptionalText(m.dedupe_key)
        .Text(m.payload)
        .Int(Seconds(m.created_at))
        .Int(Seconds(m.next_attempt_at));
  });
}

Result<std::vector<OutboxMessage>> SqlOutbox::ClaimOutboxMessages(Timestamp now, const std::string& worker,
                                                                 Timestamp lease_until, int limit) {
  TB_RETURN_IF_ERROR(sql_.RequireWritable());
  TB_ASSIGN_OR_RETURN(std::vector<OutboxMessage> claimed,
                      sql_.All<OutboxMessage>(sql_.lock_reads() ? kClaimSkipLocked : kClaim,
                                              [&](Binder& b) {
                                                b.Text(worker).Int(Seconds(lease_until)).Int(Seconds(now)).Int(
                                                    std::max(1, limit));
                                              },
                                              ReadMessage));
  // RETURNING gives no order.
  std::sort(claimed.begin(), claimed.end(), [](const OutboxMessage& a, const OutboxMessage& b) {
    return a.next_attempt_at != b.next_attempt_at ? a.next_attempt_at < b.next_attempt_at : a.id < b.id;
  });
  return claimed;
}

Status SqlOutbox::FinishOutboxAttempt(const std::string& id, const std::string& worker, OutboxState state,
                                      Timestamp next_attempt_at, const std::string& error, Timestamp at) {
  std::optional<int64_t> sent_at;
  if (state == OutboxState::kSent) sent_at = Seconds(at);
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kFinish, [&](Binder& b) {
    b.Text(id)
        .Text(worker)
        .Text(ports::OutboxStateName(state))
        .Int(Seconds(next_attempt_at))
        .Text(error)
        .OptionalInt(sent_at);
  }));
  if (changed == 0) return MakeError(ErrorCode::kConflict, "error.outbox.claim_lost");
  return Ok();
}

Result<OutboxMessage> SqlOutbox::GetOutboxMessage(const std::string& id) {
  return sql_.One<OutboxMessage>(kSelectMessage, [&](Binder& b) { b.Text(id); }, "error.outbox.not_found",
                                 ReadMessage);
}

Result<int64_t> SqlOutbox::DeleteSentOutboxMessagesBefore(Timestamp before, int limit) {
  return DeleteBatch(sql_, kDeleteSent, before, limit);
}

}  // namespace tongban::storage
