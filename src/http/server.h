// The HTTP/1.1 server (Boost.Beast): keep-alive, read/write timeouts, body size limit (413),
// strict framing, connection limits, security headers, request ids, structured access logs,
// graceful shutdown on SIGTERM/SIGINT (stops accepting, finishes requests in flight, then returns).
// Thread-safety: RunServer blocks the calling thread. Connections are read and written on
// `threads` I/O threads; requests are handled on `worker_threads` other threads (a bounded queue
// in front: 503 when full), except those the inline handler answers on the I/O thread. Every hook
// is called concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace tongban::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;               // 0: pick a free port (printed by the ready callback)
  int threads = 2;                    // I/O threads: read and write connections, never block
  int worker_threads = 64;            // run the handlers (password hashing, database waits)
  size_t worker_queue = 256;          // requests waiting for a worker at most; more get 503
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
  // Answers every request, on a worker thread; the server adds the security headers, Date,
  // Server and X-Request-Id.
  std::function<Response(Request&)> handler;
  // Called first, on the I/O thread: answers a request that is cheap and never blocks (a cached
  // read), or returns nullopt to have `handler` answer it on a worker thread.
  std::function<std::optional<Response>(Request&)> inline_handler;
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
