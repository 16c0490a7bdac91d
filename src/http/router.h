// Routes: method + path pattern ("/api/v1/applications/{id}/actions/{action}") -> handler.
// Routes are declared next to their handlers (api/*.cc, web/*.cc) and registered at start.
// Thread-safety: build before serving; Dispatch is then safe from every thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/message.h"

namespace tongban::http {

using Handler = std::function<Response(Request&)>;

struct RouteInfo {
  std::string method;
  std::string pattern;
};

class Router {
 public:
  // `pattern` segments in braces bind path parameters; a segment never matches "" or contains '/'.
  void Add(std::string method, std::string pattern, Handler handler);
  // Matches the path of req.target (as received, split before decoding) and calls the matching
  // handler with req.params filled (decoded). Answers 404 (no path matches) or 405 (path
  // matches another method) through `fallback`, which receives the status to answer.
  Response Dispatch(Request& req) const;
  void SetFallback(std::function<Response(Request&, int status)> fallback) { fallback_ = std::move(fallback); }
  std::vector<RouteInfo> Routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
  std::function<Response(Request&, int)> fallback_;
};

}  // namespace tongban::http
