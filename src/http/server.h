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
#include <string_view>

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
  // Open connections at most, in total and from one client address (0: no per-address limit).
  // At a limit, a new connection closes the longest-idle one (of the address with the most
  // connections first); with none idle, the new connection is closed.
  size_t max_connections = 10000;
  size_t max_connections_per_address = 256;
  bool trust_forwarded_for = false;   // take the client address from X-Forwarded-For (behind nginx)
  bool access_log = true;
};

// What the server calls. Each may be empty except `handler`.
struct ServerHooks {
  // Answers every request; the server adds the security headers, Date, Server and X-Request-Id.
  std::function<Response(Request&)> handler;
  // The text of a message key the server answers with by itself ("error.http.*": malformed
  // requests, too large, busy) in the request's language. Empty: English texts built in.
  std::function<std::string(const Request&, std::string_view key)> error_text;
  // Called with the bound port once the server listens.
  std::function<void(uint16_t port)> on_ready;
};

// Serves until SIGTERM or SIGINT. Returns 0 after a clean shutdown, non-zero when the address
// cannot be bound.
int RunServer(const ServerOptions& options, ServerHooks hooks);
// The same with only a handler and a ready callback.
int RunServer(const ServerOptions& options, std::function<Response(Request&)> handler,
              std::function<void(uint16_t port)> on_ready);

}  // namespace tongban::http
