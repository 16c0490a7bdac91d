-- Benefits without applying (免申即享, issue 12 item 1; ports/proactive_repository.h).
-- Every person's date of birth from the population dataset, kept up to date by every write of a
-- population record (storage/sql_datasets.cc: data load, demo generate, the data platform's
-- corrections), so that the daily job finds who turns 65 this month by a range of this index,
-- never by a scan of dataset_records.
CREATE TABLE person_birthdays (
  subject_id TEXT PRIMARY KEY,   -- resident id number
  birth_date TEXT NOT NULL       -- YYYY-MM-DD
);
CREATE INDEX person_birthdays_date ON person_birthdays (birth_date, subject_id);
-- The population records written before this migration (one pass, once).
INSERT INTO person_birthdays (subject_id, birth_date)
  SELECT subject_id, MAX({{birth_date_of_fields_json}}) FROM dataset_records
  WHERE dataset = 'population' AND {{birth_date_of_fields_json}} LIKE '____-__-__'
  GROUP BY subject_id;

-- The offers the job made: one per item, person and month (YYYY-MM) they newly qualify in. The
-- primary key makes the job idempotent, also when several servers run it at once (the second
-- insert finds the first's row and creates nothing). answer_by is when an unanswered offer
-- proceeds or lapses (confirm: ask); NULL once the person answered, or it proceeded or lapsed.
CREATE TABLE proactive_offers (
  item           TEXT NOT NULL,
  subject_id     TEXT NOT NULL,
  period         TEXT NOT NULL,
  application_id TEXT NOT NULL,
  created_at     BIGINT NOT NULL,
  answer_by      BIGINT,
  PRIMARY KEY (item, subject_id, period)
);
CREATE UNIQUE INDEX proactive_offers_application ON proactive_offers (application_id);
-- The offers whose time to answer has passed, oldest first; only the open ones are indexed.
CREATE INDEX proactive_offers_answer_by ON proactive_offers (answer_by, application_id) WHERE answer_by IS NOT NULL;
-- A person's open offers for the homepage (person, state offered, newest first).
CREATE INDEX applications_person_state ON applications (person_id, state, id);
