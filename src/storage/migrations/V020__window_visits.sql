-- The comprehensive window (综合窗口, services/window.h, issue 11 item 3): a clerk scans the
-- person's identity code, which opens a visit; later submissions in the visit name it (or present
-- the same code again) while it is open, by that clerk only. One row per scanned code.
CREATE TABLE window_visits (
  id             TEXT PRIMARY KEY,
  clerk_user_id  TEXT NOT NULL,
  centre         TEXT NOT NULL,          -- ServiceCentre code of the clerk
  person_id      TEXT NOT NULL,          -- the person served
  person_user_id TEXT NOT NULL,          -- the account that showed the code
  code_jti       TEXT NOT NULL UNIQUE,   -- the identity code's random id: one visit per code
  started_at     BIGINT NOT NULL,
  ends_at        BIGINT NOT NULL,        -- started_at + 30 min, or when the clerk closed it
  closed         BIGINT NOT NULL         -- 1 once the clerk closed it
);
-- A clerk's visits, newest first (the console lists the open ones).
CREATE INDEX window_visits_clerk ON window_visits (clerk_user_id, ends_at);

-- Who did it for the person (assisted_by): the clerk's account, name and centre on every event a
-- clerk records at a window on a person's or enterprise's behalf; '' otherwise.
ALTER TABLE events ADD COLUMN assisted_by TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN assisted_name TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN assisted_centre TEXT NOT NULL DEFAULT '';
