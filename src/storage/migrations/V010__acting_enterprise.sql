-- The enterprise an agent acts for in a session (the enterprise switcher): kept with the session,
-- so every server behind a load balancer agrees. NULL: acting for themselves.
ALTER TABLE sessions ADD COLUMN acting_enterprise TEXT;
