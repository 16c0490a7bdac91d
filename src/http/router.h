// Routes: method + path pattern ("/api/v1/applications/{id}/actions/{action}") -> handler.
// Routes are declared next to their handlers (api/*.cc, web/*.cc) and registered at start.
// Thread-safety: build before serving; Dispatch is then safe from every thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "http/message.h"

namespace tongban::http {

using Handler = std::function<Response(Request&)>;

struct RouteOptions {
  // The handler answers from memory and never blocks (a cached read): the server may run it on an
  // I/O thread (DispatchInline) instead of handing it to a worker thread.
  bool run_inline = false;
  // With run_inline: when set, only the requests it answers true for run on the I/O thread; the
  // others are handed to a worker thread like any route (their handler may then block). Runs with
  // req.params filled.
  std::function<bool(const Request&)> inline_if;
};

struct RouteInfo {
  std::string method;
  std::string pattern;
};

class Router {
 public:
  // `pattern` segments in braces bind path parameters; a segment never matches "" or contains '/'.
  void Add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});
  // Matches the path of req.target (as received, split before decoding) and calls the matching
  // handler with req.params filled (decoded). Answers 404 (no path matches) or 405 (path
  // matches another method) through `fallback`, which receives the status to answer.
  Response Dispatch(Request& req) const;
  // Like Dispatch when the matching route was added with run_inline; nullopt otherwise (no route,
  // or one that may block), and the caller calls Dispatch on a thread that may block.
  std::optional<Response> DispatchInline(Request& req) const;
  void SetFallback(std::function<Response(Request&, int status)> fallback) { fallback_ = std::move(fallback); }
  std::vector<RouteInfo> Routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    RouteOptions options;
  };
  // The most specific route matching req's path and method, with req.params filled; nullptr when
  // none. `path_matched` and `allow` (when given) describe the routes of other methods.
  const Route* Match(Request& req, bool& path_matched, std::string* allow) const;
  std::vector<Route> routes_;
  std::function<Response(Request&, int)> fallback_;
};

}  // namespace tongban::http
