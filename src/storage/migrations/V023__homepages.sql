-- Homepages (issue 12 items 1 and 2).
-- The holder's licences in force that expire soon, soonest first (the homepage's expiring list).
CREATE INDEX licences_holder_valid_until ON licences (holder_kind, holder_id, valid_until, id);

-- The suggestions a person (or an enterprise's agent, for the enterprise) turned off, by rule code.
CREATE TABLE suggestion_dismissals (
  holder_kind TEXT NOT NULL,   -- person | enterprise
  holder_id   TEXT NOT NULL,   -- resident id number or credit code
  rule        TEXT NOT NULL,   -- the rule's code in catalogue/suggestions.yaml
  at          BIGINT NOT NULL,
  PRIMARY KEY (holder_kind, holder_id, rule)
);

-- The members of a household (the household_birth suggestion rule): household_registration
-- records by their record id, the household number. Partial, so bulk loads of other datasets
-- pay nothing; the query names the dataset literally for both databases to use it.
CREATE INDEX dataset_records_household ON dataset_records (record_id, subject_id)
  WHERE dataset = 'household_registration';
