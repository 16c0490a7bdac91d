#include "services/queue.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "domain/account.h"

namespace tongban::services {
namespace {

using domain::ClosedReason;

Result<const domain::ServiceCentre*> FindCentre(const domain::Catalogue& catalogue, const std::string& code) {
  const domain::ServiceCentre* centre = catalogue.FindCentre(code);
  if (centre == nullptr) return MakeError(ErrorCode::kNotFound, "error.centre.not_found");
  return centre;
}

std::string Today(const Context& ctx) { return FormatIsoDate(LocalDate(ctx.clock->Now())); }

// A short reference read out at the centre: 8 characters of a fresh id's random part, as XXXX-XXXX.
std::string NewAppointmentReference(const Context& ctx) {
  const std::string id = ctx.ids->NewId();  // ULID: the last 16 characters are random
  const std::string random = id.substr(id.size() - 8);
  return random.substr(0, 4) + "-" + random.substr(4);
}

Status RequireClerkOf(const Actor& actor, const std::string& centre) {
  if (!actor.user.HasRole(domain::Role::kClerk) || actor.user.centre != centre) {
    return MakeError(ErrorCode::kPermissionDenied, "error.ticket.not_your_centre");
  }
  return Ok();
}

bool ValidCounter(const std::string& counter) {
  if (counter.empty() || counter.size() > 16) return false;
  for (const char c : counter) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-') return false;
  }
  return true;
}

// Page tokens: "<slot start seconds>.<id>".
std::string PageToken(const ports::Appointment& last) {
  return std::to_string(last.slot_start.time_since_epoch().count()) + "." + last.id;
}

std::optional<std::pair<Timestamp, std::string>> ParsePageToken(const std::string& token) {
  const size_t dot = token.find('.');
  if (dot == std::string::npos || dot == 0 || dot > 12 || dot + 1 >= token.size()) return std::nullopt;
  int64_t seconds = 0;
  for (size_t i = 0; i < dot; ++i) {
    if (std::isdigit(static_cast<unsigned char>(token[i])) == 0) return std::nullopt;
    seconds = seconds * 10 + (token[i] - '0');
  }
  return std::pair{Timestamp{std::chrono::seconds{seconds}}, token.substr(dot + 1)};
}

// The throttle key of an address's anonymous walk-in tickets (ports/session_repository.h).
std::string WalkInKey(const Context& ctx, const std::string& address) {
  return "walk:" + ctx.hasher->Sha256Hex("tongban walk-in ticket\n" + address);
}

}  // namespace

Result<SlotDay> ListSlots(const Context& ctx, const std::string& centre_code, const std::string& date_text) {
  const auto catalogue = ctx.Catalogue();
  TB_ASSIGN_OR_RETURN(const domain::ServiceCentre* centre, FindCentre(*catalogue, centre_code));
  const std::optional<Date> date = ParseIsoDate(date_text);
  if (!date) return MakeError(ErrorCode::kInvalidArgument, "error.slots.date_invalid");
  SlotDay day;
  day.date = *date;
  const domain::DaySlots slots = domain::SlotsOn(centre->appointments, *ctx.WorkingDays(), *date);
  day.closed = slots.closed;
  if (slots.starts.empty()) return day;
  std::map<int64_t, int64_t> booked;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(booked, tx.queue().SlotBookings(centre->code, slots.starts.front(),
                                                        slots.starts.back() + std::chrono::seconds(1)));
    return Ok();
  }));
  for (const Timestamp start : slots.starts) {
    const auto it = booked.find(start.time_since_epoch().count());
    const int taken = it == booked.end() ? 0 : static_cast<int>(it->second);
    const int capacity = centre->appointments.capacity;
    day.slots.push_back({start, capacity, std::max(0, capacity - taken)});
  }
  return day;
}

Result<ports::Appointment> BookAppointment(const Context& ctx, const Actor& actor, const BookingRequest& request) {
  const auto catalogue = ctx.Catalogue();
  TB_ASSIGN_OR_RETURN(const domain::ServiceCentre* centre, FindCentre(*catalogue, request.centre));
  const domain::ServiceItem* item = catalogue->FindItem(request.item);
  if (item == nullptr) return MakeError(ErrorCode::kNotFound, "error.item.not_found");
  bool here = false;
  for (const domain::ServiceCentre* c : catalogue->CentresFor(*item)) here = here || c->code == centre->code;
  if (!here) return MakeError(ErrorCode::kInvalidArgument, "error.appointment.item_not_here");
  const std::optional<Timestamp> start = domain::ParseSlot(request.slot);
  if (!start) return MakeError(ErrorCode::kInvalidArgument, "error.appointment.slot_invalid");
  const Date date = LocalDate(*start);
  const domain::DaySlots slots = domain::SlotsOn(centre->appointments, *ctx.WorkingDays(), date);
  if (std::find(slots.starts.begin(), slots.starts.end(), *start) == slots.starts.end()) {
    return MakeError(ErrorCode::kInvalidArgument, "error.appointment.slot_invalid");
  }
  const Timestamp now = ctx.clock->Now();
  if (*start <= now) return MakeError(ErrorCode::kInvalidArgument, "error.appointment.past");
  if (DaysSinceEpoch(date) - DaysSinceEpoch(LocalDate(now)) > centre->appointments.horizon_days) {
    return MakeError(ErrorCode::kInvalidArgument, "error.appointment.too_far");
  }
  ports::Appointment appointment;
  appointment.id = ctx.ids->NewId();
  appointment.reference = NewAppointmentReference(ctx);
  appointment.centre = centre->code;
  appointment.slot_start = *start;
  appointment.item = item->code;
  appointment.user_id = actor.user.id;
  appointment.person_id = actor.user.person_id;
  appointment.created_at = now;
  const int capacity = centre->appointments.capacity;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    // The row first: a second booking of the same slot by the same person stops here.
    TB_RETURN_IF_ERROR(tx.queue().InsertAppointment(appointment));
    TB_ASSIGN_OR_RETURN(const bool taken, tx.queue().TakeSlotPlace(appointment.centre, appointment.slot_start, capacity));
    if (!taken) return MakeError(ErrorCode::kConflict, "error.appointment.slot_full");
    return Ok();
  }));
  return appointment;
}

Result<ports::Appointment> CancelAppointment(const Context& ctx, const Actor& actor, const std::string& id) {
  ports::Appointment appointment;
  const Timestamp now = ctx.clock->Now();
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(appointment, tx.queue().GetAppointment(id));
    if (appointment.user_id != actor.user.id) return MakeError(ErrorCode::kNotFound, "error.appointment.not_found");
    if (appointment.status != domain::AppointmentStatus::kBooked || appointment.slot_start <= now) {
      return MakeError(ErrorCode::kConflict, "error.appointment.not_booked");
    }
    TB_ASSIGN_OR_RETURN(const bool cancelled, tx.queue().CancelAppointment(id, now));
    if (!cancelled) return MakeError(ErrorCode::kConflict, "error.appointment.not_booked");
    TB_RETURN_IF_ERROR(tx.queue().ReleaseSlotPlace(appointment.centre, appointment.slot_start));
    appointment.status = domain::AppointmentStatus::kCancelled;
    appointment.cancelled_at = now;
    return Ok();
  }));
  return appointment;
}

Result<AppointmentPage> ListMyAppointments(const Context& ctx, const Actor& actor, const std::string& page_token,
                                           int limit) {
  std::optional<std::pair<Timestamp, std::string>> before;
  if (!page_token.empty()) {
    before = ParsePageToken(page_token);
    if (!before) return MakeError(ErrorCode::kInvalidArgument, "error.page_token.invalid");
  }
  const int page = std::clamp(limit, 1, ports::kMaxAppointmentPage);
  AppointmentPage out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(out.appointments, tx.queue().ListAppointmentsOfUser(actor.user.id, before, page + 1));
    return Ok();
  }));
  if (static_cast<int>(out.appointments.size()) > page) {
    out.appointments.resize(page);
    out.next = PageToken(out.appointments.back());
  }
  return out;
}

Result<TakenTicket> TakeTicket(const Context& ctx, const Actor* actor, const std::string& centre_code,
                               const std::string& client_address) {
  const auto catalogue = ctx.Catalogue();
  TB_ASSIGN_OR_RETURN(const domain::ServiceCentre* centre, FindCentre(*catalogue, centre_code));
  const Timestamp now = ctx.clock->Now();
  const Date today = LocalDate(now);
  const auto calendar = ctx.WorkingDays();
  const bool saturday_open = IsoWeekday(today) == 6 && !calendar->IsHoliday(today) && centre->appointments.saturday;
  if (!calendar->IsWorkingDay(today) && !saturday_open) return MakeError(ErrorCode::kConflict, "error.ticket.closed");
  ports::Ticket ticket;
  ticket.id = ctx.ids->NewToken();
  ticket.centre = centre->code;
  ticket.day = FormatIsoDate(today);
  ticket.user_id = actor != nullptr ? actor->user.id : "";
  ticket.taken_at = now;
  std::optional<ports::Ticket> existing;
  const Status written = ctx.store->Write([&](ports::Transaction& tx) -> Status {
    if (actor == nullptr) {
      // Counted in the ticket's own transaction: a ticket refused or not written counts nothing.
      const std::string key = WalkInKey(ctx, client_address);
      // The last kWalkInWindowMinutes: a ticket taken exactly that long ago no longer counts.
      const Timestamp since = now - std::chrono::minutes(kWalkInWindowMinutes) + std::chrono::seconds(1);
      TB_ASSIGN_OR_RETURN(const ports::ThrottleCount taken, tx.sessions().CountThrottleHits(key, since));
      if (taken.count >= kWalkInTicketsPerAddress) {
        return MakeError(ErrorCode::kResourceExhausted, "error.ticket.too_many");
      }
      TB_RETURN_IF_ERROR(tx.sessions().RecordThrottleHit(key, now));
    }
    ticket.series = std::string(domain::kWalkInSeries);
    ticket.appointment_id.clear();
    existing.reset();
    if (actor != nullptr) {
      const Timestamp midnight = StartOfLocalDay(today);
      const Timestamp next_midnight = midnight + std::chrono::hours(24);
      TB_ASSIGN_OR_RETURN(const std::optional<ports::Appointment> appointment,
                          tx.queue().BookedAppointmentBetween(actor->user.id, centre->code, midnight, next_midnight));
      if (appointment) {
        // One A ticket per booking: only the request that turns it attended takes a number; one
        // that loses (at once, or later) answers the ticket the winner took.
        TB_ASSIGN_OR_RETURN(const bool won, tx.queue().MarkAppointmentAttended(appointment->id));
        if (!won) {
          TB_ASSIGN_OR_RETURN(existing, tx.queue().TicketOfAppointment(appointment->id));
          if (existing) return Ok();
          return MakeError(ErrorCode::kConflict, "error.ticket.appointment_has_ticket");
        }
        ticket.series = std::string(domain::kAppointmentSeries);
        ticket.appointment_id = appointment->id;
      } else {
        TB_ASSIGN_OR_RETURN(const std::optional<ports::Appointment> attended,
                            tx.queue().AttendedAppointmentBetween(actor->user.id, centre->code, midnight,
                                                                  next_midnight));
        if (attended) {
          TB_ASSIGN_OR_RETURN(existing, tx.queue().TicketOfAppointment(attended->id));
          if (existing) return Ok();
        }
      }
    }
    TB_ASSIGN_OR_RETURN(ticket.number, tx.queue().NextTicketNumber(ticket.centre, ticket.day, ticket.series));
    return tx.queue().InsertTicket(ticket);
  });
  if (!written.ok()) return written.error();
  if (existing) return TakenTicket{*existing, true};
  return TakenTicket{ticket, false};
}

Result<TicketView> GetTicket(const Context& ctx, const std::string& id) {
  TicketView view;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(view.ticket, tx.queue().GetTicket(id));
    TB_ASSIGN_OR_RETURN(view.waiting, tx.queue().WaitingCount(view.ticket.centre, view.ticket.day));
    return Ok();
  }));
  return view;
}

Result<ports::Ticket> CallNextTicket(const Context& ctx, const Actor& actor, const std::string& centre,
                                     const std::string& counter) {
  TB_ASSIGN_OR_RETURN(const domain::ServiceCentre* found, FindCentre(*ctx.Catalogue(), centre));
  (void)found;
  TB_RETURN_IF_ERROR(RequireClerkOf(actor, centre));
  if (!ValidCounter(counter)) return MakeError(ErrorCode::kInvalidArgument, "error.ticket.counter_invalid");
  std::optional<ports::Ticket> called;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(called, tx.queue().CallNextTicket(centre, Today(ctx), counter, actor.user.id, ctx.clock->Now()));
    return Ok();
  }));
  if (!called) return MakeError(ErrorCode::kNotFound, "error.ticket.queue_empty");
  return *called;
}

Result<ports::Ticket> FinishTicket(const Context& ctx, const Actor& actor, const std::string& centre,
                                   const std::string& id, domain::TicketStatus outcome) {
  TB_RETURN_IF_ERROR(RequireClerkOf(actor, centre));
  if (outcome != domain::TicketStatus::kDone && outcome != domain::TicketStatus::kNoShow) {
    return MakeError(ErrorCode::kInvalidArgument, "error.ticket.outcome_invalid");
  }
  ports::Ticket ticket;
  const Timestamp now = ctx.clock->Now();
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(ticket, tx.queue().GetTicket(id));
    if (ticket.centre != centre) return MakeError(ErrorCode::kNotFound, "error.ticket.not_found");
    TB_ASSIGN_OR_RETURN(const bool finished, tx.queue().FinishTicket(id, centre, outcome, now));
    if (!finished) return MakeError(ErrorCode::kConflict, "error.ticket.not_called");
    ticket.status = outcome;
    ticket.finished_at = now;
    return Ok();
  }));
  return ticket;
}

Result<DisplayView> CentreDisplay(const Context& ctx, const std::string& centre, int limit) {
  TB_ASSIGN_OR_RETURN(const domain::ServiceCentre* found, FindCentre(*ctx.Catalogue(), centre));
  DisplayView view;
  const std::string today = Today(ctx);
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(view.called, tx.queue().LastCalledTickets(found->code, today, limit));
    TB_ASSIGN_OR_RETURN(view.waiting, tx.queue().WaitingCount(found->code, today));
    return Ok();
  }));
  return view;
}

}  // namespace tongban::services
