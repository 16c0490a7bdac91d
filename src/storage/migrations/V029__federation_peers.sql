-- Federation peers (issue 14, ports/federation_repository.h, services/federation.h): the platforms
-- this one trusts, each pinned by the RFC 7638 thumbprint of its list key, with the last trust list
-- that verified (list_jws) until it expires. A failed refresh keeps the old list and records why
-- (last_error, an i18n key). A removed peer's row is deleted: nothing of it is trusted any more.
CREATE TABLE federation_peers (
  code              TEXT PRIMARY KEY,
  url               TEXT NOT NULL,
  name_zh           TEXT NOT NULL,
  name_en           TEXT NOT NULL,
  fingerprint       TEXT NOT NULL,        -- the kid (thumbprint) of the list key trusted now
  list_key          TEXT NOT NULL,        -- that key's public key, base64url
  list_jws          TEXT NOT NULL,        -- the last trust list that verified ('' before the first)
  valid_until       BIGINT,               -- its exp
  fetched_at        BIGINT,
  refresh_at        BIGINT NOT NULL,      -- when the refresh job fetches the list again
  last_error        TEXT NOT NULL,        -- '' after a good refresh
  last_error_detail TEXT NOT NULL,
  last_error_at     BIGINT,
  added_at          BIGINT NOT NULL
);
-- The refresh job's peers that are due, soonest first.
CREATE INDEX federation_peers_refresh_at ON federation_peers (refresh_at, code);
