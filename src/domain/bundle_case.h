// A bundle case (一件事, docs/product.md C4b, issue 11 item 1): one submission for a bundle of the
// catalogue, made of one sub-case per item; each sub-case is an Application of its own department.
// Its state and deadline are derived from its sub-cases (DeriveBundleProgress), never stored.
// Thread-safety: plain value types and pure functions.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/time.h"
#include "domain/application.h"

namespace tongban::domain {

struct BundleCase {
  std::string id;
  std::string bundle;  // the catalogue bundle's code
  std::string applicant_user_id;
  std::string person_id;
  std::string enterprise;
  Timestamp created_at{};
  std::optional<Timestamp> submitted_at;  // nullopt while a draft
  int64_t version = 0;
};

struct BundleSubCase {
  std::string application_id;
  std::string bundle_case_id;
  int position = 0;  // the item's place in the bundle, from 0
  std::string item;
  std::vector<std::string> waits_for;  // item codes of the same bundle case
};

// A sub-case with its application, as the bundle reads them.
struct BundlePart {
  BundleSubCase sub_case;
  Application application;
};

// The bundle's state, derived from its sub-cases (docs/product.md C4b), first rule that holds:
//   "draft"                 not submitted yet;
//   "correction_requested"  a sub-case waits for the applicant's correction;
//   "in_progress"           a sub-case is with its department or waiting to start;
//   "completed"             every sub-case completed;
//   "approved"              every sub-case approved (or delivered, completed): the results together;
//   "partly_approved"       all ended, some approved, some not (refused, not accepted, closed, withdrawn);
//   "refused"               all ended, none approved.
// The deadline: nullopt for a draft or once nothing is in progress; else the latest of the
// deadlines of the sub-cases in progress, where a waiting sub-case counts its item's promised
// working days after the latest deadline of what it waits for (today when that is approved).
struct BundleProgress {
  std::string state;
  std::optional<Date> deadline;
};
// `promised_days(item)` and `add_working_days(date, n)` come from the catalogue and calendar.
BundleProgress DeriveBundleProgress(const BundleCase& bundle, const std::vector<BundlePart>& parts, Date today,
                                    const std::function<int(const std::string&)>& promised_days,
                                    const std::function<Date(Date, int)>& add_working_days);

// True when an application in `state` counts as approved for what waits for it.
bool ApprovedForBundle(ApplicationState state);
// True when an application in `state` ended without approval (what waits for it can never start).
bool EndedUnapproved(ApplicationState state);

}  // namespace tongban::domain
