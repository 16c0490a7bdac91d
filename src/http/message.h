// Transport-neutral HTTP request and response. Handlers in api/ and web/ see only these, so
// Beast and Asio stay inside server.cc (fast builds, one place that knows the wire).
// Thread-safety: plain value types.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tongban::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as received: path and query
  std::string path;    // percent-decoded path without the query
  std::multimap<std::string, std::string> query;  // decoded query parameters
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_address;  // the peer, or the first X-Forwarded-For hop from a trusted proxy
  std::string request_id;
  std::map<std::string, std::string> params;  // path parameters filled by the router ("id")

  // The first header with this (lower-case) name, or "".
  std::string_view Header(std::string_view lower_name) const;
  // The first query parameter with this name, or "".
  std::string Query(std::string_view name) const;
  // The value of one cookie, or "".
  std::string Cookie(std::string_view name) const;
  std::string Param(std::string_view name) const;
};

struct Response;
// Continues a request that answered Later: the server runs `next` on a worker thread and writes
// the response it answers. Call it exactly once, from any thread.
using Resume = std::function<void(std::function<Response()> next)>;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Set-Cookie, Location, ...)
  std::string body;
  // Set (by Later) when the handler waits on another system without holding a thread: the server
  // calls it with a Resume once the handler has returned, and answers when that is called.
  std::function<void(Resume)> later;

  void AddHeader(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

// A response that comes later (an external data source's answer, issue 9 item 8): `start`
// begins the asynchronous work and returns at once; its completion calls the Resume it is given.
inline Response Later(std::function<void(Resume)> start) {
  Response res;
  res.later = std::move(start);
  return res;
}

// Percent-decodes `text` ('+' as space when `plus_as_space`); invalid escapes are kept as is.
std::string PercentDecode(std::string_view text, bool plus_as_space);
// A Content-Disposition value that hands out a file under its uploaded name, safely: `attachment`, an
// ASCII `filename` (anything but letters, digits, '.', '-' and '_' becomes '_'; quotes, slashes
// and control characters never pass) and the UTF-8 name as RFC 5987 `filename*`. An empty or
// unusable name becomes "file" with the extension of `content_type` (PDF, JPEG, PNG).
std::string AttachmentDisposition(std::string_view file_name, std::string_view content_type);
// Parses "a=1&b=2" (application/x-www-form-urlencoded or a query string).
std::multimap<std::string, std::string> ParseFormEncoded(std::string_view text);

}  // namespace tongban::http
