-- Performance dashboards (评估考核, issue 13 item 3; domain/metrics.h, ports/metrics_repository.h,
-- services/metrics.h). Written only by the effects of the events that move them, in the events'
-- own transactions; read a slice at a time. Nothing here is read case by case.

-- The slice each case counts in, fixed when it is handed to its department: later events (its
-- decision, its rating) count in the same department, item, district and channel.
CREATE TABLE metric_cases (
  application_id  TEXT PRIMARY KEY,
  department      TEXT NOT NULL,
  item            TEXT NOT NULL,
  district        TEXT NOT NULL,   -- District code; '' when not known
  channel         TEXT NOT NULL,   -- the channel the case was created from
  online          BIGINT NOT NULL, -- 1: created from the web or the mobile app
  in_person       BIGINT NOT NULL  -- 1: a step asked for the person in person
);

-- Counters per (month, department, item, district, channel). A month has at most items x
-- districts x channels rows, so a city-wide month adds up a few thousand rows at most: every
-- slice is read as a range of months of the primary key, whatever else it filters on.
CREATE TABLE metric_counters (
  month              TEXT NOT NULL,  -- YYYY-MM, city time
  department         TEXT NOT NULL,
  item               TEXT NOT NULL,
  district           TEXT NOT NULL,
  channel            TEXT NOT NULL,
  submitted          BIGINT NOT NULL,
  online_submitted   BIGINT NOT NULL,
  materials_shared   BIGINT NOT NULL,
  materials_licence  BIGINT NOT NULL,
  decided            BIGINT NOT NULL,
  on_time            BIGINT NOT NULL,
  fully_online       BIGINT NOT NULL,
  working_days_sum   BIGINT NOT NULL,
  legal_days_sum     BIGINT NOT NULL,
  promised_days_sum  BIGINT NOT NULL,
  visits_avoided     BIGINT NOT NULL,
  level_1            BIGINT NOT NULL,
  level_2            BIGINT NOT NULL,
  level_3            BIGINT NOT NULL,
  level_4            BIGINT NOT NULL,
  level_5            BIGINT NOT NULL,
  rectified_on_time  BIGINT NOT NULL,
  rectified_late     BIGINT NOT NULL,
  escalated          BIGINT NOT NULL,
  PRIMARY KEY (month, department, item, district, channel)
);

-- Decided cases per working days taken (capped at domain::kMaxCountedWorkingDays): the
-- 90th percentile of a slice is read from these without reading a case.
CREATE TABLE metric_durations (
  month       TEXT NOT NULL,
  department  TEXT NOT NULL,
  item        TEXT NOT NULL,
  district    TEXT NOT NULL,
  channel     TEXT NOT NULL,
  days        BIGINT NOT NULL,
  cases       BIGINT NOT NULL,
  PRIMARY KEY (month, department, item, district, channel, days)
);
