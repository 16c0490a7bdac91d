#include "http/router.h"

#include <gtest/gtest.h>

#include <string>

namespace tongban::http {
namespace {

Handler Answer(std::string name) {
  return [name](Request& req) {
    Response res;
    res.body = name;
    for (const auto& [key, value] : req.params) res.body += "|" + key + "=" + value;
    return res;
  };
}

// `target` as a client sends it: percent-encoded, maybe with a query.
Response Call(const Router& router, std::string method, std::string target) {
  Request req;
  req.method = std::move(method);
  req.path = PercentDecode(std::string_view(target).substr(0, target.find('?')), false);
  req.target = std::move(target);
  return router.Dispatch(req);
}

Router MakeRouter() {
  Router router;
  router.Add("GET", "/", Answer("root"));
  router.Add("GET", "/api/v1/items", Answer("items"));
  router.Add("GET", "/api/v1/items/{code}", Answer("item"));
  router.Add("POST", "/api/v1/applications/{id}/actions/{action}", Answer("action"));
  router.Add("GET", "/api/v1/{a}/x", Answer("param-x"));
  router.Add("GET", "/api/v1/me/x", Answer("me-x"));
  router.Add("GET", "/api/v1/{a}/{b}", Answer("two-params"));
  router.Add("GET", "/api/v1/me/{b}", Answer("me-param"));
  router.SetFallback([](Request&, int status) {
    Response res;
    res.status = status;
    res.body = "fallback";
    return res;
  });
  return router;
}

TEST(RouterTest, MatchesStaticRoutes) {
  const Router router = MakeRouter();
  EXPECT_EQ(Call(router, "GET", "/").body, "root");
  EXPECT_EQ(Call(router, "GET", "/api/v1/items").body, "items");
}

TEST(RouterTest, BindsPathParameters) {
  const Router router = MakeRouter();
  EXPECT_EQ(Call(router, "GET", "/api/v1/items/market.business-licence").body, "item|code=market.business-licence");
  EXPECT_EQ(Call(router, "POST", "/api/v1/applications/app-42/actions/request-correction").body,
            "action|action=request-correction|id=app-42");
}

TEST(RouterTest, ParameterNeverMatchesEmptySegment) {
  const Router router = MakeRouter();
  const Response res = Call(router, "GET", "/api/v1/items/");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.body, "fallback");
}

TEST(RouterTest, UnknownPathIs404) {
  const Router router = MakeRouter();
  EXPECT_EQ(Call(router, "GET", "/nothing/here").status, 404);
  EXPECT_EQ(Call(router, "GET", "/api/v1/items/a/b").status, 404);
}

TEST(RouterTest, KnownPathWithOtherMethodIs405WithAllow) {
  const Router router = MakeRouter();
  const Response res = Call(router, "DELETE", "/api/v1/items/abc");
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.body, "fallback");
  ASSERT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.headers[0].first, "Allow");
  EXPECT_EQ(res.headers[0].second, "GET");
}

TEST(RouterTest, StaticSegmentWinsOverParameter) {
  const Router router = MakeRouter();
  // Registered after "/api/v1/{a}/x" and still preferred.
  EXPECT_EQ(Call(router, "GET", "/api/v1/me/x").body, "me-x");
  EXPECT_EQ(Call(router, "GET", "/api/v1/you/x").body, "param-x|a=you");
  // The leftmost static segment decides: /api/v1/me/{b} beats /api/v1/{a}/{b}, and
  // /api/v1/items/{code} beats /api/v1/{a}/x.
  EXPECT_EQ(Call(router, "GET", "/api/v1/me/y").body, "me-param|b=y");
  EXPECT_EQ(Call(router, "GET", "/api/v1/you/y").body, "two-params|a=you|b=y");
  EXPECT_EQ(Call(router, "GET", "/api/v1/items/x").body, "item|code=x");
}

TEST(RouterTest, HeadIsAnsweredByGet) {
  const Router router = MakeRouter();
  EXPECT_EQ(Call(router, "HEAD", "/api/v1/items").body, "items");
}

TEST(RouterTest, DefaultFallbackAnswersJsonError) {
  Router router;
  router.Add("GET", "/a", Answer("a"));
  Request req;
  req.method = "GET";
  req.target = req.path = "/b";
  req.request_id = "rid-1234";
  const Response res = router.Dispatch(req);
  EXPECT_EQ(res.status, 404);
  EXPECT_NE(res.body.find(R"("code":"not_found")"), std::string::npos);
  EXPECT_NE(res.body.find(R"("request_id":"rid-1234")"), std::string::npos);
}

TEST(RouterTest, EncodedSlashStaysInsideItsParameter) {
  const Router router = MakeRouter();
  EXPECT_EQ(Call(router, "GET", "/api/v1/items/a%2Fb").body, "item|code=a/b");
  EXPECT_EQ(Call(router, "GET", "/api/v1/items/%E8%90%A5%E4%B8%9A?x=1").body, "item|code=营业");
  // A static segment may be encoded too; it is compared decoded.
  EXPECT_EQ(Call(router, "GET", "/api/v1/%69tems").body, "items");
  // Without the encoding, the slash separates: no route has that many segments.
  EXPECT_EQ(Call(router, "GET", "/api/v1/items/a/b/c").body, "fallback");
}

TEST(RouterTest, ListsRoutesInRegistrationOrder) {
  Router router;
  router.Add("GET", "/a/{id}", Answer("a"));
  router.Add("POST", "/b", Answer("b"));
  const auto routes = router.Routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].method, "GET");
  EXPECT_EQ(routes[0].pattern, "/a/{id}");
  EXPECT_EQ(routes[1].method, "POST");
  EXPECT_EQ(routes[1].pattern, "/b");
}

}  // namespace
}  // namespace tongban::http

namespace tongban::http {
namespace {

// An inline route with inline_if runs on the I/O thread only for the requests it accepts (pilots:
// an item a district's pilot changes, asked by a signed-in caller, needs the store).
TEST(RouterTest, InlineIfHandsSomeRequestsToAWorker) {
  Router router;
  router.Add("GET", "/api/v1/items/{code}", Answer("item"),
             RouteOptions{.run_inline = true, .inline_if = [](const Request& req) { return req.Param("code") != "varies"; }});
  router.Add("GET", "/api/v1/other", Answer("other"));
  auto inline_call = [&](std::string target) {
    Request req;
    req.method = "GET";
    req.path = target;
    req.target = target;
    return router.DispatchInline(req);
  };
  const auto cached = inline_call("/api/v1/items/plain");
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(cached->body, "item|code=plain");
  EXPECT_FALSE(inline_call("/api/v1/items/varies").has_value());
  EXPECT_FALSE(inline_call("/api/v1/other").has_value());
  Request req;
  req.method = "GET";
  req.path = req.target = "/api/v1/items/varies";
  EXPECT_EQ(router.Dispatch(req).body, "item|code=varies");
}

}  // namespace
}  // namespace tongban::http
