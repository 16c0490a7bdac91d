-- Appointments and queue tickets at service centres (ports/queue_repository.h, services/queue.h,
-- issue 11 item 4). Slots themselves are catalogue data (centres.yaml); a slot gets a row here
-- when it is first booked.

-- One row per booked slot: its capacity when first booked and how many places are taken. A
-- booking is `UPDATE ... SET booked = booked + 1 WHERE booked < capacity` on this row, so
-- concurrent bookings queue on its row lock (PostgreSQL) or the single writer (SQLite) and never
-- overbook. Read for a day's slots by the primary key's range (centre, slot_start).
CREATE TABLE appointment_slots (
  centre     TEXT NOT NULL,
  slot_start BIGINT NOT NULL,   -- unix seconds
  capacity   BIGINT NOT NULL,
  booked     BIGINT NOT NULL,
  PRIMARY KEY (centre, slot_start)
);

CREATE TABLE appointments (
  id           TEXT PRIMARY KEY,
  reference    TEXT NOT NULL,     -- short, read out at the centre, e.g. Y7K2-9QF4
  centre       TEXT NOT NULL,
  slot_start   BIGINT NOT NULL,
  item         TEXT NOT NULL,
  user_id      TEXT NOT NULL,
  person_id    TEXT NOT NULL,     -- '' for a user without a person
  status       TEXT NOT NULL,     -- booked | cancelled
  created_at   BIGINT NOT NULL,
  cancelled_at BIGINT
);
CREATE UNIQUE INDEX appointments_reference ON appointments (reference);
-- One person one appointment per slot: at most one booked row per user and slot.
CREATE UNIQUE INDEX appointments_one_per_slot ON appointments (centre, slot_start, user_id) WHERE status = 'booked';
-- "My appointments", newest slot first, a page at a time; and "has this user an appointment here today".
CREATE INDEX appointments_user ON appointments (user_id, slot_start, id);

-- Per centre, day and series, the last ticket number given (A001, A002, ...; B001, ...).
CREATE TABLE ticket_counters (
  centre TEXT NOT NULL,
  day    TEXT NOT NULL,            -- YYYY-MM-DD, city-local
  series TEXT NOT NULL,
  last   BIGINT NOT NULL,
  PRIMARY KEY (centre, day, series)
);

CREATE TABLE queue_tickets (
  id             TEXT PRIMARY KEY, -- random: the ticket page's address, so a walk-in needs no account
  centre         TEXT NOT NULL,
  day            TEXT NOT NULL,
  series         TEXT NOT NULL,    -- A: with an appointment, B: walk-in
  number         BIGINT NOT NULL,
  appointment_id TEXT NOT NULL,    -- '' for a walk-in
  user_id        TEXT NOT NULL,    -- '' for an anonymous walk-in
  status         TEXT NOT NULL,    -- waiting | called | done | no_show
  counter        TEXT NOT NULL,    -- the window that called it; '' until called
  called_by      TEXT NOT NULL,    -- the clerk's user id; '' until called
  taken_at       BIGINT NOT NULL,
  called_at      BIGINT,
  finished_at    BIGINT,
  UNIQUE (centre, day, series, number)
);
-- The next waiting ticket of a centre's day: series A before B, then in number order.
CREATE INDEX queue_tickets_waiting ON queue_tickets (centre, day, status, series, number);
-- The display: the last called tickets of a centre's day.
CREATE INDEX queue_tickets_called ON queue_tickets (centre, day, called_at);
