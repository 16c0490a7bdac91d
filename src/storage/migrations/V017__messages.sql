-- The holder's inbox (ports/message_repository.h, services/messages.h, issue 12 item 3): a message
-- for a person or an enterprise, written in the same transaction as the change it tells of. The
-- text is not stored: it is rendered from `kind` and `params` in the reader's language.
CREATE TABLE messages (
  id             TEXT PRIMARY KEY,       -- ULID: ordered by creation
  recipient_kind TEXT NOT NULL,          -- person | enterprise
  recipient_id   TEXT NOT NULL,          -- ID number or unified social credit code
  kind           TEXT NOT NULL,          -- licence_suspended, application_approved, ...
  params         TEXT NOT NULL,          -- JSON object of strings (licence_type, item, reason, ...)
  reference_kind TEXT NOT NULL,          -- application | licence
  reference_id   TEXT NOT NULL,
  created_at     BIGINT NOT NULL,
  read_at        BIGINT                  -- NULL: unread
);
-- A recipient's inbox, newest first (the id is a ULID, so it orders by creation).
CREATE INDEX messages_recipient ON messages (recipient_kind, recipient_id, id);
-- The unread count of the signed-in menu reads only unread rows.
CREATE INDEX messages_unread ON messages (recipient_kind, recipient_id) WHERE read_at IS NULL;
