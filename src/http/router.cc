// Route matching. Matching runs on every request, so it works on string_views of the path and
// allocates only for the parameters of the route that wins (and for a segment that needs
// percent-decoding).
//
// The path is split as received and each segment decoded afterwards, so "%2F" inside a
// parameter is part of that parameter ("a%2Fb" binds "a/b"), never a separator.
#include "http/router.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.h"

namespace tongban::http {
namespace {

constexpr size_t kMaxSegments = 32;

// Splits "/a/b/" into {"a", "b", ""}; "/" into {""}. Returns false if there are too many
// segments for any route to match.
bool SplitPath(std::string_view path, std::array<std::string_view, kMaxSegments>& out, size_t& count) {
  count = 0;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    if (count == kMaxSegments) return false;
    const size_t slash = path.find('/');
    out[count++] = path.substr(0, slash);
    if (slash == std::string_view::npos) return true;
    path.remove_prefix(slash + 1);
  }
}

std::vector<std::string> SplitPattern(std::string_view pattern) {
  std::array<std::string_view, kMaxSegments> parts;
  size_t count = 0;
  SplitPath(pattern, parts, count);
  return {parts.begin(), parts.begin() + count};
}

bool IsParam(const std::string& segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// True when `segments` matches the path; `specificity` then holds one bit per segment, set for a
// static segment, most significant first, so that a larger value is the more specific route.
bool Matches(const std::vector<std::string>& segments, const std::array<std::string_view, kMaxSegments>& path,
             size_t count, uint64_t& specificity) {
  if (segments.size() != count) return false;
  specificity = 0;
  for (size_t i = 0; i < count; ++i) {
    specificity <<= 1;
    if (IsParam(segments[i])) {
      if (path[i].empty()) return false;
    } else {
      const bool same = path[i].find('%') == std::string_view::npos ? segments[i] == path[i]
                                                                     : segments[i] == PercentDecode(path[i], false);
      if (!same) return false;
      specificity |= 1;
    }
  }
  return true;
}

Response DefaultFallback(Request& req, int status) {
  Response res;
  res.status = status;
  const char* code = status == 405 ? "method_not_allowed" : "not_found";
  const char* message = status == 405 ? "This method is not allowed here." : "Nothing is published at this address.";
  res.body = std::string(R"({"error":{"code":")") + code + R"(","message":")" + message + R"(","request_id":")" +
             req.request_id + R"("}})";
  return res;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  std::vector<std::string> segments = SplitPattern(pattern);
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(segments), std::move(handler), options});
}

const Router::Route* Router::Match(Request& req, bool& path_matched, std::string* allow) const {
  std::array<std::string_view, kMaxSegments> path;
  size_t count = 0;
  const std::string_view target(req.target);
  const bool fits = SplitPath(target.substr(0, target.find('?')), path, count);
  // HEAD is answered by the GET handler; the server sends the headers only.
  const std::string_view method = req.method == "HEAD" ? std::string_view("GET") : std::string_view(req.method);

  const Route* best = nullptr;
  uint64_t best_specificity = 0;
  path_matched = false;
  if (fits) {
    for (const Route& route : routes_) {
      uint64_t specificity = 0;
      if (!Matches(route.segments, path, count, specificity)) continue;
      path_matched = true;
      if (route.method != method) {
        if (allow != nullptr && allow->find(route.method) == std::string::npos) {
          if (!allow->empty()) *allow += ", ";
          *allow += route.method;
        }
        continue;
      }
      if (best == nullptr || specificity > best_specificity) {
        best = &route;
        best_specificity = specificity;
      }
    }
  }

  if (best == nullptr) return nullptr;
  req.params.clear();
  for (size_t i = 0; i < count; ++i) {
    const std::string& segment = best->segments[i];
    if (IsParam(segment)) req.params.emplace(segment.substr(1, segment.size() - 2), PercentDecode(path[i], false));
  }
  return best;
}

Response Router::Dispatch(Request& req) const {
  bool path_matched = false;
  std::string allow;
  const Route* route = Match(req, path_matched, &allow);
  if (route == nullptr) {
    const int status = path_matched ? 405 : 404;
    Response res = fallback_ ? fallback_(req, status) : DefaultFallback(req, status);
    if (status == 405) res.AddHeader("Allow", allow);
    return res;
  }
  return route->handler(req);
}

std::optional<Response> Router::DispatchInline(Request& req) const {
  bool path_matched = false;
  const Route* route = Match(req, path_matched, nullptr);
  if (route == nullptr || !route->options.run_inline) return std::nullopt;
  if (route->options.inline_if && !route->options.inline_if(req)) return std::nullopt;
  return route->handler(req);
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const Route& route : routes_) out.push_back(RouteInfo{route.method, route.pattern});
  return out;
}

}  // namespace tongban::http
