// What the clerk at a comprehensive window sees before submitting for the person in front of them
// (综合受理 with pre-fill, issue 11 item 3, services/window.h): the pre-filled fields of an item, or
// of a bundle's merged form, with where each value came from. The reads go through
// services/data_access (ReadForItem) with the clerk as accessor and the window visit as the
// purpose ("window_visit:<id>", the purpose of the consent the person gives at the window, which
// the same transaction records once per visit), so the person sees in "who read my data" that the
// window clerk read it during the visit. Only the clerk's own open visit allows it, and only for
// items of the visit's kind the clerk's centre takes (a person's visit: personal items; an
// enterprise's visit, services/window.h: enterprise items, the enterprise's data read, no consent
// recorded: a consent is a person's); a refusal reads and records nothing.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <string>
#include <vector>

#include "services/bundles.h"
#include "services/context.h"
#include "services/data_access.h"

namespace tongban::services {

// The access-log purpose of everything read in window visit `visit_id`.
std::string WindowVisitPurpose(const std::string& visit_id);

// The calls to departments' own systems WindowPrefill of the same arguments needs (run them with
// FetchExternal first). The errors WindowPrefill answers before reading.
Result<std::vector<ExternalCall>> WindowPrefillExternalCalls(const Context& ctx, const Actor& clerk,
                                                             const std::string& visit_id, const std::string& item_code);

// The pre-fill of `item_code` for the person of the clerk's open visit `visit_id`,
// read with the clerk as accessor and the visit as purpose, in one write transaction that also
// records the person's consent for the visit. kNotFound (error.item.not_found); kPermissionDenied
// error.window.not_clerk, error.window.visit_not_found, error.window.visit_of_another_clerk,
// error.window.visit_closed, error.window.centre_refuses_item (also for an item of the other kind
// of applicant than the visit's); the store's errors.
Result<ItemRead> WindowPrefill(const Context& ctx, const Actor& clerk, const std::string& visit_id,
                               const std::string& item_code, const ExternalReads* external = nullptr);

// The same for bundle `bundle_code`'s merged form (each field once, the first item that fills it
// gives its value; every item's materials with their item), in one transaction. kNotFound
// (error.bundle.not_found); error.window.centre_refuses_item unless the centre takes every item of
// the bundle; the other errors of WindowPrefill. External datasets are not called here: their
// fields show as unavailable and are fetched at submission.
Result<BundlePrefill> WindowPrefillBundle(const Context& ctx, const Actor& clerk, const std::string& visit_id,
                                          const std::string& bundle_code);

// The codes of the personal bundles the clerk's centre takes at its window (every item of the
// bundle a personal item taken there), in catalogue order.
std::vector<std::string> WindowBundles(const Context& ctx, const Actor& clerk);

}  // namespace tongban::services
