// Helpers of the HTTP wire format used by the server: request ids, the Date header, JSON error
// bodies and access-log pieces, kept apart from server.cc so they compile without Beast.
// Thread-safety: every function is safe from any thread (caches are thread_local); so is LogLimiter.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace tongban::http::wire {

// ASCII case-insensitive equality (header names).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// Replaces `out` with 16 random hex characters: unique, not secret, no syscall or lock.
void NewRequestId(std::string& out);
// An incoming X-Request-Id we keep: 8 to 64 characters of [A-Za-z0-9-].
bool IsAcceptableRequestId(std::string_view id);
// The Date header value now, formatted once per second per thread.
std::string_view HttpDate();
void AppendNumber(std::string& out, uint64_t value);
// Appends `text` escaped for a JSON string (quotes, backslashes, control characters).
void AppendJsonEscaped(std::string& out, std::string_view text);
// {"error":{"code","message","request_id"}} as docs/api.md spells it.
std::string ErrorBody(std::string_view code, std::string_view message, std::string_view request_id);
// Appends the time now as "2026-03-01T08:30:15.123Z".
void AppendUtcTimestamp(std::string& out);

// RFC 9112 checks Beast's parser is lenient about, on the raw header block (request line to the
// empty line that ends it, CRLFs included).
// True when a field line is continued on the next one (obs-fold: CRLF then SP or HTAB).
bool HasObsFold(std::string_view header_block);
// True when `data` has a line feed not preceded by a carriage return.
bool HasBareLineFeed(std::string_view data);
// True when a Transfer-Encoding value (every field's value, joined with ",") names exactly one
// coding, chunked (any case, no parameters): the only one the server decodes.
bool IsChunkedOnly(std::string_view transfer_encoding);

// Lets one line about a repeated event through per `interval` and counts the rest, so that a
// flood of one event (a failing accept, refused connections) writes a few lines, not gigabytes.
class LogLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LogLimiter(Clock::duration interval) : interval_(interval) {}
  // True when a line may be written at `now`; `suppressed` then holds how many events were held
  // back since the last line.
  bool Allow(Clock::time_point now, uint64_t& suppressed);

 private:
  std::mutex mutex_;
  const Clock::duration interval_;
  Clock::time_point last_{};
  bool logged_ = false;
  uint64_t suppressed_ = 0;
};

}  // namespace tongban::http::wire
