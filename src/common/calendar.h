// The working-day calendar (docs/product.md C4): weekends, public holidays and the adjusted
// working days (调休) that the State Council publishes each year, shipped as data in
// catalogue/calendar.yaml. Thread-safety: immutable after construction; safe to share.
#pragma once

#include <set>

#include "common/result.h"
#include "common/time.h"

namespace tongban {

class Calendar {
 public:
  Calendar() = default;
  // `holidays`: days off that would otherwise be working days; `workdays`: weekend days that are
  // working days. [first, last] is the span the data covers.
  Calendar(std::set<Date> holidays, std::set<Date> workdays, Date first, Date last);

  // A weekday that is not a holiday, or an adjusted working day. Outside the covered span only
  // weekends are days off.
  bool IsWorkingDay(Date date) const;
  // The date `n` working days after `start` (start itself is not counted; n >= 0).
  Date AddWorkingDays(Date start, int n) const;
  // Working days in (from, to]; 0 when to <= from.
  int WorkingDaysBetween(Date from, Date to) const;
  bool Covers(Date date) const { return date >= first_ && date <= last_; }
  // A day of an announced break (weekend days of a break included).
  bool IsHoliday(Date date) const { return holidays_.contains(date); }

 private:
  std::set<Date> holidays_;
  std::set<Date> workdays_;
  Date first_{};
  Date last_{};
};

}  // namespace tongban
