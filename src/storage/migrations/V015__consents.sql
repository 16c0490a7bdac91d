-- Consents (issue 9 item 3): a person's consent that items read the sensitive fields of their
-- datasets for one purpose (an item code). Revoking keeps the row with the time it was revoked,
-- so the person's list shows what they agreed to and when; a read checks for an active consent
-- (revoked_at IS NULL) of (subject, purpose). A person has a handful of rows: listed by subject,
-- newest first, a page at a time.
CREATE TABLE consents (
  id         TEXT PRIMARY KEY,
  subject_id TEXT NOT NULL,   -- the person's resident id (or an enterprise's credit code)
  user_id    TEXT NOT NULL,   -- the account that gave it
  purpose    TEXT NOT NULL,   -- an item code
  given_at   BIGINT NOT NULL,
  revoked_at BIGINT           -- NULL while in force
);
CREATE INDEX consents_by_subject ON consents (subject_id, given_at, id);
CREATE INDEX consents_active ON consents (subject_id, purpose, revoked_at);
