-- Expired sessions and old login failures are deleted in batches by age; the (key, at) index
-- cannot serve a range on `at` alone.
CREATE INDEX login_failures_at ON login_failures (at);
