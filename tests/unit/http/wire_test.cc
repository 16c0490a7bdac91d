// The wire helpers that decide whether a request's framing is acceptable (security review,
// finding 9), as tables.
#include "http/wire.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace tongban::http::wire {
namespace {

TEST(WireTest, IsChunkedOnly) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"chunked", true},           {"Chunked", true},           {" chunked ", true},
      {"chunked,", true},          {", chunked", true},         {"gzip", false},
      {"xchunked", false},         {"chunkedx", false},         {"chunked, identity", false},
      {"gzip, chunked", false},    {"chunked, chunked", false}, {"identity", false},
      {"chunked;q=1", false},      {"", false},                 {",", false},
      {"chunked\r\n", false},
  };
  for (const auto& [value, expected] : cases) EXPECT_EQ(IsChunkedOnly(value), expected) << '"' << value << '"';
}

TEST(WireTest, HasObsFold) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"GET / HTTP/1.1\r\nHost: h\r\n\r\n", false},
      {"GET / HTTP/1.1\r\nHost: h\r\nX-A: one two\r\n\r\n", false},
      {"GET / HTTP/1.1\r\nHost: h\r\nX-A: one\r\n two\r\n\r\n", true},
      {"GET / HTTP/1.1\r\nHost: h\r\nX-A: one\r\n\ttwo\r\n\r\n", true},
      {"GET / HTTP/1.1\r\n Host: h\r\n\r\n", true},
  };
  for (const auto& [block, expected] : cases) EXPECT_EQ(HasObsFold(block), expected) << block;
}

TEST(WireTest, HasBareLineFeed) {
  EXPECT_FALSE(HasBareLineFeed("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_TRUE(HasBareLineFeed("GET / HTTP/1.1\nHost: h\r\n\r\n"));
  EXPECT_TRUE(HasBareLineFeed("\n"));
  EXPECT_FALSE(HasBareLineFeed(""));
}

// Finding 4: `accept failed: Too many open files` was logged in a tight loop (388 MB in 15 s).
TEST(WireTest, RepeatedLogLinesAreRateLimited) {
  using namespace std::chrono_literals;
  LogLimiter limiter(10s);
  const auto t0 = LogLimiter::Clock::time_point{} + 1h;
  uint64_t suppressed = 99;
  ASSERT_TRUE(limiter.Allow(t0, suppressed));
  EXPECT_EQ(suppressed, 0u);
  int allowed = 0;
  for (int i = 1; i <= 100000; ++i) allowed += limiter.Allow(t0 + i * 50us, suppressed) ? 1 : 0;  // 5 s of a flood
  EXPECT_EQ(allowed, 0);
  ASSERT_TRUE(limiter.Allow(t0 + 10s, suppressed));
  EXPECT_EQ(suppressed, 100000u) << "the next line says how many were held back";
  EXPECT_FALSE(limiter.Allow(t0 + 19s, suppressed));
  ASSERT_TRUE(limiter.Allow(t0 + 20s, suppressed));
  EXPECT_EQ(suppressed, 1u);
}

}  // namespace
}  // namespace tongban::http::wire
