-- Tongban's first schema. Portable SQL for SQLite and PostgreSQL: times are integer unix seconds,
-- dates ISO 8601 text, booleans 0/1 integers, JSON as text. {{blob}} is the driver's binary type.
-- Every integer column is BIGINT: 64-bit on PostgreSQL, plain INTEGER affinity on SQLite.
-- Optional references are NULL when absent.

CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  kind          TEXT NOT NULL,          -- UserKindName: person | official
  roles         TEXT NOT NULL,          -- JSON array of RoleName
  person_id     TEXT,
  display_name  TEXT NOT NULL,
  department    TEXT,
  centre        TEXT,
  created_at    BIGINT NOT NULL
);

CREATE TABLE persons (
  id    TEXT PRIMARY KEY,                -- resident identity number
  name  TEXT NOT NULL,
  phone TEXT NOT NULL
);

CREATE TABLE enterprises (
  code          TEXT PRIMARY KEY,        -- unified social credit code
  name          TEXT NOT NULL,
  admin_user_id TEXT
);

CREATE TABLE agent_grants (
  enterprise   TEXT NOT NULL,
  user_id      TEXT NOT NULL,
  may_apply    BIGINT NOT NULL,
  may_withdraw BIGINT NOT NULL,
  items        TEXT NOT NULL,            -- JSON array of item codes; empty means every item
  PRIMARY KEY (enterprise, user_id)
);
CREATE INDEX agent_grants_user ON agent_grants (user_id);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users (id),
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE login_failures (
  key TEXT NOT NULL,                     -- "user:<id>" or "addr:<ip>"
  at  BIGINT NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);

CREATE TABLE applications (
  id                TEXT PRIMARY KEY,    -- ULID: id order is creation order
  item              TEXT NOT NULL,
  department        TEXT NOT NULL,
  applicant_user_id TEXT NOT NULL,
  person_id         TEXT,
  enterprise        TEXT,
  channel           TEXT NOT NULL,
  centre            TEXT,
  state             TEXT NOT NULL,
  fields            TEXT NOT NULL,       -- JSON object of canonical text values
  materials         TEXT NOT NULL,       -- JSON array of attached materials
  created_at        BIGINT NOT NULL,
  updated_at        BIGINT NOT NULL,
  submitted_at      BIGINT,
  deadline          TEXT,                -- YYYY-MM-DD
  version           BIGINT NOT NULL
);
-- One index per ApplicationQuery scope, ending in id for keyset pagination newest first.
CREATE INDEX applications_applicant ON applications (applicant_user_id, id);
CREATE INDEX applications_person ON applications (person_id, id);
CREATE INDEX applications_enterprise ON applications (enterprise, id);
CREATE INDEX applications_department_state ON applications (department, state, id);
CREATE INDEX applications_department ON applications (department, id);
CREATE INDEX applications_centre ON applications (centre, id);

CREATE TABLE events (
  id             TEXT PRIMARY KEY,
  application_id TEXT NOT NULL REFERENCES applications (id),
  seq            BIGINT NOT NULL,
  action         TEXT NOT NULL,
  from_state     TEXT NOT NULL,
  to_state       TEXT NOT NULL,
  actor_user_id  TEXT NOT NULL,
  actor_role     TEXT NOT NULL,
  channel        TEXT NOT NULL,
  at             BIGINT NOT NULL,
  reason         TEXT NOT NULL,
  UNIQUE (application_id, seq)
);

CREATE TABLE blobs (
  sha256       TEXT PRIMARY KEY,         -- hex content address
  content_type TEXT NOT NULL,
  size         BIGINT NOT NULL,
  data         {{blob}} NOT NULL
);
