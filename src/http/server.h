// The HTTP/1.1 server (Boost.Beast): keep-alive, read/write timeouts, body size limit (413),
// security headers, request ids, structured access logs, graceful shutdown on SIGTERM/SIGINT
// (stops accepting, finishes requests in flight, then returns).
// Thread-safety: Run blocks the calling thread and uses `threads` worker threads; the handler is
// called concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "http/message.h"

namespace tongban::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;               // 0: pick a free port (printed by the ready callback)
  int threads = 2;
  size_t max_body_bytes = 12 * 1024 * 1024;  // larger bodies get 413
  int read_timeout_seconds = 30;      // whole request, headers and body
  int write_timeout_seconds = 30;
  int idle_timeout_seconds = 60;      // keep-alive connections without a request
  int shutdown_grace_seconds = 20;    // how long SIGTERM waits for requests in flight
  bool trust_forwarded_for = false;   // take the client address from X-Forwarded-For (behind nginx)
  bool access_log = true;
};

// Serves until SIGTERM or SIGINT. `handler` answers every request; the server adds the
// security headers, Date, Server and X-Request-Id. `on_ready` is called with the bound port.
// Returns 0 after a clean shutdown, non-zero when the address cannot be bound.
int RunServer(const ServerOptions& options, std::function<Response(Request&)> handler,
              std::function<void(uint16_t port)> on_ready);

}  // namespace tongban::http
