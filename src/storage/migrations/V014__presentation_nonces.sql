-- The one-time nonces of SD-JWT presentations (services/verification.h): online verification
-- records a presentation's nonce the first time it is valid, so the same presentation shown again
-- is a replay. A row is kept until the presentation expires (then it cannot be valid anyway) and
-- purged in batches by expires_at.
CREATE TABLE used_presentation_nonces (
  nonce_key  TEXT PRIMARY KEY,   -- SHA-256 hex of issuer, audience and nonce (never the nonce itself)
  expires_at BIGINT NOT NULL
);
CREATE INDEX used_presentation_nonces_expiry ON used_presentation_nonces (expires_at);
