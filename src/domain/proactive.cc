#include "domain/proactive.h"

#include <array>
#include <cstdio>

#include "common/enum_names.h"

namespace tongban::domain {
namespace {

constexpr std::array kConfirmNames = {
    EnumName<ProactiveConfirm>{ProactiveConfirm::kAsk, "ask"},
    EnumName<ProactiveConfirm>{ProactiveConfirm::kProceed, "proceed"},
};
constexpr std::array kUnansweredNames = {
    EnumName<ProactiveUnanswered>{ProactiveUnanswered::kLapse, "lapse"},
    EnumName<ProactiveUnanswered>{ProactiveUnanswered::kProceed, "proceed"},
};

std::string FormatMonth(int year, int month) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
}

}  // namespace

const char* ProactiveConfirmName(ProactiveConfirm confirm) { return NameOf(kConfirmNames, confirm); }
std::optional<ProactiveConfirm> ParseProactiveConfirm(std::string_view name) { return ValueOf(kConfirmNames, name); }
const char* ProactiveUnansweredName(ProactiveUnanswered unanswered) { return NameOf(kUnansweredNames, unanswered); }
std::optional<ProactiveUnanswered> ParseProactiveUnanswered(std::string_view name) {
  return ValueOf(kUnansweredNames, name);
}

const EligibilityRule* ProactiveAgeRule(const std::vector<EligibilityRule>& rules) {
  for (const EligibilityRule& r : rules) {
    if (r.kind == EligibilityRuleKind::kAgeAtLeast && r.dataset == kBirthDataset && r.field == kBirthField &&
        r.values.size() == 1) {
      return &r;
    }
  }
  return nullptr;
}

Status CheckProactiveRule(const ProactiveRule& rule, const std::vector<EligibilityRule>& eligibility) {
  if (rule.confirm == ProactiveConfirm::kAsk && (rule.decline_days < 1 || rule.decline_days > kMaxDeclineDays)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "proactive: 'decline_days' must be between 1 and " + std::to_string(kMaxDeclineDays) +
                         " with confirm: ask (the days an offer waits for the person's answer)");
  }
  if (rule.confirm == ProactiveConfirm::kProceed && rule.decline_days != 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "proactive: 'decline_days' is for confirm: ask; with proceed the case is submitted at once "
                     "and the person may withdraw it");
  }
  if (rule.confirm == ProactiveConfirm::kProceed && rule.unanswered != ProactiveUnanswered::kLapse) {
    return MakeError(ErrorCode::kInvalidArgument, "proactive: 'unanswered' is for confirm: ask");
  }
  if (ProactiveAgeRule(eligibility) == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "proactive: the item needs an eligibility rule {dataset: population, field: birth_date, rule: "
                     "age_at_least}: the daily job finds who newly qualifies by birth date, never by a scan");
  }
  return Ok();
}

BirthWindow TurningAgeThisMonth(Date today, int years) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", today.year - years, today.month, today.day);
  return {FormatMonth(today.year - years, today.month) + "-01", buf};
}

std::string OfferPeriod(Date today) { return FormatMonth(today.year, today.month); }

}  // namespace tongban::domain
