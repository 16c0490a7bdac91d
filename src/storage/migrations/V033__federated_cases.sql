-- Federation messages (issue 14 items 4 and 5, services/federation_messages.h): every message id
-- taken from a peer, recorded in the transaction of what the message caused, so that a message
-- delivered twice (a retry, a replay) changes nothing the second time.
CREATE TABLE federation_inbox (
  id          TEXT PRIMARY KEY,
  peer        TEXT NOT NULL,
  kind        TEXT NOT NULL,
  received_at BIGINT NOT NULL
);

-- Cross-province cases (跨省通办, services/cross_province.h): the application row of each side, with
-- its side's part. On the platform where the person applied (side 'origin', 收件地) the case waits
-- for the peer (forwarded_at NULL) until the peer took it, then mirrors the peer's events up to
-- peer_seq. On the platform that handles it (side 'handler', 办理地) peer_application is the
-- origin's id, which every state change sent back names.
CREATE TABLE federated_cases (
  application_id   TEXT PRIMARY KEY REFERENCES applications (id),
  side             TEXT NOT NULL,            -- origin | handler
  peer             TEXT NOT NULL,            -- the other platform's code
  peer_application TEXT NOT NULL,            -- the case's id there ('' until the origin learns it)
  peer_reference   TEXT NOT NULL,            -- and its reference number there
  item_name_zh     TEXT NOT NULL,
  item_name_en     TEXT NOT NULL,
  department_zh    TEXT NOT NULL,            -- the handling department, as the handler names it
  department_en    TEXT NOT NULL,
  delivery         TEXT NOT NULL,            -- where the result is delivered: origin | handler
  delivery_address TEXT NOT NULL,
  forwarded_at     BIGINT,                   -- origin: when the handler took the case
  peer_seq         BIGINT NOT NULL           -- origin: the handler's last event mirrored here
);
-- The cases waiting for (or handled for) one peer, for its administration page.
CREATE INDEX federated_cases_peer ON federated_cases (peer, application_id);
-- The handler's case for an origin's case, which the origin's messages name.
CREATE UNIQUE INDEX federated_cases_peer_application ON federated_cases (peer, peer_application, side)
  WHERE peer_application <> '';

-- The items each peer handles for people of other provinces, as it last answered (items.list).
CREATE TABLE federation_peer_items (
  peer       TEXT NOT NULL,
  code       TEXT NOT NULL,
  document   TEXT NOT NULL,                  -- the item as the peer published it (JSON)
  fetched_at BIGINT NOT NULL,
  PRIMARY KEY (peer, code)
);
