// The result of a verification as the verification page and the window's licence check show it:
// the status in words, the reasons, the claims and, for a peer's licence, the platform that issued
// it (issue 14) in the page's language.
// Thread-safety: a pure function of its arguments.
#pragma once

#include "http/web/page.h"
#include "services/verification.h"

namespace tongban::http::web {

Data VerificationView(const Site& site, const PageRequest& page, const services::Verification& v);

}  // namespace tongban::http::web
