-- Login failures are keyed by SHA-256 hashes that the accounts service derives ("acct:<hex>" for a
-- normalised username, "addr:<hex>" for a client address), never by what was typed: a sign-in with
-- a 10 MB username used to store it here. The old rows are keyed by plain text and cannot be
-- rehashed in SQL; they are throttling state of the last 15 minutes and go with the old table.
DROP TABLE login_failures;  -- its indexes go with it

CREATE TABLE login_failures (
  key TEXT NOT NULL CHECK (length(key) <= 80),  -- ports::kMaxLoginFailureKey
  at  BIGINT NOT NULL                           -- unix seconds
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);
