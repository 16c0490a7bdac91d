#include "common/time.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tongban {
namespace {

Timestamp At(int64_t seconds) { return Timestamp(std::chrono::seconds(seconds)); }

// 2026-10-01T00:00:00Z, computed independently (Python datetime): 20727 days after 1970-01-01.
constexpr int64_t kNationalDayUtc = 20727LL * 86400;

TEST(TimeTest, DaysSinceEpochRoundTrips) {
  EXPECT_EQ(DaysSinceEpoch(Date{1970, 1, 1}), 0);
  EXPECT_EQ(DaysSinceEpoch(Date{2026, 10, 1}), 20727);
  EXPECT_EQ(DaysSinceEpoch(Date{1969, 12, 31}), -1);
  for (int64_t z = -800000; z <= 800000; z += 997) {
    const Date d = DateFromDays(z);
    ASSERT_EQ(DaysSinceEpoch(d), z) << FormatIsoDate(d);
    ASSERT_TRUE(ParseIsoDate(FormatIsoDate(d)).has_value() || d.year < 1 || d.year > 9999) << FormatIsoDate(d);
  }
}

TEST(TimeTest, IsoWeekday) {
  struct Case {
    Date date;
    int weekday;
  };
  const std::vector<Case> cases = {
      {{1970, 1, 1}, 4},   {{1970, 1, 4}, 7},  {{1969, 12, 29}, 1}, {{2000, 2, 29}, 2},
      {{2026, 10, 1}, 4},  {{2026, 10, 10}, 6}, {{2026, 9, 20}, 7},  {{2026, 2, 16}, 1},
      {{2027, 2, 6}, 6},   {{1900, 1, 1}, 1},   {{1949, 10, 1}, 6},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(FormatIsoDate(c.date));
    EXPECT_EQ(IsoWeekday(c.date), c.weekday);
  }
  // Seven consecutive days cover 1..7 in order.
  for (int i = 0; i < 7; ++i) EXPECT_EQ(IsoWeekday(AddDays(Date{2026, 9, 28}, i)), i + 1);
}

TEST(TimeTest, ParseIsoDateAcceptsRealDates) {
  for (const char* text : {"2026-10-01", "2024-02-29", "2000-02-29", "1900-01-01", "2026-12-31"}) {
    SCOPED_TRACE(text);
    const auto d = ParseIsoDate(text);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(FormatIsoDate(*d), text);
  }
  EXPECT_EQ(ParseIsoDate("2026-10-01"), (Date{2026, 10, 1}));
}

TEST(TimeTest, ParseIsoDateRejectsInvalid) {
  for (const char* text : {"2026-02-29", "1900-02-29", "2026-02-30", "2026-04-31", "2026-13-01", "2026-00-10",
                           "2026-10-00", "2026-1-01", "2026-10-1", "26-10-01", "2026/10/01", "2026-10-01 ",
                           " 2026-10-01", "2026-10-01T00:00:00Z", "20261001", "", "abcd-ef-gh", "2026-1a-01",
                           "0000-01-01", "+026-10-01"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(ParseIsoDate(text).has_value());
  }
}

TEST(TimeTest, FormatRfc3339InCityTime) {
  EXPECT_EQ(FormatRfc3339(At(kNationalDayUtc)), "2026-10-01T08:00:00+08:00");
  EXPECT_EQ(FormatRfc3339(At(kNationalDayUtc - 1)), "2026-10-01T07:59:59+08:00");
  EXPECT_EQ(FormatRfc3339(At(kNationalDayUtc - 8 * 3600 - 1)), "2026-09-30T23:59:59+08:00");
  EXPECT_EQ(FormatRfc3339(At(kNationalDayUtc), 0), "2026-10-01T00:00:00+00:00");
  EXPECT_EQ(FormatRfc3339(At(kNationalDayUtc), -330), "2026-09-30T18:30:00-05:30");
  EXPECT_EQ(FormatRfc3339(At(-1), 0), "1969-12-31T23:59:59+00:00");
}

TEST(TimeTest, Rfc3339RoundTripsWithCityOffset) {
  for (int64_t s : {int64_t{0}, kNationalDayUtc, kNationalDayUtc + 12345, kNationalDayUtc - 8 * 3600, int64_t{-1},
                    int64_t{4102444799}}) {
    const std::string text = FormatRfc3339(At(s));
    SCOPED_TRACE(text);
    EXPECT_TRUE(text.ends_with("+08:00"));
    const auto back = ParseRfc3339(text);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->time_since_epoch().count(), s);
  }
}

TEST(TimeTest, ParseRfc3339OffsetsNameTheSameInstant) {
  struct Case {
    const char* text;
    int64_t seconds;
  };
  const std::vector<Case> cases = {
      {"2026-10-01T00:00:00Z", kNationalDayUtc},
      {"2026-10-01T00:00:00z", kNationalDayUtc},
      {"2026-10-01t00:00:00Z", kNationalDayUtc},
      {"2026-10-01 00:00:00Z", kNationalDayUtc},
      {"2026-10-01T08:00:00+08:00", kNationalDayUtc},
      {"2026-09-30T19:00:00-05:00", kNationalDayUtc},
      {"2026-10-01T05:30:00+05:30", kNationalDayUtc},
      {"2026-10-01T00:00:00+00:00", kNationalDayUtc},
      {"2026-10-01T00:00:00-00:00", kNationalDayUtc},
      {"2026-10-01T08:00:00.999+08:00", kNationalDayUtc},  // fraction dropped
      {"2026-10-01T00:00:00.5Z", kNationalDayUtc},
      {"2026-10-01T08:00:01+08:00", kNationalDayUtc + 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const auto t = ParseRfc3339(c.text);
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->time_since_epoch().count(), c.seconds);
  }
}

TEST(TimeTest, ParseRfc3339RejectsJunk) {
  for (const char* text : {"", "junk", "2026-10-01", "2026-10-01T08:00:00", "2026-10-01T08:00+08:00",
                           "2026-10-01T24:00:00Z", "2026-10-01T08:60:00Z", "2026-02-29T08:00:00Z",
                           "2026-10-01T08:00:00+0800", "2026-10-01T08:00:00+08", "2026-10-01T08:00:00+08:00 ",
                           "2026-10-01T08:00:00ZZ", "2026-10-01X08:00:00Z", "2026-10-01T8:00:00Z",
                           "2026-10-01T08:00:00 +08:00", "2026-10-01T08:00:00+aa:bb", "2026-10-01T08-00-00Z",
                           "2026-10-01T08:00:00.+08:00x"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(ParseRfc3339(text).has_value());
  }
}

TEST(TimeTest, LocalDateAndStartOfLocalDay) {
  // 23:59:59 UTC on 09-30 is already 10-01 in the city.
  EXPECT_EQ(LocalDate(At(kNationalDayUtc - 1)), (Date{2026, 10, 1}));
  EXPECT_EQ(LocalDate(At(kNationalDayUtc - 8 * 3600 - 1)), (Date{2026, 9, 30}));
  EXPECT_EQ(LocalDate(At(kNationalDayUtc - 8 * 3600)), (Date{2026, 10, 1}));
  EXPECT_EQ(LocalDate(At(kNationalDayUtc - 1), 0), (Date{2026, 9, 30}));
  EXPECT_EQ(LocalDate(At(-1), 0), (Date{1969, 12, 31}));
  EXPECT_EQ(StartOfLocalDay(Date{2026, 10, 1}).time_since_epoch().count(), kNationalDayUtc - 8 * 3600);
  EXPECT_EQ(FormatRfc3339(StartOfLocalDay(Date{2026, 10, 1})), "2026-10-01T00:00:00+08:00");
  for (int64_t s = kNationalDayUtc - 86400; s < kNationalDayUtc + 86400; s += 3571) {
    const Date local = LocalDate(At(s));
    EXPECT_LE(StartOfLocalDay(local), At(s));
    EXPECT_GT(StartOfLocalDay(AddDays(local, 1)), At(s));
  }
}

}  // namespace
}  // namespace tongban
