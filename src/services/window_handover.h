// Hand-over of results at the comprehensive window (统一出件, issue 11 item 3): in the clerk's open
// visit, the person's approved application is handed over at the window:
// approved -> delivered, an event with the clerk as actor and assisted_by, channel window, reason
// "window_hand_over" (the delivery's effects, e.g. the e-licence handed to its holder, run in the
// same transaction). A sub-case of a bundle case is handed over with the whole bundle (joint
// issuance): every approved sub-case together, once none is still in progress.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <string>
#include <vector>

#include "domain/application.h"
#include "services/context.h"

namespace tongban::services {

// The reason recorded on a deliver event at the window.
inline constexpr std::string_view kWindowHandOverReason = "window_hand_over";

// Hands over the result of application `id` (or of its bundle case) in visit `visit_id`; answers
// the applications delivered. kPermissionDenied: the errors of UsableVisit; kNotFound
// (error.application.not_found) for an application that is not the visit's person's; kConflict error.window.bundle_not_ready (a sub-case of its bundle is still in
// progress), error.action.state (nothing approved to hand over). The store's errors.
Result<std::vector<domain::Application>> HandOverResults(const Context& ctx, const Actor& clerk,
                                                         const std::string& visit_id, const std::string& id);

}  // namespace tongban::services
