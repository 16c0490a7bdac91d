#include "http/message.h"

#include <gtest/gtest.h>

#include <string>

namespace tongban::http {
namespace {

TEST(PercentDecodeTest, DecodesEscapes) {
  struct Case {
    std::string input;
    bool plus_as_space;
    std::string expected;
  };
  const Case cases[] = {
      {"", false, ""},
      {"plain", false, "plain"},
      {"a%20b", false, "a b"},
      {"%E5%8C%97%e4%ba%ac", false, "北京"},
      {"a+b", false, "a+b"},
      {"a+b", true, "a b"},
      {"100%", false, "100%"},        // truncated escape kept
      {"%4", false, "%4"},            // truncated escape kept
      {"%zz%41", false, "%zzA"},      // invalid escape kept, valid one decoded
      {"%2F%2f", false, "//"},
      {"%00x", false, std::string("\0x", 2)},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(PercentDecode(c.input, c.plus_as_space), c.expected) << c.input;
  }
}

TEST(ParseFormEncodedTest, ParsesPairs) {
  const auto form = ParseFormEncoded("a=1&b=hello+world&c=%E4%BD%A0&a=2&empty=&flag&&=orphan");
  EXPECT_EQ(form.count("a"), 2u);
  auto [first, last] = form.equal_range("a");
  EXPECT_EQ(first->second, "1");
  EXPECT_EQ(std::next(first)->second, "2");
  EXPECT_EQ(form.find("b")->second, "hello world");
  EXPECT_EQ(form.find("c")->second, "你");
  EXPECT_EQ(form.find("empty")->second, "");
  EXPECT_EQ(form.find("flag")->second, "");
  EXPECT_EQ(form.count(""), 0u);
  EXPECT_EQ(form.size(), 6u);
}

TEST(ParseFormEncodedTest, EmptyInput) { EXPECT_TRUE(ParseFormEncoded("").empty()); }

TEST(ParseFormEncodedTest, DecodesKeys) {
  const auto form = ParseFormEncoded("fields%5Bname%5D=Zhang+Wei");
  EXPECT_EQ(form.find("fields[name]")->second, "Zhang Wei");
}

Request WithHeaders(std::vector<std::pair<std::string, std::string>> headers) {
  Request req;
  req.headers = std::move(headers);
  return req;
}

TEST(RequestTest, HeaderReturnsFirstMatchOrEmpty) {
  const Request req = WithHeaders({{"accept", "a"}, {"x-two", "1"}, {"x-two", "2"}});
  EXPECT_EQ(req.Header("accept"), "a");
  EXPECT_EQ(req.Header("x-two"), "1");
  EXPECT_EQ(req.Header("missing"), "");
}

TEST(RequestTest, CookieParsesPairs) {
  const Request req =
      WithHeaders({{"cookie", "theme=dark; tb_session=abc.def=; quoted=\"q v\";lang=zh"}, {"cookie", "late=1"}});
  EXPECT_EQ(req.Cookie("theme"), "dark");
  EXPECT_EQ(req.Cookie("tb_session"), "abc.def=");
  EXPECT_EQ(req.Cookie("quoted"), "q v");
  EXPECT_EQ(req.Cookie("lang"), "zh");
  EXPECT_EQ(req.Cookie("late"), "1");
  EXPECT_EQ(req.Cookie("the"), "");
  EXPECT_EQ(req.Cookie("missing"), "");
}

TEST(RequestTest, CookieWithoutHeaderIsEmpty) { EXPECT_EQ(Request{}.Cookie("a"), ""); }

TEST(RequestTest, QueryAndParam) {
  Request req;
  req.query = ParseFormEncoded("q=licence&q=second&department=market");
  req.params["id"] = "42";
  EXPECT_EQ(req.Query("q"), "licence");
  EXPECT_EQ(req.Query("department"), "market");
  EXPECT_EQ(req.Query("missing"), "");
  EXPECT_EQ(req.Param("id"), "42");
  EXPECT_EQ(req.Param("missing"), "");
}

// Issue 8, point 3: an uploaded file is handed out under its name, and no name breaks the header.
TEST(AttachmentDispositionTest, Point3DispositionNamesTheFileSafely) {
  struct Case {
    std::string name;
    std::string type;
    std::string expected;
  };
  const Case cases[] = {
      {"lease.pdf", "application/pdf", "attachment; filename=\"lease.pdf\"; filename*=UTF-8''lease.pdf"},
      {"租赁合同.pdf", "application/pdf",
       "attachment; filename=\"____________.pdf\"; filename*=UTF-8''%E7%A7%9F%E8%B5%81%E5%90%88%E5%90%8C.pdf"},
      {"a\"b;\r\nSet-Cookie: x.png", "image/png",
       "attachment; filename=\"a_b_Set-Cookie__x.png\"; filename*=UTF-8''a%22b%3BSet-Cookie%3A%20x.png"},
      {"../../etc/passwd", "image/png", "attachment; filename=\"passwd\"; filename*=UTF-8''passwd"},
      {"C:\\Users\\me\\scan.jpg", "image/jpeg", "attachment; filename=\"scan.jpg\"; filename*=UTF-8''scan.jpg"},
      {"", "image/jpeg", "attachment; filename=\"file.jpg\"; filename*=UTF-8''file.jpg"},
      {"...", "application/pdf", "attachment; filename=\"file.pdf\"; filename*=UTF-8''file.pdf"},
      {"合同", "image/png", "attachment; filename=\"file.png\"; filename*=UTF-8''%E5%90%88%E5%90%8C"},
  };
  for (const auto& c : cases) {
    const std::string value = AttachmentDisposition(c.name, c.type);
    EXPECT_EQ(value, c.expected) << c.name;
    EXPECT_EQ(value.find_first_of("\r\n"), std::string::npos) << c.name;
  }
}

}  // namespace
}  // namespace tongban::http
