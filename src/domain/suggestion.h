// Suggestion rules (issue 12 item 1; catalogue/suggestions.yaml, docs/product.md C5): data a reform
// office edits, not code. Each rule has a condition over the person's data or licences, what it
// suggests (an item or a bundle) and a reason text in zh and en whose placeholders ({date},
// {age}) are filled with the person's values. Pure: the services read the data and call Match.
// Thread-safety: plain value types and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/time.h"
#include "domain/text.h"

namespace tongban::domain {

enum class SuggestionCondition {
  kHouseholdBirth,   // a member of the person's household born within `within_months`
  kLicenceExpiring,  // a valid licence of `licence_type` expiring within `within_days`
  kAgeReaching,      // the person reaches `age` within `within_months` (and has not yet)
};
const char* SuggestionConditionName(SuggestionCondition condition);  // "household_birth", ...
std::optional<SuggestionCondition> ParseSuggestionCondition(std::string_view name);

struct SuggestionRule {
  std::string code;  // kebab-case, e.g. "newborn"; the dismissal's key
  SuggestionCondition when = SuggestionCondition::kLicenceExpiring;
  std::string licence_type;  // kLicenceExpiring
  int within_days = 0;       // kLicenceExpiring
  int within_months = 0;     // kHouseholdBirth, kAgeReaching
  int age = 0;               // kAgeReaching
  std::string item;          // what it suggests: an item code ...
  std::string bundle;        // ... or a bundle code
  LocalText reason;          // with {date} (and {age}) placeholders
};

// What a rule is matched against: the person's facts, read by the service.
struct SuggestionFacts {
  std::optional<Date> birth_date;              // the person's
  std::vector<Date> household_births;          // the other household members' birth dates
  std::vector<std::pair<std::string, Date>> licences_expiring;  // valid licences: type, expiry date
};

// The date a rule matched on (the newborn's birth, the licence's expiry, the birthday reaching
// the age), or nullopt when it does not apply on `today`.
std::optional<Date> MatchSuggestion(const SuggestionRule& rule, const SuggestionFacts& facts, Date today);

// `date` moved by `months` calendar months (the day clamped to the month's last day).
Date AddMonths(Date date, int months);

}  // namespace tongban::domain
