-- The outbox (ports/outbox_repository.h): effects to carry out after a commit, written in the
-- same transaction as the change that causes them and delivered at least once by the outbox
-- worker of any server. A claim is a lease: claimed_by holds it until claimed_until.
CREATE TABLE outbox (
  id              TEXT PRIMARY KEY,      -- ULID
  kind            TEXT NOT NULL,         -- the sender: email | sms | ...
  dedupe_key      TEXT,                  -- one message per effect; NULL: no deduplication
  payload         TEXT NOT NULL,         -- JSON for the sender
  created_at      BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  attempts        BIGINT NOT NULL,
  state           TEXT NOT NULL,         -- OutboxStateName: pending | sent | dead
  last_error      TEXT NOT NULL,
  claimed_by      TEXT,
  claimed_until   BIGINT,
  sent_at         BIGINT
);
CREATE UNIQUE INDEX outbox_dedupe_key ON outbox (dedupe_key);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_sent_at ON outbox (sent_at);
