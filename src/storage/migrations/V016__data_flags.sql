-- Flags on the city's data (issue 9 item 4; ports/data_flag_repository.h): a person says a value
-- a dataset holds on them is wrong; the owner department answers and may correct the record.
-- data_flags_department serves the owner's list (open flags of a department, oldest first, page by
-- page); data_flags_subject the person's own list on /me/data (newest first).
CREATE TABLE data_flags (
  id          TEXT PRIMARY KEY,     -- ULID: the order flags were raised in
  dataset     TEXT NOT NULL,        -- the dataset's code
  department  TEXT NOT NULL,        -- the dataset's owner when raised
  subject_id  TEXT NOT NULL,        -- resident id or credit code: whose record
  record_id   TEXT NOT NULL,
  field       TEXT NOT NULL,
  comment     TEXT NOT NULL,
  raised_by   TEXT NOT NULL,        -- user id
  raised_at   BIGINT NOT NULL,      -- seconds since the epoch
  state       TEXT NOT NULL,        -- open | answered
  answer      TEXT NOT NULL DEFAULT '',
  corrected   INTEGER NOT NULL DEFAULT 0,
  answered_by TEXT NOT NULL DEFAULT '',
  answered_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX data_flags_department ON data_flags (department, state, id);
CREATE INDEX data_flags_subject ON data_flags (subject_id, id);
