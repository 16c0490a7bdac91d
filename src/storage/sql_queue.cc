#include "storage/sql_queue.h"

#include <algorithm>
#include <string_view>

namespace tongban::storage {
namespace {

using ports::Appointment;
using ports::Ticket;

constexpr std::string_view kEnsureSlot =
    "INSERT INTO appointment_slots (centre, slot_start, capacity, booked) VALUES ($1, $2, $3, 0)"
    " ON CONFLICT (centre, slot_start) DO NOTHING";
// The capacity check and the booking in one statement: under READ COMMITTED a second booker waits
// for the first's row lock and then re-evaluates `booked < capacity` on the committed row.
constexpr std::string_view kTakePlace =
    "UPDATE appointment_slots SET booked = booked + 1 WHERE centre = $1 AND slot_start = $2 AND booked < capacity";
constexpr std::string_view kReleasePlace =
    "UPDATE appointment_slots SET booked = booked - 1 WHERE centre = $1 AND slot_start = $2 AND booked > 0";
constexpr std::string_view kSlotBookings =
    "SELECT slot_start, booked FROM appointment_slots WHERE centre = $1 AND slot_start >= $2 AND slot_start < $3"
    " ORDER BY slot_start LIMIT 1000";

#define TB_APPOINTMENT_COLUMNS \
  "id, reference, centre, slot_start, item, user_id, person_id, status, created_at, cancelled_at"
constexpr std::string_view kInsertAppointment =
    "INSERT INTO appointments (" TB_APPOINTMENT_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
constexpr std::string_view kSelectAppointment = "SELECT " TB_APPOINTMENT_COLUMNS " FROM appointments WHERE id = $1";
constexpr std::string_view kCancelAppointment =
    "UPDATE appointments SET status = 'cancelled', cancelled_at = $2 WHERE id = $1 AND status = 'booked'";
constexpr std::string_view kAppointmentsFirst =
    "SELECT " TB_APPOINTMENT_COLUMNS " FROM appointments WHERE user_id = $1 ORDER BY slot_start DESC, id DESC LIMIT $2";
constexpr std::string_view kAppointmentsBefore =
    "SELECT " TB_APPOINTMENT_COLUMNS " FROM appointments WHERE user_id = $1"
    " AND (slot_start < $3 OR (slot_start = $3 AND id < $4)) ORDER BY slot_start DESC, id DESC LIMIT $2";
constexpr std::string_view kBookedBetween =
    "SELECT " TB_APPOINTMENT_COLUMNS " FROM appointments WHERE user_id = $1 AND slot_start >= $3 AND slot_start < $4"
    " AND centre = $2 AND status = 'booked' ORDER BY slot_start LIMIT 1";
constexpr std::string_view kAttendedBetween =
    "SELECT " TB_APPOINTMENT_COLUMNS " FROM appointments WHERE user_id = $1 AND slot_start >= $3 AND slot_start < $4"
    " AND centre = $2 AND status = 'attended' ORDER BY slot_start LIMIT 1";
#undef TB_APPOINTMENT_COLUMNS
// One ticket per booking: only the request whose UPDATE changes the row takes the A ticket. On
// PostgreSQL a second request waits for the first's row lock, then re-evaluates `status = 'booked'`
// on the committed row and changes nothing; SQLite has one writer.
constexpr std::string_view kMarkAttended = "UPDATE appointments SET status = 'attended' WHERE id = $1 AND status = 'booked'";

constexpr std::string_view kNextTicketNumber =
    "INSERT INTO ticket_counters (centre, day, series, last) VALUES ($1, $2, $3, 1)"
    " ON CONFLICT (centre, day, series) DO UPDATE SET last = ticket_counters.last + 1 RETURNING last";
#define TB_TICKET_COLUMNS                                                                                     \
  "id, centre, day, series, number, appointment_id, user_id, status, counter, called_by, taken_at, called_at," \
  " finished_at"
constexpr std::string_view kInsertTicket =
    "INSERT INTO queue_tickets (" TB_TICKET_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
constexpr std::string_view kSelectTicket = "SELECT " TB_TICKET_COLUMNS " FROM queue_tickets WHERE id = $1";
// Through queue_tickets_appointment (V032, unique where appointment_id <> '').
constexpr std::string_view kTicketOfAppointment =
    "SELECT " TB_TICKET_COLUMNS " FROM queue_tickets WHERE appointment_id = $1 AND appointment_id <> ''";
constexpr std::string_view kFirstWaiting =
    "SELECT id FROM queue_tickets WHERE centre = $1 AND day = $2 AND status = 'waiting'"
    " ORDER BY series, number LIMIT 1";
// Claims the ticket only while it is still waiting: a second clerk who picked the same one waits
// for the first's row lock (PostgreSQL) and then changes nothing, and looks again.
constexpr std::string_view kClaimTicket =
    "UPDATE queue_tickets SET status = 'called', counter = $2, called_by = $3, called_at = $4"
    " WHERE id = $1 AND status = 'waiting' RETURNING " TB_TICKET_COLUMNS;
constexpr std::string_view kFinishTicket =
    "UPDATE queue_tickets SET status = $3, finished_at = $4 WHERE id = $1 AND centre = $2 AND status = 'called'";
constexpr std::string_view kLastCalled =
    "SELECT " TB_TICKET_COLUMNS " FROM queue_tickets WHERE centre = $1 AND day = $2 AND called_at IS NOT NULL"
    " ORDER BY called_at DESC, id DESC LIMIT $3";
#undef TB_TICKET_COLUMNS
constexpr std::string_view kWaitingCount =
    "SELECT COUNT(*) FROM queue_tickets WHERE centre = $1 AND day = $2 AND status = 'waiting'";

// A claim lost to another clerk is retried this many times before answering kUnavailable.
constexpr int kCallAttempts = 50;

std::optional<Timestamp> OptionalTime(std::optional<int64_t> seconds) {
  if (!seconds) return std::nullopt;
  return FromSeconds(*seconds);
}

std::optional<int64_t> OptionalSeconds(std::optional<Timestamp> at) {
  if (!at) return std::nullopt;
  return Seconds(*at);
}

Result<Appointment> ReadAppointment(Statement& statement) {
  Columns c(statement);
  Appointment a;
  a.id = c.Text();
  a.reference = c.Text();
  a.centre = c.Text();
  a.slot_start = FromSeconds(c.Int());
  a.item = c.Text();
  a.user_id = c.Text();
  a.person_id = c.Text();
  const std::string status = c.Text();
  const auto parsed = domain::ParseAppointmentStatus(status);
  if (!parsed) return Corrupt("appointments.status '" + status + "'");
  a.status = *parsed;
  a.created_at = FromSeconds(c.Int());
  a.cancelled_at = OptionalTime(c.OptionalInt());
  return a;
}

Result<Ticket> ReadTicket(Statement& statement) {
  Columns c(statement);
  Ticket t;
  t.id = c.Text();
  t.centre = c.Text();
  t.day = c.Text();
  t.series = c.Text();
  t.number = c.Int();
  t.appointment_id = c.Text();
  t.user_id = c.Text();
  const std::string status = c.Text();
  const auto parsed = domain::ParseTicketStatus(status);
  if (!parsed) return Corrupt("queue_tickets.status '" + status + "'");
  t.status = *parsed;
  t.counter = c.Text();
  t.called_by = c.Text();
  t.taken_at = FromSeconds(c.Int());
  t.called_at = OptionalTime(c.OptionalInt());
  t.finished_at = OptionalTime(c.OptionalInt());
  return t;
}

}  // namespace

Result<bool> SqlQueue::TakeSlotPlace(const std::string& centre, Timestamp slot_start, int capacity) {
  TB_RETURN_IF_ERROR(sql_.Run(kEnsureSlot, [&](Binder& b) { b.Text(centre).Int(Seconds(slot_start)).Int(capacity); }));
  TB_ASSIGN_OR_RETURN(const int64_t changed,
                      sql_.Execute(kTakePlace, [&](Binder& b) { b.Text(centre).Int(Seconds(slot_start)); }));
  return changed > 0;
}

Status SqlQueue::ReleaseSlotPlace(const std::string& centre, Timestamp slot_start) {
  return sql_.Run(kReleasePlace, [&](Binder& b) { b.Text(centre).Int(Seconds(slot_start)); });
}

Result<std::map<int64_t, int64_t>> SqlQueue::SlotBookings(const std::string& centre, Timestamp from, Timestamp to) {
  using Row = std::pair<int64_t, int64_t>;
  TB_ASSIGN_OR_RETURN(std::vector<Row> rows, sql_.All<Row>(kSlotBookings, [&](Binder& b) {
    b.Text(centre).Int(Seconds(from)).Int(Seconds(to));
  }, [](Statement& s) -> Result<Row> {
    Columns c(s);
    const int64_t start = c.Int();
    return Row{start, c.Int()};
  }));
  return std::map<int64_t, int64_t>(rows.begin(), rows.end());
}

Status SqlQueue::InsertAppointment(const Appointment& a) {
  Status inserted = sql_.Run(kInsertAppointment, [&](Binder& b) {
    b.Text(a.id)
        .Text(a.reference)
        .Text(a.centre)
        .Int(Seconds(a.slot_start))
        .Text(a.item)
        .Text(a.user_id)
        .Text(a.person_id)
        .Text(domain::AppointmentStatusName(a.status))
        .Int(Seconds(a.created_at))
        .OptionalInt(OptionalSeconds(a.cancelled_at));
  });
  if (!inserted.ok() && inserted.error().code == ErrorCode::kConflict) {
    return MakeError(ErrorCode::kConflict, "error.appointment.already_booked");
  }
  return inserted;
}

Result<Appointment> SqlQueue::GetAppointment(const std::string& id) {
  return sql_.One<Appointment>(kSelectAppointment, [&](Binder& b) { b.Text(id); }, "error.appointment.not_found",
                               ReadAppointment);
}

Result<bool> SqlQueue::CancelAppointment(const std::string& id, Timestamp at) {
  TB_ASSIGN_OR_RETURN(const int64_t changed,
                      sql_.Execute(kCancelAppointment, [&](Binder& b) { b.Text(id).Int(Seconds(at)); }));
  return changed > 0;
}

Result<std::vector<Appointment>> SqlQueue::ListAppointmentsOfUser(
    const std::string& user_id, std::optional<std::pair<Timestamp, std::string>> before, int limit) {
  const int page = std::clamp(limit, 1, ports::kMaxAppointmentPage);
  if (!before) {
    return sql_.All<Appointment>(kAppointmentsFirst, [&](Binder& b) { b.Text(user_id).Int(page); }, ReadAppointment);
  }
  return sql_.All<Appointment>(kAppointmentsBefore, [&](Binder& b) {
    b.Text(user_id).Int(page).Int(Seconds(before->first)).Text(before->second);
  }, ReadAppointment);
}

Result<std::optional<Appointment>> SqlQueue::BookedAppointmentBetween(const std::string& user_id,
                                                                      const std::string& centre, Timestamp from,
                                                                      Timestamp to) {
  auto found = sql_.One<Appointment>(kBookedBetween, [&](Binder& b) {
    b.Text(user_id).Text(centre).Int(Seconds(from)).Int(Seconds(to));
  }, "", ReadAppointment);
  if (found.ok()) return std::optional<Appointment>(std::move(found).value());
  if (found.error().code == ErrorCode::kNotFound) return std::optional<Appointment>();
  return found.take_error();
}

Result<std::optional<Appointment>> SqlQueue::AttendedAppointmentBetween(const std::string& user_id,
                                                                        const std::string& centre, Timestamp from,
                                                                        Timestamp to) {
  auto found = sql_.One<Appointment>(kAttendedBetween, [&](Binder& b) {
    b.Text(user_id).Text(centre).Int(Seconds(from)).Int(Seconds(to));
  }, "", ReadAppointment);
  if (found.ok()) return std::optional<Appointment>(std::move(found).value());
  if (found.error().code == ErrorCode::kNotFound) return std::optional<Appointment>();
  return found.take_error();
}

Result<bool> SqlQueue::MarkAppointmentAttended(const std::string& id) {
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kMarkAttended, [&](Binder& b) { b.Text(id); }));
  return changed > 0;
}

Result<std::optional<Ticket>> SqlQueue::TicketOfAppointment(const std::string& appointment_id) {
  auto found = sql_.One<Ticket>(kTicketOfAppointment, [&](Binder& b) { b.Text(appointment_id); }, "", ReadTicket);
  if (found.ok()) return std::optional<Ticket>(std::move(found).value());
  if (found.error().code == ErrorCode::kNotFound) return std::optional<Ticket>();
  return found.take_error();
}

Result<int64_t> SqlQueue::NextTicketNumber(const std::string& centre, const std::string& day,
                                           const std::string& series) {
  TB_RETURN_IF_ERROR(sql_.RequireWritable());
  return sql_.One<int64_t>(kNextTicketNumber, [&](Binder& b) { b.Text(centre).Text(day).Text(series); }, "",
                           [](Statement& s) -> Result<int64_t> { return Columns(s).Int(); });
}

Status SqlQueue::InsertTicket(const Ticket& t) {
  Status inserted = sql_.Run(kInsertTicket, [&](Binder& b) {
    b.Text(t.id)
        .Text(t.centre)
        .Text(t.day)
        .Text(t.series)
        .Int(t.number)
        .Text(t.appointment_id)
        .Text(t.user_id)
        .Text(domain::TicketStatusName(t.status))
        .Text(t.counter)
        .Text(t.called_by)
        .Int(Seconds(t.taken_at))
        .OptionalInt(OptionalSeconds(t.called_at))
        .OptionalInt(OptionalSeconds(t.finished_at));
  });
  if (!inserted.ok() && inserted.error().code == ErrorCode::kConflict && !t.appointment_id.empty()) {
    return MakeError(ErrorCode::kConflict, "error.ticket.appointment_has_ticket");
  }
  return inserted;
}

Result<Ticket> SqlQueue::GetTicket(const std::string& id) {
  return sql_.One<Ticket>(kSelectTicket, [&](Binder& b) { b.Text(id); }, "error.ticket.not_found", ReadTicket);
}

Result<std::optional<Ticket>> SqlQueue::CallNextTicket(const std::string& centre, const std::string& day,
                                                       const std::string& counter, const std::string& clerk,
                                                       Timestamp at) {
  TB_RETURN_IF_ERROR(sql_.RequireWritable());
  for (int attempt = 0; attempt < kCallAttempts; ++attempt) {
    auto first = sql_.One<std::string>(kFirstWaiting, [&](Binder& b) { b.Text(centre).Text(day); }, "",
                                       [](Statement& s) -> Result<std::string> { return Columns(s).Text(); });
    if (!first.ok()) {
      if (first.error().code == ErrorCode::kNotFound) return std::optional<Ticket>();
      return first.take_error();
    }
    auto claimed = sql_.One<Ticket>(kClaimTicket, [&](Binder& b) {
      b.Text(*first).Text(counter).Text(clerk).Int(Seconds(at));
    }, "", ReadTicket);
    if (claimed.ok()) return std::optional<Ticket>(std::move(claimed).value());
    if (claimed.error().code != ErrorCode::kNotFound) return claimed.take_error();
    // Another clerk called it first: look again.
  }
  return MakeError(ErrorCode::kUnavailable, "error.ticket.busy");
}

Result<bool> SqlQueue::FinishTicket(const std::string& id, const std::string& centre, domain::TicketStatus outcome,
                                    Timestamp at) {
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kFinishTicket, [&](Binder& b) {
    b.Text(id).Text(centre).Text(domain::TicketStatusName(outcome)).Int(Seconds(at));
  }));
  return changed > 0;
}

Result<std::vector<Ticket>> SqlQueue::LastCalledTickets(const std::string& centre, const std::string& day, int limit) {
  const int page = std::clamp(limit, 1, ports::kMaxCalledShown);
  return sql_.All<Ticket>(kLastCalled, [&](Binder& b) { b.Text(centre).Text(day).Int(page); }, ReadTicket);
}

Result<int64_t> SqlQueue::WaitingCount(const std::string& centre, const std::string& day) {
  return sql_.One<int64_t>(kWaitingCount, [&](Binder& b) { b.Text(centre).Text(day); }, "",
                           [](Statement& s) -> Result<int64_t> { return Columns(s).Int(); });
}

}  // namespace tongban::storage
