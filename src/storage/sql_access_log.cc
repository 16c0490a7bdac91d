#include "storage/sql_access_log.h"

#include <algorithm>
#include <limits>
#include <string>
#include <string_view>

namespace tongban::storage {
namespace {

using ports::AccessLogRow;
using ports::TreeHead;

constexpr std::string_view kEnqueue =
    "INSERT INTO access_log_queue (id, subject_id, subject_salt, leaf, queued_at) VALUES ($1, $2, $3, $4, $5)";
// The log's advisory lock key ("tongban log" sequencer); the migration lock is 7426931001.
constexpr std::string_view kTryLock =
    "SELECT CASE WHEN pg_try_advisory_xact_lock(7426931012) THEN 1 ELSE 0 END";
constexpr std::string_view kListQueued =
    "SELECT id, subject_id, subject_salt, leaf, queued_at FROM access_log_queue ORDER BY id LIMIT $1";
// A sequencer round in three statements, however many entries it moves: the oldest queued
// entries become leaves first_index, first_index + 1, ... in queue order; the round reads back
// exactly what it inserted (so an entry queued meanwhile with an older id waits for the next
// round instead of being hashed without a leaf), then takes those entries off the queue.
constexpr std::string_view kSequenceOldest =
    "INSERT INTO access_log_leaves (leaf_index, id, subject_id, subject_salt, leaf, queued_at)"
    " SELECT $1 + ROW_NUMBER() OVER (ORDER BY q.id) - 1, q.id, q.subject_id, q.subject_salt, q.leaf, q.queued_at"
    " FROM (SELECT id, subject_id, subject_salt, leaf, queued_at FROM access_log_queue ORDER BY id LIMIT $2) q";
constexpr std::string_view kLeavesFrom =
    "SELECT id, subject_id, subject_salt, leaf, queued_at, leaf_index FROM access_log_leaves"
    " WHERE leaf_index >= $1 ORDER BY leaf_index";
constexpr std::string_view kDequeueSequenced =
    "DELETE FROM access_log_queue WHERE id IN (SELECT id FROM access_log_leaves WHERE leaf_index >= $1)";
constexpr std::string_view kSelectTile =
    "SELECT hashes FROM access_log_tiles WHERE level = $1 AND tile_index = $2";
constexpr std::string_view kPutTile =
    "INSERT INTO access_log_tiles (level, tile_index, hashes) VALUES ($1, $2, $3)"
    " ON CONFLICT (level, tile_index) DO UPDATE SET hashes = excluded.hashes";
constexpr std::string_view kInsertHead =
    "INSERT INTO access_log_heads (tree_size, root_hash, timestamp_ms, signed) VALUES ($1, $2, $3, $4)";
constexpr std::string_view kLatestHead =
    "SELECT tree_size, root_hash, timestamp_ms, signed FROM access_log_heads ORDER BY tree_size DESC LIMIT 1";
constexpr std::string_view kSubjectLeaves =
    "SELECT id, subject_id, subject_salt, leaf, queued_at, leaf_index FROM access_log_leaves"
    " WHERE subject_id = $1 AND leaf_index < $2 ORDER BY leaf_index DESC LIMIT $3";
constexpr std::string_view kSubjectQueued =
    "SELECT id, subject_id, subject_salt, leaf, queued_at FROM access_log_queue"
    " WHERE subject_id = $1 ORDER BY id LIMIT $2";
constexpr std::string_view kSelectLeaf =
    "SELECT id, subject_id, subject_salt, leaf, queued_at, leaf_index FROM access_log_leaves WHERE leaf_index = $1";

Result<AccessLogRow> ReadQueued(Statement& statement) {
  Columns c(statement);
  AccessLogRow row;
  row.id = c.Text();
  row.subject_id = c.Text();
  row.subject_salt = c.Text();
  row.leaf = c.Text();
  row.queued_at = FromSeconds(c.Int());
  return row;
}

Result<AccessLogRow> ReadLeaf(Statement& statement) {
  TB_ASSIGN_OR_RETURN(AccessLogRow row, ReadQueued(statement));
  const int64_t index = statement.ColumnInt64(5);
  if (index < 0) return Corrupt("access_log_leaves.leaf_index");
  row.leaf_index = static_cast<uint64_t>(index);
  return row;
}

Result<TreeHead> ReadHead(Statement& statement) {
  Columns c(statement);
  TreeHead head;
  const int64_t size = c.Int();
  if (size < 0) return Corrupt("access_log_heads.tree_size");
  head.tree_size = static_cast<uint64_t>(size);
  head.root_hash = c.Blob();
  head.timestamp_ms = c.Int();
  head.signed_jws = c.Text();
  return head;
}

int64_t Signed(uint64_t value) {
  return static_cast<int64_t>(std::min<uint64_t>(value, std::numeric_limits<int64_t>::max()));
}

int Page(int limit) { return std::clamp(limit, 1, ports::kMaxAccessLogPage); }

}  // namespace

Status SqlAccessLog::EnqueueAccessLogRow(const AccessLogRow& row) {
  return sql_.Run(kEnqueue, [&](Binder& b) {
    b.Text(row.id).Text(row.subject_id).Text(row.subject_salt).Text(row.leaf).Int(Seconds(row.queued_at));
  });
}

Result<bool> SqlAccessLog::TryLockSequencer() {
  TB_RETURN_IF_ERROR(sql_.RequireWritable());
  // Only PostgreSQL has concurrent writers (and reads for update); SQLite's writer is alone.
  if (!sql_.lock_reads()) return true;
  return sql_.One<bool>(kTryLock, kNoParameters, "error.log.lock",
                        [](Statement& s) -> Result<bool> { return s.ColumnInt64(0) == 1; });
}

Result<std::vector<AccessLogRow>> SqlAccessLog::ListQueuedAccessLogRows(int limit) {
  return sql_.All<AccessLogRow>(kListQueued, [&](Binder& b) { b.Int(std::max(1, limit)); }, ReadQueued);
}

Result<std::vector<AccessLogRow>> SqlAccessLog::SequenceOldest(uint64_t first_index, int limit) {
  TB_ASSIGN_OR_RETURN(const int64_t moved, sql_.Execute(kSequenceOldest, [&](Binder& b) {
    b.Int(Signed(first_index)).Int(std::max(1, limit));
  }));
  TB_ASSIGN_OR_RETURN(std::vector<AccessLogRow> rows,
                      sql_.All<AccessLogRow>(kLeavesFrom, [&](Binder& b) { b.Int(Signed(first_index)); }, ReadLeaf));
  TB_ASSIGN_OR_RETURN(const int64_t removed,
                      sql_.Execute(kDequeueSequenced, [&](Binder& b) { b.Int(Signed(first_index)); }));
  if (static_cast<int64_t>(rows.size()) != moved || removed != moved) {
    return MakeError(ErrorCode::kConflict, "error.log.sequenced_elsewhere");
  }
  return rows;
}

Result<std::string> SqlAccessLog::GetLogTile(int level, uint64_t index) {
  return sql_.One<std::string>(
      kSelectTile, [&](Binder& b) { b.Int(level).Int(Signed(index)); }, "error.log.no_tile",
      [](Statement& s) -> Result<std::string> { return s.ColumnBlob(0); });
}

Status SqlAccessLog::PutLogTile(int level, uint64_t index, const std::string& hashes) {
  return sql_.Run(kPutTile, [&](Binder& b) { b.Int(level).Int(Signed(index)).Blob(hashes); });
}

Status SqlAccessLog::InsertTreeHead(const TreeHead& head) {
  return sql_.Run(kInsertHead, [&](Binder& b) {
    b.Int(Signed(head.tree_size)).Blob(head.root_hash).Int(head.timestamp_ms).Text(head.signed_jws);
  });
}

Result<TreeHead> SqlAccessLog::LatestTreeHead() {
  return sql_.One<TreeHead>(kLatestHead, kNoParameters, "error.log.no_tree_head", ReadHead);
}

Result<std::vector<AccessLogRow>> SqlAccessLog::ListSubjectLeaves(const std::string& subject_id,
                                                                  uint64_t before_index, int limit) {
  return sql_.All<AccessLogRow>(
      kSubjectLeaves, [&](Binder& b) { b.Text(subject_id).Int(Signed(before_index)).Int(Page(limit)); }, ReadLeaf);
}

Result<std::vector<AccessLogRow>> SqlAccessLog::ListSubjectQueued(const std::string& subject_id, int limit) {
  return sql_.All<AccessLogRow>(kSubjectQueued, [&](Binder& b) { b.Text(subject_id).Int(Page(limit)); },
                                ReadQueued);
}

Result<AccessLogRow> SqlAccessLog::GetLeaf(uint64_t leaf_index) {
  return sql_.One<AccessLogRow>(kSelectLeaf, [&](Binder& b) { b.Int(Signed(leaf_index)); }, "error.log.no_leaf",
                                ReadLeaf);
}

}  // namespace tongban::storage
