// Appointments and queue tickets at service centres (issue 11 item 4, services/queue.h): the
// storage the use cases need. Slot capacity is guarded by one conditional UPDATE per booking
// (TakeSlotPlace), safe under PostgreSQL READ COMMITTED; ticket numbers come from a counter row
// updated in one statement; calling the next ticket claims it with a conditional UPDATE, so two
// clerks never get the same ticket. No personal data beyond user and person ids.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "domain/queue.h"

namespace tongban::ports {

struct Appointment {
  std::string id;
  std::string reference;
  std::string centre;
  Timestamp slot_start{};
  std::string item;
  std::string user_id;
  std::string person_id;
  domain::AppointmentStatus status = domain::AppointmentStatus::kBooked;
  Timestamp created_at{};
  std::optional<Timestamp> cancelled_at;
};

struct Ticket {
  std::string id;
  std::string centre;
  std::string day;  // YYYY-MM-DD
  std::string series;
  int64_t number = 0;
  std::string appointment_id;  // "" for a walk-in
  std::string user_id;         // "" for an anonymous walk-in
  domain::TicketStatus status = domain::TicketStatus::kWaiting;
  std::string counter;
  std::string called_by;
  Timestamp taken_at{};
  std::optional<Timestamp> called_at;
  std::optional<Timestamp> finished_at;
};

inline constexpr int kMaxAppointmentPage = 100;
inline constexpr int kMaxCalledShown = 20;

class QueueRepository {
 public:
  virtual ~QueueRepository() = default;

  // Takes one place in the slot, creating its row with `capacity` when it is the first booking.
  // true: taken; false: the slot is full (nothing changed).
  virtual Result<bool> TakeSlotPlace(const std::string& centre, Timestamp slot_start, int capacity) = 0;
  // Gives a place back (a cancellation).
  virtual Status ReleaseSlotPlace(const std::string& centre, Timestamp slot_start) = 0;
  // The places taken in the centre's slots starting in [from, to), by slot start (seconds).
  virtual Result<std::map<int64_t, int64_t>> SlotBookings(const std::string& centre, Timestamp from, Timestamp to) = 0;

  // Stores a new booked appointment. kConflict (error.appointment.already_booked) when the user
  // already holds a booked appointment in that slot.
  virtual Status InsertAppointment(const Appointment& appointment) = 0;
  // kNotFound (error.appointment.not_found).
  virtual Result<Appointment> GetAppointment(const std::string& id) = 0;
  // booked -> cancelled; false when it was not booked.
  virtual Result<bool> CancelAppointment(const std::string& id, Timestamp at) = 0;
  // The user's appointments, latest slot first; `before` (a slot start, id) continues a page.
  virtual Result<std::vector<Appointment>> ListAppointmentsOfUser(const std::string& user_id,
                                                                  std::optional<std::pair<Timestamp, std::string>> before,
                                                                  int limit) = 0;
  // The user's booked appointment at the centre with a slot in [from, to), or nullopt.
  virtual Result<std::optional<Appointment>> BookedAppointmentBetween(const std::string& user_id,
                                                                      const std::string& centre, Timestamp from,
                                                                      Timestamp to) = 0;
  // The user's attended appointment at the centre with a slot in [from, to) (they took its ticket
  // already), or nullopt.
  virtual Result<std::optional<Appointment>> AttendedAppointmentBetween(const std::string& user_id,
                                                                        const std::string& centre, Timestamp from,
                                                                        Timestamp to) = 0;
  // booked -> attended in one conditional UPDATE (`WHERE status = 'booked'`): true for the one
  // transaction that changed it, false when it was not booked any more (another request for the
  // same booking won; on PostgreSQL that request's row lock is waited for, then the row re-read).
  virtual Result<bool> MarkAppointmentAttended(const std::string& id) = 0;
  // The ticket taken for an appointment (at most one: unique index), or nullopt.
  virtual Result<std::optional<Ticket>> TicketOfAppointment(const std::string& appointment_id) = 0;

  // The next number of the series at the centre that day (1, 2, ...), in one statement.
  virtual Result<int64_t> NextTicketNumber(const std::string& centre, const std::string& day,
                                           const std::string& series) = 0;
  // kConflict (error.ticket.appointment_has_ticket) when the appointment has a ticket already.
  virtual Status InsertTicket(const Ticket& ticket) = 0;
  // kNotFound (error.ticket.not_found).
  virtual Result<Ticket> GetTicket(const std::string& id) = 0;
  // Claims the first waiting ticket of the centre's day (series A before B, then by number) for
  // `counter`; nullopt when none is waiting.
  virtual Result<std::optional<Ticket>> CallNextTicket(const std::string& centre, const std::string& day,
                                                       const std::string& counter, const std::string& clerk,
                                                       Timestamp at) = 0;
  // called -> done or no_show, for a ticket of `centre`; false when it is not called there.
  virtual Result<bool> FinishTicket(const std::string& id, const std::string& centre, domain::TicketStatus outcome,
                                    Timestamp at) = 0;
  // The centre's last called tickets of the day, latest first (at most kMaxCalledShown).
  virtual Result<std::vector<Ticket>> LastCalledTickets(const std::string& centre, const std::string& day,
                                                        int limit) = 0;
  // How many tickets of the centre's day are waiting (bounded by the day's numbers).
  virtual Result<int64_t> WaitingCount(const std::string& centre, const std::string& day) = 0;
};

}  // namespace tongban::ports
