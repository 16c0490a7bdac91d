-- Kiosk sessions (issue 11 item 5): a session opened at a kiosk by a person's identity code is of
-- kind 'kiosk': only the /kiosk pages accept it, and it expires a short idle time after its last
-- request (sliding: each request moves expires_at). NULL: an ordinary session (password sign-in).
-- The code that opened one is recorded in used_presentation_nonces (V014) so that it opens no other.
ALTER TABLE sessions ADD COLUMN kind TEXT;
