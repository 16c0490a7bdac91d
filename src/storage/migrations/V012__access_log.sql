-- The tamper-evident access log (issue 9 item 5; ports/access_log_repository.h).
-- access_log_queue: entries written in the transaction of the read they record, waiting for the
-- sequencer (one at a time: PostgreSQL advisory lock, SQLite's single writer), which moves them
-- in batches to access_log_leaves with contiguous leaf indexes (Trillian's unsequenced and
-- sequenced leaves). subject_id is the person's id number: it stays in these rows, for the
-- person's own listing, and never enters the leaf (which holds a salted commitment).
CREATE TABLE access_log_queue (
  id           TEXT PRIMARY KEY,       -- ULID: the queue's order
  subject_id   TEXT NOT NULL,
  subject_salt TEXT NOT NULL,
  leaf         TEXT NOT NULL,          -- the exact leaf bytes (canonical JSON, UTF-8)
  queued_at    BIGINT NOT NULL
);
CREATE INDEX access_log_queue_subject ON access_log_queue (subject_id, id);

CREATE TABLE access_log_leaves (
  leaf_index   BIGINT PRIMARY KEY,
  id           TEXT NOT NULL,
  subject_id   TEXT NOT NULL,
  subject_salt TEXT NOT NULL,
  leaf         TEXT NOT NULL,
  queued_at    BIGINT NOT NULL
);
CREATE INDEX access_log_leaves_subject ON access_log_leaves (subject_id, leaf_index);

-- The tree as C2SP tlog-tiles: tile (level, tile_index) holds up to 256 hashes of 32 bytes of the
-- level-8*level subtrees tile_index*256 ...; the right edge's partial tile is rewritten wider as
-- the tree grows (its hashes never change, only more follow).
CREATE TABLE access_log_tiles (
  level      INTEGER NOT NULL,
  tile_index BIGINT NOT NULL,
  hashes     {{blob}} NOT NULL,
  PRIMARY KEY (level, tile_index)
);

-- Signed tree heads; the newest is the largest tree_size.
CREATE TABLE access_log_heads (
  tree_size    BIGINT PRIMARY KEY,
  root_hash    {{blob}} NOT NULL,
  timestamp_ms BIGINT NOT NULL,
  signed       TEXT NOT NULL           -- compact JWS (EdDSA, the "log" purpose key)
);
