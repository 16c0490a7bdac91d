// Who may apply for an item (issue 9 item 7), as rules over the city's dataset fields declared in
// the item's catalogue YAML (`eligibility:`): a closed set of rule kinds evaluated here, purely,
// over the values the subject's records hold. services/eligibility.h reads the values (and logs
// the reads); catalogue check validates the rules against the datasets.
// Thread-safety: plain value types and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "domain/text.h"

namespace tongban::domain {

struct Dataset;

enum class EligibilityRuleKind {
  kPresent,         // some record holds a value for the field
  kEquals,          // some record's value is `values[0]`
  kOneOf,           // some record's value is one of `values`
  kAgeAtLeast,      // the field is a date (of birth) at least `values[0]` whole years before today
  kAgeBelow,        // ... fewer than `values[0]` whole years before today
  kDateWithinDays,  // the field is a date within the last `values[0]` days (today counts)
};
// "present", "equals", "one_of", "age_at_least", "age_below", "date_within_days"
const char* EligibilityRuleKindName(EligibilityRuleKind kind);
std::optional<EligibilityRuleKind> ParseEligibilityRuleKind(std::string_view name);

struct EligibilityRule {
  std::string dataset;  // a dataset code
  std::string field;    // one of its fields
  EligibilityRuleKind kind = EligibilityRuleKind::kPresent;
  std::vector<std::string> values;  // equals: one; one_of: one or more; age and days rules: one whole number
  LocalText reason;     // the requirement in plain words, shown to the person ("年满65周岁")
  int line = 0;         // where the rule is in its YAML file (catalogue check), 0 when unknown
};

// Checks a rule as declared, against its dataset (nullptr: unknown dataset). kInvalidArgument with
// the reason: unknown dataset or field, the wrong number of values, a value that is not a whole
// number (0..200 years, 0..36500 days), a date rule on a field that is not a date, a missing reason.
Status CheckEligibilityRule(const EligibilityRule& rule, const Dataset* dataset);

// Whole years from `birth` to `today` (0 when birth is after today).
int AgeInYears(Date birth, Date today);

// Whether `rule` is met by the values the subject's records hold for its field (one per record
// holding it; empty when there is no record or no value). A value that does not parse for the
// rule (a date rule over "unknown") does not meet it.
bool RuleMet(const EligibilityRule& rule, const std::vector<std::string>& values, Date today);

}  // namespace tongban::domain
