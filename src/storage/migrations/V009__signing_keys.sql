-- The platform's one key store (ports/key_repository.h, crypto/key_store.h): every Ed25519 key
-- Tongban signs with. Private keys are only ever here sealed (crypto_secretbox under the
-- key-encryption key of keys.dir); kek_id names that key-encryption key. A rotated-out key stays
-- 'retired' so that what it signed still verifies; at most one 'active' key per owner.
CREATE TABLE signing_keys (
  kid           TEXT PRIMARY KEY,       -- RFC 7638 JWK thumbprint, base64url
  owner_kind    TEXT NOT NULL,          -- issuer | purpose
  owner         TEXT NOT NULL,          -- a department code, or log | identity | trust_list | ...
  public_key    TEXT NOT NULL,          -- base64url, 32 bytes
  sealed_secret TEXT NOT NULL,          -- base64url of nonce || crypto_secretbox(seed)
  kek_id        TEXT NOT NULL,
  state         TEXT NOT NULL,          -- active | retired
  created_at    BIGINT NOT NULL,
  retired_at    BIGINT
);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (owner_kind, owner) WHERE state = 'active';
CREATE INDEX signing_keys_owner ON signing_keys (owner_kind, owner, created_at);
