#include "domain/queue.h"

#include <charconv>
#include <cstdio>

namespace tongban::domain {
namespace {

std::optional<int> TwoDigits(std::string_view text) {
  if (text.size() != 2 || text[0] < '0' || text[0] > '9' || text[1] < '0' || text[1] > '9') return std::nullopt;
  return (text[0] - '0') * 10 + (text[1] - '0');
}

// "HH:MM" -> minutes after midnight (24:00 allowed as a closing time).
std::optional<int> Minutes(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  const auto h = TwoDigits(text.substr(0, 2));
  const auto m = TwoDigits(text.substr(3, 2));
  if (!h || !m || *m > 59 || *h > 24 || (*h == 24 && *m != 0)) return std::nullopt;
  return *h * 60 + *m;
}

}  // namespace

DaySlots SlotsOn(const AppointmentSchedule& schedule, const Calendar& calendar, Date date) {
  DaySlots out;
  if (schedule.slot_minutes <= 0 || schedule.capacity <= 0) {
    out.closed = ClosedReason::kNoAppointments;
    return out;
  }
  std::optional<DayHours> hours;
  if (calendar.IsWorkingDay(date)) {
    hours = schedule.weekdays;
  } else if (IsoWeekday(date) == 6 && !calendar.IsHoliday(date)) {
    hours = schedule.saturday;
  }
  if (!hours) {
    out.closed = ClosedReason::kNotWorkingDay;
    return out;
  }
  const Timestamp midnight = StartOfLocalDay(date);
  for (int m = hours->open_minute; m + schedule.slot_minutes <= hours->close_minute; m += schedule.slot_minutes) {
    out.starts.push_back(midnight + std::chrono::minutes(m));
  }
  return out;
}

std::string FormatSlot(Timestamp start) {
  // FormatRfc3339 gives "2026-12-01T09:30:00+08:00": the slot is its first 16 characters.
  return FormatRfc3339(start).substr(0, 16);
}

std::optional<Timestamp> ParseSlot(std::string_view text) {
  if (text.size() != 16 || text[10] != 'T') return std::nullopt;
  const auto date = ParseIsoDate(text.substr(0, 10));
  const auto minutes = Minutes(text.substr(11, 5));
  if (!date || !minutes || *minutes >= 24 * 60) return std::nullopt;
  return StartOfLocalDay(*date) + std::chrono::minutes(*minutes);
}

std::optional<DayHours> ParseDayHours(std::string_view text) {
  if (text.size() != 11 || text[5] != '-') return std::nullopt;
  const auto open = Minutes(text.substr(0, 5));
  const auto close = Minutes(text.substr(6, 5));
  if (!open || !close || *open >= *close) return std::nullopt;
  return DayHours{*open, *close};
}

std::string FormatTicketNumber(std::string_view series, int64_t number) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%03lld", static_cast<long long>(number));
  return std::string(series) + digits;
}

std::string_view TicketStatusName(TicketStatus status) {
  switch (status) {
    case TicketStatus::kWaiting: return "waiting";
    case TicketStatus::kCalled: return "called";
    case TicketStatus::kDone: return "done";
    case TicketStatus::kNoShow: return "no_show";
  }
  return "waiting";
}

std::optional<TicketStatus> ParseTicketStatus(std::string_view name) {
  for (const auto s : {TicketStatus::kWaiting, TicketStatus::kCalled, TicketStatus::kDone, TicketStatus::kNoShow}) {
    if (TicketStatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view AppointmentStatusName(AppointmentStatus status) {
  switch (status) {
    case AppointmentStatus::kBooked: return "booked";
    case AppointmentStatus::kCancelled: return "cancelled";
    case AppointmentStatus::kAttended: return "attended";
  }
  return "booked";
}

std::optional<AppointmentStatus> ParseAppointmentStatus(std::string_view name) {
  if (name == "booked") return AppointmentStatus::kBooked;
  if (name == "cancelled") return AppointmentStatus::kCancelled;
  if (name == "attended") return AppointmentStatus::kAttended;
  return std::nullopt;
}

}  // namespace tongban::domain
