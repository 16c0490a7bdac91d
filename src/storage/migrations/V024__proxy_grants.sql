-- Family proxies (ports/proxy_repository.h, services/proxies.h, issue 12 item 4): a person lets a
-- family member act for them for chosen personal items until a date; withdrawn_at is set when
-- they withdraw it. Rows are kept after they end: the person sees the grants they gave and what
-- was done under them (events record the proxy as actor_role 'proxy').
CREATE TABLE proxy_grants (
  id                TEXT PRIMARY KEY,
  grantor_user_id   TEXT NOT NULL,
  grantor_person_id TEXT NOT NULL,
  proxy_user_id     TEXT NOT NULL,
  items             TEXT NOT NULL,        -- JSON array of item codes (personal items), never empty
  valid_until       BIGINT NOT NULL,
  created_at        BIGINT NOT NULL,
  withdrawn_at      BIGINT                -- NULL while not withdrawn
);
-- The grants a person gave, newest first, a page at a time.
CREATE INDEX proxy_grants_grantor ON proxy_grants (grantor_user_id, created_at, id);
-- The grants a proxy holds, and those for one person (the rights check of every proxy action).
CREATE INDEX proxy_grants_proxy ON proxy_grants (proxy_user_id, grantor_person_id, valid_until);
CREATE INDEX proxy_grants_proxy_until ON proxy_grants (proxy_user_id, valid_until, id);
