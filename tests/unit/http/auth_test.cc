// The pure parts of sign-in protection: which credential a request uses (finding 2 of the security
// review) and whether a browser says it comes from this site (finding 7).
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

TEST(AuthTest, Finding7OriginOfNormalisesSchemeHostAndDefaultPort) {
  const std::pair<std::string, std::string> cases[] = {
      {"https://Tongban.Example.gov.cn", "https://tongban.example.gov.cn"},
      {"https://tongban.example:443/login?x=1", "https://tongban.example"},
      {"http://127.0.0.1:8080/", "http://127.0.0.1:8080"},
      {"http://[::1]:8080/x", "http://[::1]:8080"},
      {"http://h:80", "http://h"},
      {"null", ""},
      {"ftp://h", ""},
      {"https://user@evil.example@h", ""},
      {"/login", ""},
  };
  for (const auto& [url, origin] : cases) EXPECT_EQ(OriginOf(url), origin) << url;
}

TEST(AuthTest, Finding7SignInMustComeFromThisSite) {
  struct Case {
    std::vector<std::pair<std::string, std::string>> headers;
    std::string public_url;
    bool ok;
    bool null_origin_ok = false;
  };
  const Case cases[] = {
      // No public_url: the Host header names this site.
      {{{"host", "127.0.0.1:8080"}, {"origin", "http://127.0.0.1:8080"}}, "", true},
      {{{"host", "tongban.example"}, {"origin", "https://tongban.example"}}, "", true},   // TLS at the proxy
      {{{"host", "tongban.example:443"}, {"origin", "https://tongban.example"}}, "", true},
      {{{"host", "127.0.0.1:8080"}, {"origin", "https://evil.example"}}, "", false},
      {{{"host", "127.0.0.1:8080"}, {"origin", "http://evil.example:8080"}}, "", false},
      {{{"host", "127.0.0.1:8080"}, {"origin", "http://127.0.0.1:9090"}}, "", false},
      {{{"host", "127.0.0.1:8080"}, {"origin", "null"}}, "", false},
      // What Chromium sends for our own sign-in form under Referrer-Policy no-referrer; only the
      // sign-in form, whose pre-session token decides, accepts "null".
      {{{"host", "127.0.0.1:8080"}, {"origin", "null"}, {"sec-fetch-site", "same-origin"}}, "", true, true},
      {{{"host", "127.0.0.1:8080"}, {"origin", "null"}}, "", true, true},
      {{{"host", "127.0.0.1:8080"}, {"origin", "null"}, {"sec-fetch-site", "cross-site"}}, "", false, true},
      // Fetch metadata: another site, or a sibling subdomain, is refused whatever Origin says.
      {{{"host", "127.0.0.1:8080"}, {"sec-fetch-site", "cross-site"}}, "", false},
      {{{"host", "a.example"}, {"origin", "https://a.example"}, {"sec-fetch-site", "same-site"}}, "", false},
      {{{"host", "a.example"}, {"origin", "https://a.example"}, {"sec-fetch-site", "Same-Origin"}}, "", true},
      {{{"host", "a.example"}, {"sec-fetch-site", "none"}}, "", true},
      {{{"origin", "http://127.0.0.1:8080"}}, "", false},  // no Host to compare with
      // Without Origin the Referer decides; with neither, the caller's other checks do.
      {{{"host", "127.0.0.1:8080"}, {"referer", "http://127.0.0.1:8080/login?return=/x"}}, "", true},
      {{{"host", "127.0.0.1:8080"}, {"referer", "https://evil.example/prize"}}, "", false},
      {{{"host", "127.0.0.1:8080"}}, "", true},
      // public_url wins over Host (a proxy that does not forward Host).
      {{{"host", "10.0.0.5:8080"}, {"origin", "https://tongban.example"}}, "https://tongban.example/", true},
      {{{"host", "tongban.example"}, {"origin", "http://tongban.example"}}, "https://tongban.example", false},
      {{{"host", "tongban.example"}, {"origin", "https://evil.example"}}, "https://tongban.example", false},
  };
  for (const Case& c : cases) {
    const Request req = With(c.headers);
    std::string what;
    for (const auto& [name, value] : c.headers) what += name + "=" + value + " ";
    const Status status = CheckOrigin(req, c.public_url, c.null_origin_ok);
    EXPECT_EQ(status.ok(), c.ok) << what << "public_url=" << c.public_url << " null_origin_ok=" << c.null_origin_ok;
    if (!status.ok()) {
      EXPECT_EQ(status.error().message, "error.auth.origin");
    }
  }
}

TEST(AuthTest, Finding7PreSessionTokenMustMatchItsCookie) {
  const Request req = With({{"cookie", "tongban_login=tok-123; other=1"}});
  EXPECT_TRUE(LoginTokenMatches(req, "tok-123"));
  EXPECT_FALSE(LoginTokenMatches(req, "tok-124"));
  EXPECT_FALSE(LoginTokenMatches(req, ""));
  EXPECT_FALSE(LoginTokenMatches(With({}), ""));
  EXPECT_NE(LoginCookie("t", true).find("; Secure"), std::string::npos);
  EXPECT_EQ(LoginCookie("t", false).find("Secure"), std::string::npos);
  EXPECT_NE(LoginCookie("", false).find("Max-Age=0"), std::string::npos);
}

}  // namespace
}  // namespace tongban::http
