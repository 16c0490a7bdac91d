// Appointments and queue tickets at service centres (PRODUCT.md C3, issue 11 item 4): a person
// books a slot of a centre's schedule (centres.yaml) for an item the centre takes, takes a ticket
// on arrival (series A with an appointment that day, B as a walk-in, numbers per centre and day),
// and a clerk of the centre calls the next ticket to their counter and marks it done or no-show.
// The display shows the last called numbers and counters only: no personal data.
// Thread-safety: stateless functions over a shared Context; each use case is one transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ports/queue_repository.h"
#include "services/context.h"

namespace tongban::services {

struct SlotView {
  Timestamp start{};
  int capacity = 0;
  int left = 0;
};

struct SlotDay {
  Date date{};
  domain::ClosedReason closed = domain::ClosedReason::kOpen;
  std::vector<SlotView> slots;
};

// The centre's slots on the day `date` (YYYY-MM-DD) with the places left. A day without slots
// answers an empty list and its reason. kNotFound (error.centre.not_found) for an unknown centre,
// kInvalidArgument (error.slots.date_invalid) unless the date is YYYY-MM-DD.
Result<SlotDay> ListSlots(const Context& ctx, const std::string& centre, const std::string& date);

struct BookingRequest {
  std::string centre;
  std::string slot;  // "2026-12-01T09:30", city-local (domain::FormatSlot)
  std::string item;
};

// Books one place for the actor. kNotFound: error.centre.not_found, error.item.not_found;
// kInvalidArgument: error.appointment.slot_invalid (not a slot of the centre's schedule on a day it
// is open), error.appointment.item_not_here (the centre does not take the item at its window),
// error.appointment.past, error.appointment.too_far (past the centre's horizon); kConflict:
// error.appointment.already_booked (the actor holds this slot already), error.appointment.slot_full.
// The capacity check and the booking are one conditional UPDATE: never overbooked.
Result<ports::Appointment> BookAppointment(const Context& ctx, const Actor& actor, const BookingRequest& request);

// Cancels the actor's booked appointment and gives its place back. kNotFound
// (error.appointment.not_found) unless it is the actor's; kConflict (error.appointment.not_booked)
// when it is cancelled already or its slot has begun.
Result<ports::Appointment> CancelAppointment(const Context& ctx, const Actor& actor, const std::string& id);

struct AppointmentPage {
  std::vector<ports::Appointment> appointments;
  std::string next;  // page token of the next page, "" at the end
};
// The actor's appointments, latest slot first, `limit` (1..100) at a time; kInvalidArgument
// (error.page_token) for a token this did not give.
Result<AppointmentPage> ListMyAppointments(const Context& ctx, const Actor& actor, const std::string& page_token,
                                           int limit);

// Anonymous walk-in tickets one client address may take, across all centres, in the last
// kWalkInWindowMinutes: enough for a family or a shared kiosk, not for a script draining a day's
// numbers. Counted in the database (the throttle rows of ports/session_repository.h), so every
// server behind the load balancer sees the same count and a restart forgets nothing.
inline constexpr int kWalkInTicketsPerAddress = 10;
inline constexpr int kWalkInWindowMinutes = 15;

// A ticket taken at the centre today, by a signed-in actor (nullptr: an anonymous walk-in from
// `client_address`). With a booked appointment at the centre today the ticket is in series A and
// linked to it, and the appointment becomes attended in the ticket's transaction; one booking gets
// one A ticket: asking again (or twice at once) answers that ticket (`existing`), no new number.
// Otherwise B. kNotFound (error.centre.not_found); kConflict (error.ticket.closed) on a day the
// centre is closed; kResourceExhausted (error.ticket.too_many) for an anonymous walk-in past
// kWalkInTicketsPerAddress in the window (nothing taken).
struct TakenTicket {
  ports::Ticket ticket;
  bool existing = false;  // the appointment's ticket, taken before
};
Result<TakenTicket> TakeTicket(const Context& ctx, const Actor* actor, const std::string& centre,
                               const std::string& client_address);

// The ticket (kNotFound error.ticket.not_found) and how many tickets of its day wait.
struct TicketView {
  ports::Ticket ticket;
  int64_t waiting = 0;
};
Result<TicketView> GetTicket(const Context& ctx, const std::string& id);

// The clerk calls the next ticket of their own centre to `counter` (1 to 16 letters, digits or
// hyphens). kPermissionDenied (error.ticket.not_your_centre) unless the actor is a clerk of
// `centre`; kInvalidArgument (error.ticket.counter_invalid); kNotFound (error.ticket.queue_empty)
// when nobody waits. Two clerks calling at once never get the same ticket.
Result<ports::Ticket> CallNextTicket(const Context& ctx, const Actor& actor, const std::string& centre,
                                     const std::string& counter);

// A called ticket of the clerk's centre is done or a no-show. kPermissionDenied as CallNextTicket;
// kInvalidArgument (error.ticket.outcome_invalid) for another outcome; kNotFound
// (error.ticket.not_found); kConflict (error.ticket.not_called) unless it is called.
Result<ports::Ticket> FinishTicket(const Context& ctx, const Actor& actor, const std::string& centre,
                                   const std::string& id, domain::TicketStatus outcome);

// What the centre's display shows: the last called tickets today (latest first) and how many wait.
struct DisplayView {
  std::vector<ports::Ticket> called;
  int64_t waiting = 0;
};
Result<DisplayView> CentreDisplay(const Context& ctx, const std::string& centre, int limit = 10);

}  // namespace tongban::services
