// Outbound HTTP calls to other systems (a department's data source, an SMS gateway, a federation
// peer): the port a service uses to call out without holding a thread while it waits.
// Thread-safety: Send may be called from any thread, concurrently. The callback runs on the
// client's own thread (never a server I/O thread, never the caller's), exactly once; it must not
// block (hand heavy work to a worker, or complete a promise another thread waits on).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace tongban::ports {

struct OutboundRequest {
  std::string method = "GET";  // an HTTP method token: GET, POST, PUT, ...
  std::string url;             // http://host[:port]/path?query or https://...
  std::vector<std::pair<std::string, std::string>> headers;  // Host and Content-Length are set for you
  std::string body;
};

struct OutboundLimits {
  // From the start of the call until a connection is open (name resolution included).
  std::chrono::milliseconds connect_timeout{3000};
  // The whole call, from Send until the last byte of the answer.
  std::chrono::milliseconds deadline{10000};
  // The answer's body at most; a larger one fails with kPayloadTooLarge.
  size_t max_response_bytes = 1024 * 1024;
};

struct OutboundResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // as received, in order
  std::string body;

  // The first header named `name` (case-insensitive), or "" when there is none.
  std::string Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k.size() != name.size()) continue;
      bool same = true;
      for (size_t i = 0; i < k.size() && same; ++i) {
        same = (k[i] | 0x20) == (name[i] | 0x20);
      }
      if (same) return v;
    }
    return {};
  }
};

// Completes a call: the answer (any HTTP status: a 500 from the peer is an answer, not an error),
// or an Error whose message is an i18n key (error.outbound.*):
//   kInvalidArgument  the URL, method or a header is not valid (nothing was sent)
//   kUnavailable      name not found, connection refused or reset, a timeout (connect or deadline),
//                     a malformed or cut-off answer, a TLS failure (certificate or host name)
//   kPayloadTooLarge  the answer is larger than max_response_bytes
using OutboundCallback = std::function<void(Result<OutboundResponse>)>;

class OutboundHttp {
 public:
  virtual ~OutboundHttp() = default;
  // Starts the call and returns at once; `done` runs later on the client's thread (see above).
  // When the client is destroyed with calls in flight, each completes with kUnavailable.
  virtual void Send(OutboundRequest request, OutboundLimits limits, OutboundCallback done) = 0;
};

}  // namespace tongban::ports
