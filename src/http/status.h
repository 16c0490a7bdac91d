// The one map from an error to an HTTP status, used by the JSON API and the pages alike
// (docs/api.md "Errors"): invalid_argument 400, unauthenticated 401, permission_denied 403,
// not_found 404, conflict 409, payload_too_large 413, resource_exhausted 429, unavailable 503,
// internal 500. Thread-safety: pure functions.
#pragma once

#include "common/result.h"

namespace tongban::http {

int HttpStatus(ErrorCode code);

}  // namespace tongban::http
