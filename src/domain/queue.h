// Appointments and queue tickets at service centres (PRODUCT.md C3, issue 11 item 4): the pure
// rules. Which slots a centre offers on a day (its schedule in catalogue/centres.yaml, working
// days of the calendar, morning-only Saturdays when the centre says so), how a slot is named
// ("2026-12-01T09:30", city-local), and the ticket series (A: with an appointment, B: walk-in).
// Thread-safety: value types and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/calendar.h"
#include "common/time.h"

namespace tongban::domain {

// Opening hours of one kind of day as minutes after local midnight, [open, close).
struct DayHours {
  int open_minute = 0;
  int close_minute = 0;
};

// A centre's appointment schedule (centres.yaml `appointments`). slot_minutes == 0: the centre
// takes no appointments.
struct AppointmentSchedule {
  int slot_minutes = 0;
  int capacity = 0;      // people per slot
  DayHours weekdays;     // working days (including the calendar's adjusted working days)
  std::optional<DayHours> saturday;  // Saturdays that are neither holidays nor working days
  int horizon_days = 14;  // how many days ahead a slot may be booked
};

inline constexpr int kDefaultHorizonDays = 14;

// Why a day has no slots.
enum class ClosedReason { kOpen, kNotWorkingDay, kNoAppointments };

struct DaySlots {
  ClosedReason closed = ClosedReason::kOpen;
  std::vector<Timestamp> starts;  // in order; empty unless kOpen
};

// The slots `schedule` offers on `date`: on a working day the weekday hours; on a Saturday that is
// not a holiday the Saturday hours when there are any; no slots on other days.
DaySlots SlotsOn(const AppointmentSchedule& schedule, const Calendar& calendar, Date date);

// "2026-12-01T09:30" (city-local) for a slot start; ParseSlot reads it back (nullopt unless it is
// exactly that shape and a real time).
std::string FormatSlot(Timestamp start);
std::optional<Timestamp> ParseSlot(std::string_view text);

// "09:00-17:00" -> {540, 1020}; nullopt unless HH:MM-HH:MM with open < close.
std::optional<DayHours> ParseDayHours(std::string_view text);

// Ticket series: A for people with an appointment at the centre that day (called first), B for
// walk-ins. The ticket's number as shown: "A001".
inline constexpr std::string_view kAppointmentSeries = "A";
inline constexpr std::string_view kWalkInSeries = "B";
std::string FormatTicketNumber(std::string_view series, int64_t number);

enum class TicketStatus { kWaiting, kCalled, kDone, kNoShow };
std::string_view TicketStatusName(TicketStatus status);
std::optional<TicketStatus> ParseTicketStatus(std::string_view name);

// booked -> cancelled (the person gave the place back) or attended (they took their A ticket at
// the centre: one ticket per booking).
enum class AppointmentStatus { kBooked, kCancelled, kAttended };
std::string_view AppointmentStatusName(AppointmentStatus status);
std::optional<AppointmentStatus> ParseAppointmentStatus(std::string_view name);

}  // namespace tongban::domain
