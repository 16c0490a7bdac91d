#include "domain/bundle_case.h"

#include <algorithm>
#include <map>

namespace tongban::domain {

bool ApprovedForBundle(ApplicationState s) {
  return s == ApplicationState::kApproved || s == ApplicationState::kDelivered || s == ApplicationState::kCompleted;
}

bool EndedUnapproved(ApplicationState s) {
  return s == ApplicationState::kRefused || s == ApplicationState::kNotAccepted || s == ApplicationState::kWithdrawn ||
         s == ApplicationState::kClosed;
}

BundleProgress DeriveBundleProgress(const BundleCase& bundle, const std::vector<BundlePart>& parts, Date today,
                                    const std::function<int(const std::string&)>& promised_days,
                                    const std::function<Date(Date, int)>& add_working_days) {
  BundleProgress out;
  const auto any = [&](auto pred) {
    return std::any_of(parts.begin(), parts.end(), [&](const BundlePart& p) { return pred(p.application.state); });
  };
  const auto all = [&](auto pred) {
    return std::all_of(parts.begin(), parts.end(), [&](const BundlePart& p) { return pred(p.application.state); });
  };
  if (!bundle.submitted_at || any([](ApplicationState s) { return s == ApplicationState::kDraft; })) {
    out.state = "draft";
    return out;
  }
  const auto in_progress = [](ApplicationState s) { return !ApprovedForBundle(s) && !EndedUnapproved(s); };
  if (any([](ApplicationState s) { return s == ApplicationState::kCorrectionRequested; })) {
    out.state = "correction_requested";
  } else if (any(in_progress)) {
    out.state = "in_progress";
  } else if (all([](ApplicationState s) { return s == ApplicationState::kCompleted; })) {
    out.state = "completed";
  } else if (all(ApprovedForBundle)) {
    out.state = "approved";
  } else if (any(ApprovedForBundle)) {
    out.state = "partly_approved";
  } else {
    out.state = "refused";
  }
  if (!any(in_progress)) return out;

  // Expected end of each item, in the bundle's order of waiting (the catalogue has no cycles; a
  // part whose prerequisites are unknown counts from today).
  std::map<std::string, Date> ends;
  std::map<std::string, const BundlePart*> by_item;
  for (const BundlePart& p : parts) by_item[p.sub_case.item] = &p;
  std::function<Date(const BundlePart&, int)> end_of = [&](const BundlePart& p, int depth) -> Date {
    if (const auto it = ends.find(p.sub_case.item); it != ends.end()) return it->second;
    Date end = today;
    const ApplicationState s = p.application.state;
    if (s == ApplicationState::kWaiting && depth < static_cast<int>(parts.size())) {
      Date start = today;
      for (const std::string& before : p.sub_case.waits_for) {
        const auto found = by_item.find(before);
        if (found == by_item.end() || ApprovedForBundle(found->second->application.state)) continue;
        start = std::max(start, end_of(*found->second, depth + 1));
      }
      end = add_working_days(start, promised_days(p.sub_case.item));
    } else if (p.application.deadline) {
      end = *p.application.deadline;
    }
    ends[p.sub_case.item] = end;
    return end;
  };
  for (const BundlePart& p : parts) {
    if (!in_progress(p.application.state)) continue;
    const Date end = end_of(p, 0);
    if (!out.deadline || *out.deadline < end) out.deadline = end;
  }
  return out;
}

}  // namespace tongban::domain
