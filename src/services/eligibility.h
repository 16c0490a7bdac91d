// Eligibility from data (issue 9 item 7): whether a subject qualifies for an item, by the item's
// rules over the city's datasets (domain/eligibility.h). Each dataset the rules name is read once,
// in the caller's transaction, and the read recorded in the access log (purpose: the item's code;
// legal basis: the item's).
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <string>
#include <vector>

#include "domain/application.h"
#include "domain/eligibility.h"
#include "services/context.h"

namespace tongban::services {

struct RuleCheck {
  domain::EligibilityRule rule;
  bool met = false;
};

struct EligibilityCheck {
  bool applies = false;    // the item has rules
  bool qualified = true;   // every rule is met (true when none applies)
  std::vector<RuleCheck> rules;
};

// Who reads and why, when it is not an applicant or an official handling a case: the platform's
// own job (services/proactive.h) names its role and purpose in the access log.
struct ReadPurpose {
  std::string accessor_role;  // e.g. "platform"
  std::string purpose;        // e.g. "benefits_without_applying:civil.elderly-allowance"
};

// Checks `subject_id` (a resident id or credit code, as the item's applicant kind) against the
// item's rules in `tx`, which must be a write transaction (the access-log entries are written in
// it). `accessor` is who reads: the applicant or an official, or with `why` the platform. The
// store's errors.
Result<EligibilityCheck> CheckEligibility(const Context& ctx, ports::Transaction& tx, const Actor& accessor,
                                          const std::string& subject_id, const domain::ServiceItem& item,
                                          const ReadPurpose* why = nullptr);

// The same for the signed-in person on the item's page, in a transaction of its own. An item
// without rules answers applies=false without reading anything. kNotFound (error.item.not_found);
// a caller without a person id (an official) answers applies=false.
Result<EligibilityCheck> CheckMyEligibility(const Context& ctx, const Actor& actor, const std::string& item_code);

// The applicant's check for an official opening the case (the case page), in a transaction of its
// own, the reads logged with the official as accessor. The caller has already been allowed to
// see `app` (ViewApplication). applies=false for an item without rules.
Result<EligibilityCheck> CheckCaseEligibility(const Context& ctx, const Actor& official, const domain::Application& app);

// kPermissionDenied (error.eligibility.not_qualified) with a FieldError per unmet rule
// ({dataset}.{field}, error.eligibility.<rule kind>, the rule's value) unless `check` qualifies.
Status RequireQualified(const EligibilityCheck& check);

// What submission calls (services/applications.cc): the applicant of `app` (its enterprise, else
// its person) checked against `item`'s rules in `tx`, then RequireQualified.
Status RequireEligible(const Context& ctx, ports::Transaction& tx, const Actor& actor, const domain::Application& app,
                       const domain::ServiceItem& item);

}  // namespace tongban::services
