// Calendar dates and instants. Thread-safety: plain value types and pure functions.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tongban {

// A civil date in the proleptic Gregorian calendar.
struct Date {
  int year = 1970;
  int month = 1;
  int day = 1;
  auto operator<=>(const Date&) const = default;
};

// An instant, to the second.
using Timestamp = std::chrono::sys_seconds;

// The city's offset from UTC in minutes (Shanghai: +08:00, no daylight saving).
inline constexpr int kCityUtcOffsetMinutes = 8 * 60;

int64_t DaysSinceEpoch(Date date);
Date DateFromDays(int64_t days_since_epoch);
// 1 = Monday ... 7 = Sunday (ISO 8601).
int IsoWeekday(Date date);
Date AddDays(Date date, int64_t days);

// "2026-10-01". Returns nullopt unless the text is exactly YYYY-MM-DD and a real date.
std::optional<Date> ParseIsoDate(std::string_view text);
std::string FormatIsoDate(Date date);

// "2026-10-01T09:30:00+08:00".
std::string FormatRfc3339(Timestamp at, int utc_offset_minutes = kCityUtcOffsetMinutes);
// Accepts "Z" or "+hh:mm"/"-hh:mm" offsets and optional fractional seconds (dropped).
std::optional<Timestamp> ParseRfc3339(std::string_view text);
// The local date at `at` in the city.
Date LocalDate(Timestamp at, int utc_offset_minutes = kCityUtcOffsetMinutes);
// Midnight at the start of `date` in the city, as an instant.
Timestamp StartOfLocalDay(Date date, int utc_offset_minutes = kCityUtcOffsetMinutes);

}  // namespace tongban
