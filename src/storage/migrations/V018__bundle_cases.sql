-- Bundle cases (一件事, issue 11 item 1; ports/bundle_repository.h, services/bundles.h): one
-- submission for a bundle of the catalogue makes one bundle case and one sub-case per item, each
-- a normal application of its department. The bundle case's state and deadline are derived from
-- its sub-cases, so they are not stored.
CREATE TABLE bundle_cases (
  id                TEXT PRIMARY KEY,          -- ULID
  bundle            TEXT NOT NULL,             -- the catalogue bundle's code
  applicant_user_id TEXT NOT NULL,             -- who filed it
  person_id         TEXT NOT NULL DEFAULT '',  -- the person it is for, when a person applies
  enterprise        TEXT NOT NULL DEFAULT '',  -- credit code, when an enterprise applies
  created_at        BIGINT NOT NULL,
  submitted_at      BIGINT,                    -- NULL while a draft (uploads being attached)
  version           BIGINT NOT NULL            -- bumped by every write: serialises sub-case starts
);
CREATE INDEX bundle_cases_applicant ON bundle_cases (applicant_user_id, id);
-- One row per sub-case: which bundle case it belongs to, its place in the bundle and what it
-- waits for (item codes, comma-separated), as the catalogue said at submission.
CREATE TABLE bundle_sub_cases (
  application_id TEXT PRIMARY KEY REFERENCES applications (id),
  bundle_case_id TEXT NOT NULL REFERENCES bundle_cases (id),
  position       INTEGER NOT NULL,
  item           TEXT NOT NULL,
  waits_for      TEXT NOT NULL
);
CREATE UNIQUE INDEX bundle_sub_cases_case ON bundle_sub_cases (bundle_case_id, position);
