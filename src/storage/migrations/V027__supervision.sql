-- Supervision records and the supervision systems' API keys (互联网+监管, issue 13 item 4;
-- ports/supervision_repository.h, services/supervision.h, services/api_keys.h).
-- A record is evidence: rows are only ever inserted. A correction is a new row whose `corrects`
-- names the row it corrects; readers leave corrected rows out of summaries and show the link.
CREATE TABLE supervision_records (
  id               TEXT PRIMARY KEY,
  credit_code      TEXT NOT NULL,          -- the enterprise (GB 32100)
  kind             TEXT NOT NULL,          -- inspection | violation | penalty | credit
  record_date      TEXT NOT NULL,          -- YYYY-MM-DD, when it happened
  summary          TEXT NOT NULL,
  result           TEXT NOT NULL DEFAULT '',  -- inspection: compliant | rectify | non_compliant
  rule             TEXT NOT NULL DEFAULT '',  -- violation: the rule broken
  amount_fen       BIGINT,                    -- penalty: the amount in fen
  decision_number  TEXT NOT NULL DEFAULT '',  -- penalty: the decision's number
  credit_level     TEXT NOT NULL DEFAULT '',  -- credit: A | B | C | D
  corrects         TEXT,                      -- the record this corrects; NULL when none
  department       TEXT NOT NULL,             -- the recording department
  recorded_by_kind TEXT NOT NULL,             -- user | api_key
  recorded_by      TEXT NOT NULL,             -- users.id or api_keys.id
  recorded_at      BIGINT NOT NULL
);
-- An enterprise's records, newest first, a page at a time; the reviewer's summary (since a date).
CREATE INDEX supervision_records_enterprise ON supervision_records (credit_code, record_date, id);
-- The newest credit level and the newest violation of an enterprise.
CREATE INDEX supervision_records_enterprise_kind ON supervision_records (credit_code, kind, record_date, id);
-- Whether a record has been corrected (partial: most records never are).
CREATE INDEX supervision_records_corrects ON supervision_records (corrects) WHERE corrects IS NOT NULL;

-- A supervision system's machine credential: scoped to one department and to writing supervision
-- records. Only the SHA-256 of the key is stored; the key is shown once when it is created.
-- created_by / revoked_by (an administrator's user id, or "cli") are the audit trail.
CREATE TABLE api_keys (
  id          TEXT PRIMARY KEY,
  key_hash    TEXT NOT NULL UNIQUE,   -- SHA-256 of the whole key, lower-case hex
  name        TEXT NOT NULL,          -- the system it was given to
  department  TEXT NOT NULL,
  scope       TEXT NOT NULL,          -- supervision_records:write
  created_by  TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  revoked_by  TEXT,
  revoked_at  BIGINT                  -- NULL while in force
);
-- The keys list for administrators, newest first.
CREATE INDEX api_keys_created ON api_keys (created_at, id);
