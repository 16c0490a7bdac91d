#include "domain/suggestion.h"

#include <algorithm>

namespace tongban::domain {
namespace {

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

const char* SuggestionConditionName(SuggestionCondition condition) {
  switch (condition) {
    case SuggestionCondition::kHouseholdBirth: return "household_birth";
    case SuggestionCondition::kLicenceExpiring: return "licence_expiring";
    case SuggestionCondition::kAgeReaching: return "age_reaching";
  }
  return "licence_expiring";
}

std::optional<SuggestionCondition> ParseSuggestionCondition(std::string_view name) {
  for (auto c : {SuggestionCondition::kHouseholdBirth, SuggestionCondition::kLicenceExpiring,
                 SuggestionCondition::kAgeReaching}) {
    if (name == SuggestionConditionName(c)) return c;
  }
  return std::nullopt;
}

Date AddMonths(Date date, int months) {
  const int total = date.year * 12 + (date.month - 1) + months;
  Date out;
  out.year = total / 12;
  out.month = total % 12 + 1;
  out.day = std::min(date.day, DaysInMonth(out.year, out.month));
  return out;
}

std::optional<Date> MatchSuggestion(const SuggestionRule& rule, const SuggestionFacts& facts, Date today) {
  switch (rule.when) {
    case SuggestionCondition::kHouseholdBirth: {
      const Date since = AddMonths(today, -rule.within_months);
      std::optional<Date> newest;
      for (const Date& born : facts.household_births) {
        if (born > since && born <= today && (!newest || born > *newest)) newest = born;
      }
      return newest;
    }
    case SuggestionCondition::kLicenceExpiring: {
      const Date until = AddDays(today, rule.within_days);
      std::optional<Date> soonest;
      for (const auto& [type, expires] : facts.licences_expiring) {
        if (type == rule.licence_type && expires > today && expires <= until && (!soonest || expires < *soonest)) {
          soonest = expires;
        }
      }
      return soonest;
    }
    case SuggestionCondition::kAgeReaching: {
      if (!facts.birth_date) return std::nullopt;
      const Date birthday = AddMonths(*facts.birth_date, 12 * rule.age);
      if (birthday > today && birthday <= AddMonths(today, rule.within_months)) return birthday;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace tongban::domain
