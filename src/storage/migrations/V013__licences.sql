-- Electronic licences (ports/licence_repository.h, services/licences.h, docs/product.md C6).
-- A licence keeps the credential and QR token signed when it was issued; its status changes are
-- published through W3C Bitstring Status Lists: every licence holds one random, never reused
-- index of one list (licence_status_lists counts each list's licences).
CREATE TABLE licences (
  id             TEXT PRIMARY KEY,       -- ULID
  type           TEXT NOT NULL,          -- licence type code (catalogue licence-types.yaml)
  holder_kind    TEXT NOT NULL,          -- person | enterprise
  holder_id      TEXT NOT NULL,          -- ID number or unified social credit code
  holder_name    TEXT NOT NULL,
  issuer         TEXT NOT NULL,          -- department code
  application_id TEXT,                   -- the approved application; NULL for an industry licence
  issued_at      BIGINT NOT NULL,
  valid_until    BIGINT,                 -- NULL: no expiry
  delivered_at   BIGINT,                 -- handed to the holder
  own_status     TEXT NOT NULL,          -- valid | suspended | revoked: the issuer's decision
  status         TEXT NOT NULL,          -- in force (an industry licence follows its parts)
  claims         TEXT NOT NULL,          -- JSON object
  parts          TEXT NOT NULL,          -- JSON array of licence ids ([] unless industry)
  status_list    TEXT NOT NULL,
  status_index   BIGINT NOT NULL,
  credential     TEXT NOT NULL,          -- compact JWS, typ vc+jwt
  qr_token       TEXT NOT NULL,          -- compact JWS, typ lic+jwt
  version        BIGINT NOT NULL
);
CREATE INDEX licences_holder ON licences (holder_kind, holder_id, id);
CREATE INDEX licences_holder_type ON licences (holder_kind, holder_id, type, id);
CREATE INDEX licences_application ON licences (application_id);
CREATE UNIQUE INDEX licences_status_slot ON licences (status_list, status_index);
-- The bits of a list: its licences that are not valid, without reading the valid ones.
CREATE INDEX licences_list_status ON licences (status_list, status, status_index);

-- Which industry licences stand for which part licences.
CREATE TABLE licence_parts (
  part_id     TEXT NOT NULL,
  industry_id TEXT NOT NULL,
  PRIMARY KEY (part_id, industry_id)
);

CREATE TABLE licence_status_lists (
  id         TEXT PRIMARY KEY,           -- "1", "2", ...
  seq        BIGINT NOT NULL UNIQUE,
  used       BIGINT NOT NULL,            -- licences holding an index of this list
  created_at BIGINT NOT NULL
);

CREATE TABLE licence_status_changes (
  licence_id    TEXT NOT NULL,
  seq           BIGINT NOT NULL,
  status        TEXT NOT NULL,           -- in force after the change
  action        TEXT NOT NULL,           -- issue | suspend | revoke | reinstate | part
  actor_user_id TEXT NOT NULL,
  at            BIGINT NOT NULL,
  reason        TEXT NOT NULL,
  PRIMARY KEY (licence_id, seq)
);
