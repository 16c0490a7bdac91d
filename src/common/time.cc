#include "common/time.h"

#include <fmt/format.h>

#include <cctype>

namespace tongban {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

bool ReadDigits(std::string_view text, size_t pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    v = v * 10 + (text[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

int64_t DaysSinceEpoch(Date date) {
  return DaysFromCivil(date.year, static_cast<unsigned>(date.month), static_cast<unsigned>(date.day));
}

Date DateFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Date{static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

int IsoWeekday(Date date) {
  const int64_t z = DaysSinceEpoch(date);  // 1970-01-01 was a Thursday (4)
  return static_cast<int>(((z % 7) + 7 + 3) % 7) + 1;
}

Date AddDays(Date date, int64_t days) { return DateFromDays(DaysSinceEpoch(date) + days); }

std::optional<Date> ParseIsoDate(std::string_view text) {
  Date d;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!ReadDigits(text, 0, 4, d.year) || !ReadDigits(text, 5, 2, d.month) || !ReadDigits(text, 8, 2, d.day)) {
    return std::nullopt;
  }
  if (d.year < 1 || d.month < 1 || d.month > 12 || d.day < 1 || d.day > DaysInMonth(d.year, d.month)) {
    return std::nullopt;
  }
  return d;
}

std::string FormatIsoDate(Date date) { return fmt::format("{:04d}-{:02d}-{:02d}", date.year, date.month, date.day); }

std::string FormatRfc3339(Timestamp at, int offset) {
  const int64_t local = at.time_since_epoch().count() + int64_t{offset} * 60;
  int64_t days = local / 86400;
  int64_t secs = local % 86400;
  if (secs < 0) { secs += 86400; --days; }
  const Date d = DateFromDays(days);
  const char sign = offset < 0 ? '-' : '+';
  const int abs_off = offset < 0 ? -offset : offset;
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}{}{:02d}:{:02d}", d.year, d.month, d.day,
                     secs / 3600, (secs / 60) % 60, secs % 60, sign, abs_off / 60, abs_off % 60);
}

std::optional<Timestamp> ParseRfc3339(std::string_view text) {
  if (text.size() < 20 || (text[10] != 'T' && text[10] != 't' && text[10] != ' ')) return std::nullopt;
  auto date = ParseIsoDate(text.substr(0, 10));
  int hh, mm, ss;
  if (!date || text[13] != ':' || text[16] != ':' || !ReadDigits(text, 11, 2, hh) || !ReadDigits(text, 14, 2, mm) ||
      !ReadDigits(text, 17, 2, ss) || hh > 23 || mm > 59 || ss > 59) {
    return std::nullopt;
  }
  size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    const size_t digits = ++pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
    if (pos == digits) return std::nullopt;
  }
  int offset = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh, om;
    if (pos + 6 > text.size() || text[pos + 3] != ':' || !ReadDigits(text, pos + 1, 2, oh) ||
        !ReadDigits(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = (oh * 60 + om) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  const int64_t secs = DaysSinceEpoch(*date) * 86400 + hh * 3600 + mm * 60 + ss - int64_t{offset} * 60;
  return Timestamp(std::chrono::seconds(secs));
}

Date LocalDate(Timestamp at, int offset) {
  int64_t local = at.time_since_epoch().count() + int64_t{offset} * 60;
  int64_t days = local / 86400;
  if (local % 86400 < 0) --days;
  return DateFromDays(days);
}

Timestamp StartOfLocalDay(Date date, int offset) {
  return Timestamp(std::chrono::seconds(DaysSinceEpoch(date) * 86400 - int64_t{offset} * 60));
}

}  // namespace tongban
