-- Pilots (先行先试, issue 13 item 5): each application records the pilot whose item variant it was
-- created under (its promised limit, channels, materials), so that promoting a pilot city-wide or
-- ending it never changes a running case. '': created under no pilot.
ALTER TABLE applications ADD COLUMN pilot TEXT NOT NULL DEFAULT '';
