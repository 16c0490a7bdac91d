#include "common/calendar.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace tongban {
namespace {

Date D(const char* iso) {
  const auto d = ParseIsoDate(iso);
  EXPECT_TRUE(d.has_value()) << iso;
  return d.value_or(Date{});
}

std::set<Date> Dates(std::initializer_list<const char*> isos) {
  std::set<Date> out;
  for (const char* iso : isos) out.insert(D(iso));
  return out;
}

// The 2026 arrangement (国务院办公厅关于2026年部分节假日安排的通知), inline so this test does not
// depend on the YAML file or its loader.
Calendar Calendar2026() {
  return Calendar(Dates({"2026-01-01", "2026-01-02", "2026-01-03", "2026-02-15", "2026-02-16", "2026-02-17",
                         "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",
                         "2026-04-04", "2026-04-05", "2026-04-06", "2026-05-01", "2026-05-02", "2026-05-03",
                         "2026-05-04", "2026-05-05", "2026-06-19", "2026-06-20", "2026-06-21", "2026-09-25",
                         "2026-09-26", "2026-09-27", "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04",
                         "2026-10-05", "2026-10-06", "2026-10-07"}),
                  Dates({"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}),
                  Date{2026, 1, 1}, Date{2026, 12, 31});
}

// Counts working days one by one; the reference for WorkingDaysBetween's arithmetic shortcut.
int NaiveWorkingDaysBetween(const Calendar& cal, Date from, Date to) {
  int n = 0;
  for (Date d = AddDays(from, 1); d <= to; d = AddDays(d, 1)) n += cal.IsWorkingDay(d);
  return n;
}

TEST(CalendarTest, ClassifiesDays) {
  const Calendar cal = Calendar2026();
  struct Case {
    const char* date;
    bool working;
  };
  const std::vector<Case> cases = {
      {"2026-09-29", true},   // Tue
      {"2026-09-30", true},   // Wed, eve of National Day
      {"2026-10-01", false},  // National Day
      {"2026-10-05", false},  // Mon inside the break
      {"2026-10-07", false},  // Wed, last day of the break
      {"2026-10-08", true},   // Thu
      {"2026-10-10", true},   // Sat, adjusted working day
      {"2026-10-11", false},  // Sun
      {"2026-09-19", false},  // Sat
      {"2026-09-20", true},   // Sun, adjusted working day
      {"2026-01-04", true},   // Sun, adjusted working day
      {"2026-02-14", true},   // Sat, adjusted working day
      {"2026-02-23", false},  // Mon, last day of Spring Festival
      {"2026-02-24", true},   // Tue
      {"2026-06-19", false},  // Fri, Dragon Boat
      {"2026-11-27", true},   // Fri, ordinary
      {"2026-11-28", false},  // Sat, ordinary
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.date);
    EXPECT_EQ(cal.IsWorkingDay(D(c.date)), c.working);
  }
}

TEST(CalendarTest, OutsideSpanOnlyWeekendsAreOff) {
  // 2027-10-01 is a Friday: a holiday in reality, but not covered by the 2026 data.
  const Calendar cal = Calendar2026();
  EXPECT_FALSE(cal.Covers(D("2027-10-01")));
  EXPECT_TRUE(cal.IsWorkingDay(D("2027-10-01")));
  EXPECT_FALSE(cal.IsWorkingDay(D("2027-10-02")));
  EXPECT_TRUE(cal.IsWorkingDay(D("2025-12-31")));
  // Data outside the span is ignored rather than half-applied.
  const Calendar odd(Dates({"2027-10-01"}), Dates({"2027-10-02"}), Date{2026, 1, 1}, Date{2026, 12, 31});
  EXPECT_TRUE(odd.IsWorkingDay(D("2027-10-01")));
  EXPECT_FALSE(odd.IsWorkingDay(D("2027-10-02")));
}

struct AddCase {
  const char* start;
  int n;
  const char* expected;
};

TEST(CalendarTest, AddWorkingDaysAcrossHolidaysAndAdjustedWorkdays) {
  const Calendar cal = Calendar2026();
  const std::vector<AddCase> cases = {
      {"2026-09-30", 0, "2026-09-30"},
      {"2026-09-30", 1, "2026-10-08"},  // over the whole National Day break
      {"2026-09-30", 2, "2026-10-09"},
      {"2026-09-30", 3, "2026-10-10"},  // Sat, adjusted working day
      {"2026-09-30", 4, "2026-10-12"},  // over Sun 10-11
      {"2026-09-18", 1, "2026-09-20"},  // Fri + 1 = Sun, adjusted working day
      {"2026-09-18", 2, "2026-09-21"},
      {"2026-09-24", 1, "2026-09-28"},  // over Mid-Autumn Fri-Sun
      {"2026-10-01", 1, "2026-10-08"},  // starting on a holiday
      {"2026-02-13", 1, "2026-02-14"},  // Fri + 1 = Sat, adjusted working day
      {"2026-02-13", 2, "2026-02-24"},  // over Spring Festival
      {"2026-12-31", 1, "2027-01-01"},  // leaving the span: only weekends count
      {"2026-11-27", 5, "2026-12-04"},  // an ordinary week
      {"2026-09-30", 20, "2026-11-03"},  // 10-08..10 (3), three full weeks (15), 11-02, 11-03
  };
  for (const AddCase& c : cases) {
    SCOPED_TRACE(std::string(c.start) + " + " + std::to_string(c.n));
    const Date result = cal.AddWorkingDays(D(c.start), c.n);
    EXPECT_EQ(FormatIsoDate(result), c.expected);
    // The two operations agree: n working days lie in (start, result], the last one on result.
    EXPECT_EQ(cal.WorkingDaysBetween(D(c.start), result), c.n);
    if (c.n > 0) {
      EXPECT_TRUE(cal.IsWorkingDay(result));
    }
  }
}

TEST(CalendarTest, WorkingDaysBetween) {
  const Calendar cal = Calendar2026();
  struct Case {
    const char* from;
    const char* to;
    int expected;
  };
  const std::vector<Case> cases = {
      {"2026-09-30", "2026-10-08", 1},
      {"2026-09-30", "2026-10-11", 3},   // 10-08, 10-09, 10-10
      {"2026-09-18", "2026-09-20", 1},   // Sat off, Sun working
      {"2026-10-08", "2026-10-08", 0},
      {"2026-10-08", "2026-09-30", 0},   // reversed
      {"2026-01-01", "2026-01-31", 21},  // 21 weekdays after 01-01, minus 01-02, plus Sun 01-04
      {"2025-12-31", "2027-01-01", 249},  // all of 2026 (see WorkingDaysIn2026) and Fri 2027-01-01
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.from) + " .. " + c.to);
    const int naive = NaiveWorkingDaysBetween(cal, D(c.from), D(c.to));
    EXPECT_EQ(cal.WorkingDaysBetween(D(c.from), D(c.to)), naive);
    EXPECT_EQ(naive, c.expected);
  }
}

TEST(CalendarTest, WorkingDaysIn2026) {
  // 261 weekdays in 2026, minus the 19 holidays that fall on weekdays (New Year 2, Spring Festival
  // 6, Qingming 1, Labour Day 3, Dragon Boat 1, Mid-Autumn 1, National Day 5), plus 6 adjusted
  // weekend working days.
  const Calendar cal = Calendar2026();
  int weekday_holidays = 0;
  for (Date d{2026, 1, 1}; d <= Date{2026, 12, 31}; d = AddDays(d, 1)) {
    if (IsoWeekday(d) <= 5 && !cal.IsWorkingDay(d)) ++weekday_holidays;
  }
  EXPECT_EQ(weekday_holidays, 2 + 6 + 1 + 3 + 1 + 1 + 5);
  EXPECT_EQ(cal.WorkingDaysBetween(Date{2025, 12, 31}, Date{2026, 12, 31}), 261 - 19 + 6);
}

TEST(CalendarTest, WorkingDaysBetweenMatchesDayByDayCount) {
  const Calendar cal = Calendar2026();
  // Every pair of start and end in a window around the autumn holidays and the year's edges.
  for (const auto& [lo, hi] : std::vector<std::pair<Date, Date>>{{D("2026-09-10"), D("2026-10-20")},
                                                                  {D("2025-12-20"), D("2026-01-10")},
                                                                  {D("2026-12-20"), D("2027-01-10")}}) {
    for (Date from = lo; from <= hi; from = AddDays(from, 1)) {
      for (Date to = from; to <= hi; to = AddDays(to, 1)) {
        ASSERT_EQ(cal.WorkingDaysBetween(from, to), NaiveWorkingDaysBetween(cal, from, to))
            << FormatIsoDate(from) << " .. " << FormatIsoDate(to);
      }
    }
  }
  // And over long ranges, far outside the data.
  for (const auto& [from, to] : std::vector<std::pair<Date, Date>>{{D("1969-12-25"), D("1970-01-20")},
                                                                    {D("2020-02-29"), D("2031-07-04")}}) {
    EXPECT_EQ(cal.WorkingDaysBetween(from, to), NaiveWorkingDaysBetween(cal, from, to));
  }
}

TEST(CalendarTest, DefaultCalendarHasOnlyWeekends) {
  const Calendar cal;
  EXPECT_FALSE(cal.IsWorkingDay(D("2026-10-03")));  // Sat
  EXPECT_TRUE(cal.IsWorkingDay(D("2026-10-01")));   // Thu, no data
  EXPECT_EQ(FormatIsoDate(cal.AddWorkingDays(D("2026-10-02"), 1)), "2026-10-05");
}

// The shipped data, read as plain text so this test needs no YAML library: every date-looking
// token must be a real date, and the 2026 National Day break must be there.
TEST(CalendarDataTest, ShippedCalendarYamlIsWellFormed) {
  std::ifstream in(std::string(TONGBAN_SOURCE_DIR) + "/catalogue/calendar.yaml");
  ASSERT_TRUE(in) << "catalogue/calendar.yaml is missing";
  std::set<Date> holidays;
  std::set<Date> workdays;
  std::set<Date>* current = nullptr;
  std::string line;
  const std::regex date_token(R"(\b\d{4}-\d{1,2}-\d{1,2}\b)");
  int dates = 0;
  while (std::getline(in, line)) {
    const std::string code = line.substr(0, line.find('#'));
    if (code.find("holidays:") != std::string::npos) current = &holidays;
    if (code.find("workdays:") != std::string::npos) current = &workdays;
    for (auto it = std::sregex_iterator(code.begin(), code.end(), date_token); it != std::sregex_iterator(); ++it) {
      const std::string token = it->str();
      const auto date = ParseIsoDate(token);
      ASSERT_TRUE(date.has_value()) << "not a real YYYY-MM-DD date: " << token;
      ASSERT_NE(current, nullptr) << token << " outside a holidays or workdays list";
      EXPECT_TRUE(current->insert(*date).second) << "listed twice: " << token;
      ++dates;
    }
  }
  EXPECT_GT(dates, 30);
  for (int day = 1; day <= 7; ++day) {
    EXPECT_TRUE(holidays.contains(Date{2026, 10, day})) << "2026-10-0" << day << " is not a holiday";
  }
  for (const Date& d : workdays) {
    EXPECT_GE(IsoWeekday(d), 6) << FormatIsoDate(d) << " is a workday entry but not a weekend day";
    EXPECT_FALSE(holidays.contains(d)) << FormatIsoDate(d) << " is both a holiday and a workday";
  }
  EXPECT_TRUE(workdays.contains(Date{2026, 9, 20}));
  EXPECT_TRUE(workdays.contains(Date{2026, 10, 10}));
}

}  // namespace
}  // namespace tongban
