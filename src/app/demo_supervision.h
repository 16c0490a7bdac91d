// The demo's supervision records (issue 13 item 4): a few records of the demo enterprise
// (王芳's), recorded by supervisor.market, so that the enterprise's homepage and a reviewer's case
// page have something to show. Thread-safety: call once at start, before serving.
#pragma once

#include "common/result.h"
#include "services/context.h"

namespace tongban::app {

// Records an inspection, a violation, a penalty and a credit level of the demo enterprise when it
// has no record yet; answers how many it recorded (0 when it had some, or when the catalogue has
// no market department or the demo accounts are missing).
Result<int> EnsureDemoSupervision(const services::Context& ctx);

}  // namespace tongban::app
