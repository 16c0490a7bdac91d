// The pure parts of sign-in protection: which credential a request uses (finding 2 of the security
// review).
#include "http/auth.h"

#include <gtest/gtest.h>

namespace tongban::http {
namespace {

Request With(std::vector<std::pair<std::string, std::string>> headers) {
  Request req;
  req.method = "POST";
  req.headers = std::move(headers);
  return req;
}

TEST(AuthTest, Finding2OnlyABearerTokenIsABearerCredential) {
  const std::pair<std::string, std::string> cases[] = {
      {"Bearer abc", "abc"},      {"bearer abc", "abc"},       {"BEARER  abc ", "abc"}, {"Bearer", ""},
      {"Bearer ", ""},            {"Basic dXNlcjpwYXNz", ""},  {"NTLM TlRMTVNTUAAB", ""}, {"Negotiate YIIB", ""},
      {"Bearerabc", ""},          {"", ""},
  };
  for (const auto& [header, token] : cases) {
    const Request req = With({{"authorization", header}, {"cookie", "tongban_session=from-cookie"}});
    EXPECT_EQ(BearerToken(req), token) << header;
    // Without a bearer token the session is the cookie's: CSRF applies to it.
    EXPECT_EQ(SessionToken(req), token.empty() ? "from-cookie" : token) << header;
  }
}

}  // namespace
}  // namespace tongban::http
