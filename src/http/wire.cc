// Small, allocation-conscious helpers of the HTTP wire format (no Beast needed).
#include "http/wire.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <ctime>
#include <random>

namespace tongban::http::wire {
namespace {

// xoshiro256** seeded once per thread from std::random_device: request ids need to be unique,
// not secret, and must not cost a syscall or a lock.
class FastRandom {
 public:
  FastRandom() {
    std::random_device device;
    for (auto& word : state_) word = (static_cast<uint64_t>(device()) << 32) ^ device();
    if (state_[0] == 0 && state_[1] == 0 && state_[2] == 0 && state_[3] == 0) state_[0] = 1;
  }
  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<uint64_t, 4> state_;
};

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char x = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    const char y = (b[i] >= 'A' && b[i] <= 'Z') ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

void NewRequestId(std::string& out) {
  thread_local FastRandom random;
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t value = random.Next();
  out.resize(16);
  for (int i = 15; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kHex[value & 0xf];
    value >>= 4;
  }
}

bool IsAcceptableRequestId(std::string_view id) {
  if (id.size() < 8 || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// The Date header, formatted once per second per thread.
std::string_view HttpDate() {
  thread_local std::time_t cached_second = 0;
  thread_local std::array<char, 40> cached{};
  thread_local size_t cached_size = 0;
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    cached_size = std::strftime(cached.data(), cached.size(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_second = now;
  }
  return {cached.data(), cached_size};
}

void AppendNumber(std::string& out, uint64_t value) {
  std::array<char, 24> digits;
  const auto result = std::to_chars(digits.data(), digits.data() + digits.size(), value);
  out.append(digits.data(), result.ptr);
}

void AppendJsonEscaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u == 0x7f) {
      out += "\\u00";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    } else {
      out.push_back(c);
    }
  }
}

std::string ErrorBody(std::string_view code, std::string_view message, std::string_view request_id) {
  std::string body;
  body.reserve(96 + message.size());
  body += R"({"error":{"code":")";
  AppendJsonEscaped(body, code);
  body += R"(","message":")";
  AppendJsonEscaped(body, message);
  body += R"(","request_id":")";
  AppendJsonEscaped(body, request_id);
  body += R"("}})";
  return body;
}

bool HasObsFold(std::string_view header_block) {
  // The block ends with CRLF CRLF; a CRLF followed by SP or HTAB anywhere before that folds a line.
  for (size_t i = header_block.find("\r\n"); i != std::string_view::npos; i = header_block.find("\r\n", i + 2)) {
    if (i + 2 < header_block.size() && (header_block[i + 2] == ' ' || header_block[i + 2] == '\t')) return true;
  }
  return false;
}

bool HasBareLineFeed(std::string_view data) {
  for (size_t i = data.find('\n'); i != std::string_view::npos; i = data.find('\n', i + 1)) {
    if (i == 0 || data[i - 1] != '\r') return true;
  }
  return false;
}

bool IsChunkedOnly(std::string_view transfer_encoding) {
  size_t codings = 0;
  bool chunked = false;
  while (true) {
    const size_t comma = transfer_encoding.find(',');
    std::string_view coding = transfer_encoding.substr(0, comma);
    while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t')) coding.remove_prefix(1);
    while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) coding.remove_suffix(1);
    if (!coding.empty()) {  // a list may have empty elements (RFC 9110 5.6.1)
      ++codings;
      chunked = EqualsIgnoreCase(coding, "chunked");
    }
    if (comma == std::string_view::npos) break;
    transfer_encoding.remove_prefix(comma + 1);
  }
  return codings == 1 && chunked;
}

bool LogLimiter::Allow(Clock::time_point now, uint64_t& suppressed) {
  std::lock_guard lock(mutex_);
  if (logged_ && now - last_ < interval_) {
    ++suppressed_;
    return false;
  }
  logged_ = true;
  last_ = now;
  suppressed = suppressed_;
  suppressed_ = 0;
  return true;
}

// "2026-03-01T08:30:15.123Z"; the part up to the second is formatted once per second per thread.
void AppendUtcTimestamp(std::string& out) {
  thread_local std::time_t cached_second = -1;
  thread_local std::array<char, 32> cached{};
  thread_local size_t cached_size = 0;
  const auto now = std::chrono::system_clock::now();
  const std::time_t second = std::chrono::system_clock::to_time_t(now);
  if (second != cached_second) {
    std::tm tm{};
    gmtime_r(&second, &tm);
    cached_size = std::strftime(cached.data(), cached.size(), "%Y-%m-%dT%H:%M:%S", &tm);
    cached_second = second;
  }
  out.append(cached.data(), cached_size);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  out += '.';
  out += static_cast<char>('0' + millis / 100);
  out += static_cast<char>('0' + millis / 10 % 10);
  out += static_cast<char>('0' + millis % 10);
  out += 'Z';
}

}  // namespace tongban::http::wire
