// Eligibility rules (domain/eligibility.h): each rule kind met and not met, a table per kind, and
// the checks catalogue check runs on a declared rule.
#include "domain/eligibility.h"

#include <gtest/gtest.h>

#include "domain/catalogue.h"
#include "domain/dataset.h"

namespace tongban::domain {
namespace {

constexpr Date kToday{2026, 11, 30};

EligibilityRule Rule(EligibilityRuleKind kind, std::vector<std::string> values, std::string field = "birth_date") {
  EligibilityRule r;
  r.dataset = "population";
  r.field = std::move(field);
  r.kind = kind;
  r.values = std::move(values);
  r.reason = {"理由", "reason"};
  return r;
}

struct Case {
  EligibilityRule rule;
  std::vector<std::string> values;
  bool met;
};

void ExpectTable(const std::vector<Case>& cases) {
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(RuleMet(cases[i].rule, cases[i].values, kToday), cases[i].met)
        << "case " << i << ": " << EligibilityRuleKindName(cases[i].rule.kind);
  }
}

TEST(EligibilityTest, PresentNeedsANonEmptyValueInSomeRecord) {
  const auto r = Rule(EligibilityRuleKind::kPresent, {}, "district");
  ExpectTable({{r, {}, false}, {r, {""}, false}, {r, {"", "310115"}, true}, {r, {"310115"}, true}});
}

TEST(EligibilityTest, EqualsAndOneOfCompareExactly) {
  const auto eq = Rule(EligibilityRuleKind::kEquals, {"310115"}, "district");
  const auto one = Rule(EligibilityRuleKind::kOneOf, {"310115", "310101"}, "district");
  ExpectTable({{eq, {"310115"}, true},
               {eq, {"310101"}, false},
               {eq, {}, false},
               {eq, {"310101", "310115"}, true},
               {eq, {"310115 "}, false},
               {one, {"310101"}, true},
               {one, {"310104"}, false},
               {one, {""}, false}});
}

TEST(EligibilityTest, AgeAtLeastCountsWholeYearsToTheBirthday) {
  const auto r = Rule(EligibilityRuleKind::kAgeAtLeast, {"65"});
  ExpectTable({{r, {"1961-11-30"}, true},   // 65 today
               {r, {"1961-12-01"}, false},  // 65 tomorrow
               {r, {"1956-03-15"}, true},
               {r, {"1988-04-21"}, false},  // 38
               {r, {"not a date"}, false},
               {r, {}, false}});
}

TEST(EligibilityTest, AgeBelowIsTheComplement) {
  const auto r = Rule(EligibilityRuleKind::kAgeBelow, {"18"});
  ExpectTable({{r, {"2008-12-01"}, true},  // 17, 18 tomorrow
               {r, {"2008-11-30"}, false},  // 18 today
               {r, {"2030-01-01"}, false},  // a date in the future is no birth
               {r, {""}, false}});
}

TEST(EligibilityTest, DateWithinDaysCountsTodayAndRefusesTheFuture) {
  const auto r = Rule(EligibilityRuleKind::kDateWithinDays, {"30"}, "birth_date");
  ExpectTable({{r, {"2026-11-30"}, true},
               {r, {"2026-10-31"}, true},   // 30 days ago
               {r, {"2026-10-30"}, false},  // 31 days ago
               {r, {"2026-12-01"}, false},
               {r, {"2020-01-01", "2026-11-20"}, true}});
}

TEST(EligibilityTest, AgeInYears) {
  EXPECT_EQ(AgeInYears({2000, 2, 29}, {2001, 2, 28}), 0);
  EXPECT_EQ(AgeInYears({2000, 2, 29}, {2001, 3, 1}), 1);
  EXPECT_EQ(AgeInYears({1956, 1, 1}, kToday), 70);
  EXPECT_EQ(AgeInYears({2030, 1, 1}, kToday), 0);
}

TEST(EligibilityTest, KindsHaveTheirCatalogueNames) {
  EXPECT_STREQ(EligibilityRuleKindName(EligibilityRuleKind::kDateWithinDays), "date_within_days");
  EXPECT_EQ(ParseEligibilityRuleKind("age_at_least"), EligibilityRuleKind::kAgeAtLeast);
  EXPECT_FALSE(ParseEligibilityRuleKind("older_than"));
}

TEST(EligibilityTest, CheckRuleRefusesWhatCatalogueCheckReports) {
  Dataset population;
  population.code = "population";
  population.fields = {DatasetField{"birth_date", {"出生日期", "Date of birth"}, FieldType::kDate},
                       DatasetField{"district", {"户籍所在区", "District"}, FieldType::kText}};
  EXPECT_TRUE(CheckEligibilityRule(Rule(EligibilityRuleKind::kAgeAtLeast, {"65"}), &population).ok());
  EXPECT_TRUE(CheckEligibilityRule(Rule(EligibilityRuleKind::kPresent, {}, "district"), &population).ok());
  const std::vector<std::pair<EligibilityRule, const Dataset*>> bad = {
      {Rule(EligibilityRuleKind::kAgeAtLeast, {"65"}), nullptr},                    // unknown dataset
      {Rule(EligibilityRuleKind::kPresent, {}, "no_such"), &population},            // unknown field
      {Rule(EligibilityRuleKind::kAgeAtLeast, {"sixty"}), &population},              // not a number
      {Rule(EligibilityRuleKind::kAgeAtLeast, {}), &population},                     // no value
      {Rule(EligibilityRuleKind::kAgeAtLeast, {"65"}, "district"), &population},     // not a date
      {Rule(EligibilityRuleKind::kEquals, {"a", "b"}, "district"), &population},     // two values
      {Rule(EligibilityRuleKind::kOneOf, {}, "district"), &population},              // none
      {Rule(EligibilityRuleKind::kPresent, {"x"}, "district"), &population},         // a value
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    const Status s = CheckEligibilityRule(bad[i].first, bad[i].second);
    EXPECT_FALSE(s.ok()) << i;
  }
  auto no_reason = Rule(EligibilityRuleKind::kAgeAtLeast, {"65"});
  no_reason.reason.en.clear();
  EXPECT_FALSE(CheckEligibilityRule(no_reason, &population).ok());
}

}  // namespace
}  // namespace tongban::domain
