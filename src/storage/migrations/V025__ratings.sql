-- Good/bad ratings (好差评) and rectification (整改) (ports/rating_repository.h, services/ratings.h,
-- services/rectifications.h, issue 13 items 1 and 2).

-- One rating per application (a bundle's sub-cases are applications: each is rated), given by
-- its applicant after the case ended. It names the event that ended the case, so no rating exists
-- without a real case.
CREATE TABLE ratings (
  id              TEXT PRIMARY KEY,
  application_id  TEXT NOT NULL,
  ended_event_id  TEXT NOT NULL,     -- the application's event that moved it to its terminal state
  item            TEXT NOT NULL,
  department      TEXT NOT NULL,
  rater_user_id   TEXT NOT NULL,     -- the applicant who rated
  person_id       TEXT NOT NULL,     -- '' for an enterprise's case
  enterprise      TEXT NOT NULL,     -- '' for a person's case
  level           BIGINT NOT NULL,   -- 5 very satisfied .. 1 very dissatisfied (GB/T 39735)
  comment         TEXT NOT NULL,
  tags            TEXT NOT NULL,     -- JSON array of reason tag codes (domain/rating.h)
  channel         TEXT NOT NULL,     -- web | mobile | kiosk | window | message
  assisted_by     TEXT NOT NULL,     -- the clerk who held the window tablet; '' otherwise
  month           TEXT NOT NULL,     -- YYYY-MM (city time) of created_at: the counters' month
  created_at      BIGINT NOT NULL
);
-- Once per application: a second rating fails on this index even when two arrive at once.
CREATE UNIQUE INDEX ratings_application ON ratings (application_id);

-- A rating of 2 or 1 opens one rectification case for the item's department.
CREATE TABLE rectifications (
  id              TEXT PRIMARY KEY,
  rating_id       TEXT NOT NULL,
  application_id  TEXT NOT NULL,
  item            TEXT NOT NULL,
  department      TEXT NOT NULL,
  person_id       TEXT NOT NULL,
  enterprise      TEXT NOT NULL,
  level           BIGINT NOT NULL,
  month           TEXT NOT NULL,     -- the rating's month (its counters row)
  state           TEXT NOT NULL,     -- open | escalated | replied
  deadline        TEXT NOT NULL,     -- YYYY-MM-DD: 15 working days after the rating
  reply_text      TEXT NOT NULL,
  changes         TEXT NOT NULL,
  replied_by      TEXT NOT NULL,
  replied_at      BIGINT,
  escalated_at    BIGINT,
  satisfied       BIGINT,            -- NULL until the person answers; 1 satisfied, 0 not
  feedback_at     BIGINT,
  created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX rectifications_rating ON rectifications (rating_id);
CREATE INDEX rectifications_application ON rectifications (application_id);
-- A department's list (all, or one state), newest first, a page at a time.
CREATE INDEX rectifications_department ON rectifications (department, created_at, id);
CREATE INDEX rectifications_department_state ON rectifications (department, state, created_at, id);
-- The reform office's list and the daily escalation (state open, deadline before today).
CREATE INDEX rectifications_state ON rectifications (state, deadline, id);
CREATE INDEX rectifications_state_created ON rectifications (state, created_at, id);

-- Counters per (department, item, month), moved in the transaction of the rating or of the
-- rectification's change; the public statistics and the dashboards read these, never the ratings.
CREATE TABLE rating_counters (
  department         TEXT NOT NULL,
  item               TEXT NOT NULL,
  month              TEXT NOT NULL,  -- YYYY-MM
  level_1            BIGINT NOT NULL,
  level_2            BIGINT NOT NULL,
  level_3            BIGINT NOT NULL,
  level_4            BIGINT NOT NULL,
  level_5            BIGINT NOT NULL,
  rectified_on_time  BIGINT NOT NULL,  -- bad ratings whose reply came by the deadline
  rectified_late     BIGINT NOT NULL,
  escalated          BIGINT NOT NULL,
  PRIMARY KEY (department, item, month)
);
CREATE INDEX rating_counters_item ON rating_counters (item, month);
