-- Officials' workbench and reference numbers (issue 8 points 8 and 9).
--
-- reference: the human reference number (common/reference.h), unique; NULL only for rows made
-- before this migration until the server's start-up backfill gives them one (services
-- AssignMissingReferences), which finds them through the same unique index.
-- applicant_name: the person's or enterprise's name when the application was created, so the
-- workbench lists and searches by name (prefix) without a join per row; compared byte by byte
-- (the text_bytewise template) so that a prefix is one range of the index on both databases.
-- assignee_user_id: the official the case is assigned to (NULL: nobody yet); an assignment is
-- recorded in the case history as an "assign" event, it is not a state transition.
ALTER TABLE applications ADD COLUMN reference TEXT;
ALTER TABLE applications ADD COLUMN applicant_name {{text_bytewise}};
ALTER TABLE applications ADD COLUMN assignee_user_id TEXT;
CREATE UNIQUE INDEX applications_reference ON applications (reference);

-- The workbench lists a scope's cases by deadline (keyset on deadline, id), optionally in one
-- state, assigned to one official, or by applicant name prefix.
CREATE INDEX applications_department_deadline ON applications (department, deadline, id);
CREATE INDEX applications_department_state_deadline ON applications (department, state, deadline, id);
CREATE INDEX applications_centre_deadline ON applications (centre, deadline, id);
CREATE INDEX applications_assignee_deadline ON applications (assignee_user_id, deadline, id);
CREATE INDEX applications_department_name ON applications (department, applicant_name, id);
CREATE INDEX applications_centre_name ON applications (centre, applicant_name, id);

-- One counter per city-local day hands out reference sequence numbers: an upsert that increments
-- and returns the counter in the creating transaction, so several servers on one PostgreSQL
-- (the row lock orders them) and SQLite's single writer never hand out the same number twice.
CREATE TABLE reference_counters (
  day  TEXT PRIMARY KEY,                  -- YYYY-MM-DD
  last BIGINT NOT NULL
);

-- The colleagues an official may assign a case to: the officials of one department.
CREATE INDEX users_department ON users (department, id);
