#include "domain/eligibility.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "common/enum_names.h"
#include "domain/catalogue.h"
#include "domain/dataset.h"

namespace tongban::domain {
namespace {

constexpr std::array kKinds = {
    EnumName<EligibilityRuleKind>{EligibilityRuleKind::kPresent, "present"},
    EnumName<EligibilityRuleKind>{EligibilityRuleKind::kEquals, "equals"},
    EnumName<EligibilityRuleKind>{EligibilityRuleKind::kOneOf, "one_of"},
    EnumName<EligibilityRuleKind>{EligibilityRuleKind::kAgeAtLeast, "age_at_least"},
    EnumName<EligibilityRuleKind>{EligibilityRuleKind::kAgeBelow, "age_below"},
    EnumName<EligibilityRuleKind>{EligibilityRuleKind::kDateWithinDays, "date_within_days"},
};

std::optional<int> WholeNumber(std::string_view text, int high) {
  int n = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size() || n < 0 || n > high) return std::nullopt;
  return n;
}

bool IsDateRule(EligibilityRuleKind kind) {
  return kind == EligibilityRuleKind::kAgeAtLeast || kind == EligibilityRuleKind::kAgeBelow ||
         kind == EligibilityRuleKind::kDateWithinDays;
}

int High(EligibilityRuleKind kind) { return kind == EligibilityRuleKind::kDateWithinDays ? 36500 : 200; }

Error Bad(const EligibilityRule& rule, const std::string& why) {
  return MakeError(ErrorCode::kInvalidArgument, "eligibility rule " + std::string(EligibilityRuleKindName(rule.kind)) +
                                                    " on " + rule.dataset + "." + rule.field + ": " + why);
}

}  // namespace

const char* EligibilityRuleKindName(EligibilityRuleKind kind) { return NameOf(kKinds, kind); }
std::optional<EligibilityRuleKind> ParseEligibilityRuleKind(std::string_view name) { return ValueOf(kKinds, name); }

Status CheckEligibilityRule(const EligibilityRule& rule, const Dataset* dataset) {
  if (dataset == nullptr) return Bad(rule, "unknown dataset '" + rule.dataset + "'");
  const DatasetField* field = dataset->FindField(rule.field);
  if (field == nullptr) return Bad(rule, "dataset " + rule.dataset + " has no field '" + rule.field + "'");
  if (rule.reason.zh.empty() || rule.reason.en.empty()) return Bad(rule, "reason needs zh and en");
  switch (rule.kind) {
    case EligibilityRuleKind::kPresent:
      if (!rule.values.empty()) return Bad(rule, "takes no value");
      break;
    case EligibilityRuleKind::kEquals:
      if (rule.values.size() != 1) return Bad(rule, "takes exactly one value");
      break;
    case EligibilityRuleKind::kOneOf:
      if (rule.values.empty()) return Bad(rule, "takes one or more values");
      break;
    case EligibilityRuleKind::kAgeAtLeast:
    case EligibilityRuleKind::kAgeBelow:
    case EligibilityRuleKind::kDateWithinDays:
      if (rule.values.size() != 1 || !WholeNumber(rule.values[0], High(rule.kind))) {
        return Bad(rule, "takes one whole number (0.." + std::to_string(High(rule.kind)) + ")");
      }
      if (field->type != FieldType::kDate) return Bad(rule, "field " + rule.field + " is not a date");
      break;
  }
  return Ok();
}

int AgeInYears(Date birth, Date today) {
  if (today < birth) return 0;
  int age = today.year - birth.year;
  if (today.month < birth.month || (today.month == birth.month && today.day < birth.day)) --age;
  return age;
}

bool RuleMet(const EligibilityRule& rule, const std::vector<std::string>& values, Date today) {
  const auto any = [&](auto&& predicate) { return std::any_of(values.begin(), values.end(), predicate); };
  switch (rule.kind) {
    case EligibilityRuleKind::kPresent:
      return any([](const std::string& v) { return !v.empty(); });
    case EligibilityRuleKind::kEquals:
    case EligibilityRuleKind::kOneOf:
      return any([&](const std::string& v) {
        return !v.empty() && std::find(rule.values.begin(), rule.values.end(), v) != rule.values.end();
      });
    case EligibilityRuleKind::kAgeAtLeast:
    case EligibilityRuleKind::kAgeBelow:
    case EligibilityRuleKind::kDateWithinDays: {
      const auto n = rule.values.size() == 1 ? WholeNumber(rule.values[0], High(rule.kind)) : std::nullopt;
      if (!n) return false;
      return any([&](const std::string& v) {
        const auto date = ParseIsoDate(v);
        if (!date || today < *date) return false;
        if (rule.kind == EligibilityRuleKind::kAgeAtLeast) return AgeInYears(*date, today) >= *n;
        if (rule.kind == EligibilityRuleKind::kAgeBelow) return AgeInYears(*date, today) < *n;
        return DaysSinceEpoch(today) - DaysSinceEpoch(*date) <= *n;
      });
    }
  }
  return false;
}

}  // namespace tongban::domain
