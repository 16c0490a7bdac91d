// Benefits without applying (免申即享, issue 12 item 1; docs/product.md C5): an item marked
// `proactive:` in the catalogue is offered by the platform to the people who newly qualify by its
// eligibility rules. What the item says (confirm: ask | proceed, decline_days, unanswered) and the
// pure arithmetic of who is a candidate today: the job (services/proactive.h) reads the people
// born in the window this computes through an index, then checks every rule as submission does.
// Thread-safety: plain value types and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/time.h"
#include "domain/eligibility.h"

namespace tongban::domain {

// kAsk: the case is offered and waits for the person to confirm or decline it in one step.
// kProceed: the platform submits it itself; the person is told and may withdraw it.
enum class ProactiveConfirm { kAsk, kProceed };
const char* ProactiveConfirmName(ProactiveConfirm confirm);  // "ask", "proceed"
std::optional<ProactiveConfirm> ParseProactiveConfirm(std::string_view name);

// What becomes of an offer (kAsk) left unanswered for decline_days days.
enum class ProactiveUnanswered { kLapse, kProceed };
const char* ProactiveUnansweredName(ProactiveUnanswered unanswered);  // "lapse", "proceed"
std::optional<ProactiveUnanswered> ParseProactiveUnanswered(std::string_view name);

inline constexpr int kMaxDeclineDays = 365;

struct ProactiveRule {
  ProactiveConfirm confirm = ProactiveConfirm::kAsk;
  int decline_days = 0;  // kAsk: days an offer waits for an answer (1..kMaxDeclineDays)
  ProactiveUnanswered unanswered = ProactiveUnanswered::kLapse;
};

// The dataset field whose dates the platform indexes by day (storage keeps person_birthdays up to
// date wherever population records are written): the one field a proactive age rule may name.
inline constexpr std::string_view kBirthDataset = "population";
inline constexpr std::string_view kBirthField = "birth_date";

// The item's rule that finds its candidates: its first age_at_least rule on population.birth_date;
// nullptr when it has none (such an item cannot be proactive: catalogue check refuses it).
const EligibilityRule* ProactiveAgeRule(const std::vector<EligibilityRule>& rules);

// Checks an item's `proactive:` against its eligibility rules. kInvalidArgument with the reason:
// decline_days outside 1..kMaxDeclineDays with ask, decline_days or unanswered given with proceed,
// no age_at_least rule on population.birth_date.
Status CheckProactiveRule(const ProactiveRule& rule, const std::vector<EligibilityRule>& eligibility);

// The people who reach `years` whole years in `today`'s month, up to today: born from the first of
// that month `years` years earlier to the same day (both "YYYY-MM-DD", inclusive). Those born later
// in the month are found on a later day's run, once their birthday has come.
struct BirthWindow {
  std::string from;
  std::string to;
};
BirthWindow TurningAgeThisMonth(Date today, int years);

// The month an offer is made for ("YYYY-MM"): with the item and the person, its unique key, so that
// each person is offered an item once per month they newly qualify in.
std::string OfferPeriod(Date today);

}  // namespace tongban::domain
