// The wire helpers that decide whether a request's framing is acceptable (security review,
// finding 9), as tables.
#include "http/wire.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace tongban::http::wire
