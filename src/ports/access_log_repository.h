// The access log's rows (issue 9 item 5): entries queued in the transaction of the read they
// record, the sequenced leaves with their contiguous indexes, the tree as C2SP tlog-tiles (hash
// tiles 256 wide per level, the right edge partial) and the signed tree heads.
// Services reach it through ports::Transaction::access_log(); services/access_log.h holds the use
// cases (RecordAccess is what a read calls).
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"

namespace tongban::ports {

// Hashes per tile and the tree levels one tile level spans (C2SP tlog-tiles: height 8).
inline constexpr int kLogTileHeight = 8;
inline constexpr int kLogTileWidth = 1 << kLogTileHeight;
inline constexpr int kLogHashBytes = 32;
inline constexpr int kMaxAccessLogPage = 200;

// An entry as stored: its leaf bytes and what finds it again for its person.
struct AccessLogRow {
  std::string id;            // ULID, the queue's order
  std::string subject_id;    // the person's resident id number (never in the leaf)
  std::string subject_salt;  // the salt of the leaf's subject commitment
  std::string leaf;          // the exact bytes hashed into the tree
  Timestamp queued_at{};
  std::optional<uint64_t> leaf_index;  // absent while queued
};

struct TreeHead {
  uint64_t tree_size = 0;
  std::string root_hash;     // 32 raw bytes
  int64_t timestamp_ms = 0;  // milliseconds since the Unix epoch
  std::string signed_jws;    // compact JWS of {"tree_size","root_hash","timestamp"}
};

class AccessLogRepository {
 public:
  virtual ~AccessLogRepository() = default;
  // Queues an entry (row.leaf_index is ignored). kConflict for an id already stored.
  virtual Status EnqueueAccessLogRow(const AccessLogRow& row) = 0;

  // Makes this transaction the one sequencer: true when it holds the sequencer lock until it
  // ends (PostgreSQL: pg_try_advisory_xact_lock; SQLite: the single writer already is), false
  // when another server's transaction holds it (never waits).
  virtual Result<bool> TryLockSequencer() = 0;
  // At most `limit` queued entries, oldest first.
  virtual Result<std::vector<AccessLogRow>> ListQueuedAccessLogRows(int limit) = 0;
  // Gives the oldest `limit` queued entries the leaf indexes first_index, first_index + 1, ... in
  // queue order, takes them off the queue, and answers them as leaves in leaf order (none: the
  // queue was empty). kConflict when a leaf index from first_index on is already taken (another
  // sequencer ran; the caller must abandon the transaction).
  virtual Result<std::vector<AccessLogRow>> SequenceOldest(uint64_t first_index, int limit) = 0;

  // The hashes of tile (level, index): n * 32 bytes, n in 1..256, or 511 * 32 for a full tile
  // stored with its interior nodes (crypto/log_tiles.h). kNotFound when none is stored.
  virtual Result<std::string> GetLogTile(int level, uint64_t index) = 0;
  // Stores the tile, replacing a narrower one of the same place (its hashes are a prefix).
  virtual Status PutLogTile(int level, uint64_t index, const std::string& hashes) = 0;

  virtual Status InsertTreeHead(const TreeHead& head) = 0;
  // The largest head. kNotFound (error.log.no_tree_head) before the first.
  virtual Result<TreeHead> LatestTreeHead() = 0;

  // A person's sequenced entries, newest first, with leaf_index < before_index, at most `limit`
  // (clamped to 1..kMaxAccessLogPage).
  virtual Result<std::vector<AccessLogRow>> ListSubjectLeaves(const std::string& subject_id, uint64_t before_index,
                                                              int limit) = 0;
  // A person's queued entries, oldest first, at most `limit` (clamped as above).
  virtual Result<std::vector<AccessLogRow>> ListSubjectQueued(const std::string& subject_id, int limit) = 0;
  // Leaf `leaf_index`. kNotFound (error.log.no_leaf).
  virtual Result<AccessLogRow> GetLeaf(uint64_t leaf_index) = 0;
};

}  // namespace tongban::ports
