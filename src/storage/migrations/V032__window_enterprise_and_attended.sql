-- Issue 11's last gaps (services/window.h, services/queue.h).

-- An enterprise at the comprehensive window: a district centre's clerk scans the enterprise's
-- identity code shown by its agent; the visit is the enterprise's (its credit code here) and
-- person_id / person_user_id name the agent who presented the code. '' for a person's visit.
ALTER TABLE window_visits ADD COLUMN enterprise TEXT NOT NULL DEFAULT '';

-- One A ticket per booking. Tickets taken for one appointment before this version (two requests
-- at once could each take one) keep their numbers, the later ones as walk-ins; appointments that
-- have their ticket are attended.
UPDATE queue_tickets SET appointment_id = ''
 WHERE appointment_id <> ''
   AND id <> (SELECT MIN(t.id) FROM queue_tickets t WHERE t.appointment_id = queue_tickets.appointment_id);
UPDATE appointments SET status = 'attended'
 WHERE status = 'booked' AND id IN (SELECT appointment_id FROM queue_tickets WHERE appointment_id <> '');
-- The ticket of an appointment (TicketOfAppointment), and the backstop of MarkAppointmentAttended's
-- conditional UPDATE: a second ticket for one booking cannot be inserted on either database.
CREATE UNIQUE INDEX queue_tickets_appointment ON queue_tickets (appointment_id) WHERE appointment_id <> '';
