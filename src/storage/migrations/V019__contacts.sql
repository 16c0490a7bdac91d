-- How a person is told (ports/contact_repository.h, services/contacts.h, issue 12 item 3): their
-- email address and mobile number and the channels they chose besides the inbox, one row per
-- user. Personal data: never logged. Messages to a person reach the user with that person_id;
-- messages to an enterprise reach its administrator (enterprises.admin_user_id).
CREATE TABLE contact_settings (
  user_id    TEXT PRIMARY KEY,
  person_id  TEXT,                       -- the user's person; NULL for officials and agents
  email      TEXT NOT NULL,              -- '' when not given
  mobile     TEXT NOT NULL,              -- 11 digits; '' when not given
  email_on   BIGINT NOT NULL,            -- 1: send messages by email too
  sms_on     BIGINT NOT NULL,            -- 1: send messages by SMS too
  language   TEXT NOT NULL,              -- zh | en: the language of emails and SMS
  updated_at BIGINT NOT NULL
);
CREATE INDEX contact_settings_person ON contact_settings (person_id, updated_at);

-- Expiry reminders (services/reminders.h): one row per licence and threshold (30 or 7 days)
-- once its reminder is written, so that any number of servers write each reminder once.
CREATE TABLE licence_reminders (
  licence_id TEXT NOT NULL,
  days       BIGINT NOT NULL,
  message_id TEXT NOT NULL,
  at         BIGINT NOT NULL,
  PRIMARY KEY (licence_id, days)
);
-- The licences that expire in a window, in expiry order, read a page at a time.
CREATE INDEX licences_valid_until ON licences (valid_until, id);
