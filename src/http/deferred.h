// Handlers that read an external dataset (issue 9 item 8): the calls to the departments' systems
// are made before the handler's transaction, asynchronously, and the response is built once they
// have all answered, on a worker thread, without any thread waiting for them meanwhile.
// Thread-safety: `respond` runs once, on a worker thread (at once when there is nothing to call).
#pragma once

#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "http/message.h"
#include "services/context.h"
#include "services/external_sources.h"

namespace tongban::http {

// `respond(nullptr)` now when `calls` is empty; otherwise a Later response that makes the calls
// and answers `respond(&answers)`. `respond` must own (or outlive) what it captures; the request
// itself stays alive until the response is written.
inline Response WithExternal(const services::Context& ctx, std::vector<services::ExternalCall> calls,
                             std::function<Response(const services::ExternalReads*)> respond) {
  if (calls.empty()) return respond(nullptr);
  return Later([&ctx, calls = std::move(calls), respond = std::move(respond)](Resume resume) mutable {
    services::FetchExternal(ctx, std::move(calls),
                            [resume = std::move(resume), respond = std::move(respond)](services::ExternalReads reads) {
                              auto shared = std::make_shared<services::ExternalReads>(std::move(reads));
                              resume([respond, shared] { return respond(shared.get()); });
                            });
  });
}

}  // namespace tongban::http
