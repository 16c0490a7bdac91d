-- Each application records the published catalogue version it was made under, so that what it
-- was decided on (the item, its legal basis, its materials) can be found again after the
-- catalogue changes; a signed licence refers to it. 0: made before versions were recorded.
ALTER TABLE applications ADD COLUMN catalogue_version BIGINT NOT NULL DEFAULT 0;
