#include "app/calendar_reader.h"

#include <yaml-cpp/yaml.h>

#include <set>
#include <string>
#include <string_view>

#include "common/time.h"

namespace tongban::app {

using yaml_checks::MapReader;
using yaml_checks::Quote;
using yaml_checks::ReadTopList;

std::optional<Calendar> ReadCalendar(yaml_checks::FileContext& file) {
  std::optional<YAML::Node> list = ReadTopList(file, "years");
  if (!list) return std::nullopt;
  std::set<Date> holidays;
  std::set<Date> workdays;
  std::set<int> years;
  const size_t problems_before = file.problem_count();
  for (const YAML::Node& node : *list) {
    MapReader m(file, node, "year", {"year", "provisional", "holidays", "workdays"});
    if (!m.ok()) continue;
    std::optional<int> year = m.Int("year");
    (void)m.Bool("provisional");  // documentation for people; the calendar treats both alike
    std::optional<YAML::Node> holiday_list = m.List("holidays");
    std::optional<YAML::Node> workday_list = m.List("workdays");
    if (!year) continue;
    if (*year < 1970 || *year > 9999) {
      file.AddLine(m.LineOfKey("year"), "'year' " + std::to_string(*year) + " is out of range");
      continue;
    }
    if (!years.insert(*year).second) {
      file.AddLine(m.LineOfKey("year"), "year " + std::to_string(*year) + " repeats");
      continue;
    }
    auto read_dates = [&](const std::optional<YAML::Node>& dates, std::set<Date>& into, std::string_view kind,
                          int list_line) {
      if (!dates) return;
      for (const YAML::Node& n : *dates) {
        std::optional<Date> date;
        if (n.IsScalar()) date = ParseIsoDate(n.Scalar());
        if (!date) {
          file.Add(n, std::string(kind) + " " + (n.IsScalar() ? Quote(n.Scalar()) : std::string("entry")) +
                          " is not a date written as YYYY-MM-DD",
                   list_line);
        } else if (date->year != *year) {
          file.Add(n, std::string(kind) + " " + FormatIsoDate(*date) + " is not in " + std::to_string(*year),
                   list_line);
        } else if (!into.insert(*date).second) {
          file.Add(n, std::string(kind) + " " + FormatIsoDate(*date) + " repeats", list_line);
        } else if (kind == "workday" && IsoWeekday(*date) < 6) {
          file.Add(n, "workday " + FormatIsoDate(*date) +
                          " is a weekday; list only the weekend days that become working days",
                   list_line);
        }
      }
    };
    read_dates(holiday_list, holidays, "holiday", m.LineOfKey("holidays"));
    read_dates(workday_list, workdays, "workday", m.LineOfKey("workdays"));
  }
  for (const Date& date : workdays) {
    if (holidays.contains(date)) {
      file.AddLine(1, FormatIsoDate(date) + " is listed both as a holiday and as a workday");
    }
  }
  if (years.empty()) {
    if (file.problem_count() == problems_before) file.AddLine(1, "the calendar lists no years");
    return std::nullopt;
  }
  // The calendar covers [first Jan 1, last Dec 31]; a missing year inside would silently
  // count that year's holidays as working days.
  if (*years.rbegin() - *years.begin() + 1 != static_cast<int>(years.size())) {
    file.AddLine(1, "the years must be consecutive; a year between " + std::to_string(*years.begin()) + " and " +
                        std::to_string(*years.rbegin()) + " is missing");
  }
  if (file.problem_count() != problems_before) return std::nullopt;
  return Calendar(std::move(holidays), std::move(workdays), Date{*years.begin(), 1, 1}, Date{*years.rbegin(), 12, 31});
}

}  // namespace tongban::app
