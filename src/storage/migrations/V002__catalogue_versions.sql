-- The service catalogue as versioned data (docs/product.md C1, C14): every published version with who,
-- when and why. Servers serve the latest and poll its number to pick up a new one.
CREATE TABLE catalogue_versions (
  version      BIGINT PRIMARY KEY,       -- 1, 2, ...; two publishers at once: one gets a conflict
  published_at BIGINT NOT NULL,          -- unix seconds
  published_by TEXT NOT NULL,
  reason       TEXT NOT NULL,
  files        TEXT NOT NULL,            -- JSON object: relative path -> YAML text
  sha256       TEXT NOT NULL             -- of files, to tell whether a folder differs
);
