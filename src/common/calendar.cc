#include "common/calendar.h"

#include <algorithm>
#include <utility>

namespace tongban {
namespace {

bool IsWeekend(Date date) { return IsoWeekday(date) >= 6; }

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Monday-to-Friday days with a day number (days since 1970-01-01) below `z`, counted from an
// arbitrary Monday. Only differences of this function are meaningful.
int64_t WeekdaysBefore(int64_t z) {
  constexpr int64_t kFirstMonday = 4;  // 1970-01-05
  const int64_t offset = z - kFirstMonday;
  const int64_t weeks = FloorDiv(offset, 7);
  const int64_t rest = offset - weeks * 7;
  return weeks * 5 + std::min<int64_t>(rest, 5);
}

}  // namespace

Calendar::Calendar(std::set<Date> holidays, std::set<Date> workdays, Date first, Date last)
    : holidays_(std::move(holidays)), workdays_(std::move(workdays)), first_(first), last_(last) {}

bool Calendar::IsWorkingDay(Date date) const {
  if (!Covers(date)) return !IsWeekend(date);
  // A date in both sets is a data error the loader should reject; treating it as a day off
  // errs toward the later deadline, which never makes an applicant or a clerk late.
  if (holidays_.contains(date)) return false;
  if (workdays_.contains(date)) return true;
  return !IsWeekend(date);
}

Date Calendar::AddWorkingDays(Date start, int n) const {
  Date date = start;
  for (int left = n; left > 0;) {
    date = AddDays(date, 1);
    if (IsWorkingDay(date)) --left;
  }
  return date;
}

int Calendar::WorkingDaysBetween(Date from, Date to) const {
  if (to <= from) return 0;
  const int64_t from_day = DaysSinceEpoch(from);
  const int64_t to_day = DaysSinceEpoch(to);
  // Count weekdays arithmetically, then correct for the listed days inside the covered span, so
  // that a range of years costs as little as a range of days.
  int64_t count = WeekdaysBefore(to_day + 1) - WeekdaysBefore(from_day + 1);
  const Date lo = std::max(AddDays(from, 1), first_);
  const Date hi = std::min(to, last_);
  if (lo <= hi) {
    for (auto it = holidays_.lower_bound(lo); it != holidays_.end() && *it <= hi; ++it) {
      if (!IsWeekend(*it)) --count;
    }
    for (auto it = workdays_.lower_bound(lo); it != workdays_.end() && *it <= hi; ++it) {
      if (IsWeekend(*it) && !holidays_.contains(*it)) ++count;
    }
  }
  return static_cast<int>(count);
}

}  // namespace tongban
