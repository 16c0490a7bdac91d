// Reads calendar.yaml: the official holidays and the weekend days that become working days, year by
// year, from which deadlines count working days (common/calendar.h). Internal to src/app: the
// catalogue loader calls it. Thread-safety: keeps no state.
#pragma once

#include <optional>

#include "app/yaml_checks.h"
#include "common/calendar.h"

namespace tongban::app {

// The calendar of the file; nullopt when a problem was reported (each at its line): a date that is
// not YYYY-MM-DD or not in its year, a repeat, a weekday listed as a workday, a date both holiday
// and workday, no years, or a year missing between the first and the last.
std::optional<Calendar> ReadCalendar(yaml_checks::FileContext& file);

}  // namespace tongban::app
