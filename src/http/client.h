// The outbound HTTP client (Boost.Beast, asynchronous): implements ports::OutboundHttp over http
// and https with a connect timeout, a deadline for the whole call and a bound on the answer's
// size. It runs on its own io_context and threads, apart from the server's I/O threads and the
// request workers, so a slow peer holds no thread: a call is a few sockets and timers until it
// completes. HTTPS verifies the peer's certificate chain and host name (or IP address) by
// default, against the system's CA store or `ca_file`.
// Thread-safety: Send from any thread, concurrently. The destructor (run it from a thread that is
// not the client's) completes calls in flight with kUnavailable and joins the threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "ports/outbound_http.h"

namespace tongban::http {

struct HttpClientOptions {
  int threads = 1;              // io_context threads; one serves thousands of calls in flight
  std::string ca_file;          // PEM file of trusted CAs; empty: the system's default store
  bool verify_peer = true;      // false only for tests against throwaway certificates
  std::string user_agent = "Tongban";
};

// A URL split for a call. kInvalidArgument ("error.outbound.bad_url") unless it is
// http:// or https://, a host, an optional port 1-65535 and an optional path and query (no
// user information, no fragment, no spaces or control characters).
struct OutboundUrl {
  bool tls = false;
  std::string host;    // without brackets for IPv6
  uint16_t port = 0;
  std::string target;  // "/path?query", at least "/"
};
Result<OutboundUrl> ParseOutboundUrl(std::string_view url);

class HttpClient final : public ports::OutboundHttp {
 public:
  // kInvalidArgument when `ca_file` cannot be read as PEM certificates.
  static Result<std::unique_ptr<HttpClient>> Create(const HttpClientOptions& options);
  ~HttpClient() override;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  void Send(ports::OutboundRequest request, ports::OutboundLimits limits, ports::OutboundCallback done) override;

  struct Impl;

 private:
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tongban::http
