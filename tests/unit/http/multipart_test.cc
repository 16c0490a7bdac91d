#include "http/web/multipart.h"

#include <gtest/gtest.h>

namespace tongban::http::web {
namespace {

constexpr char kType[] = "multipart/form-data; boundary=----WebKitFormBoundaryabc123";

std::string Body(std::initializer_list<std::string> parts) {
  std::string body;
  for (const auto& part : parts) body += "------WebKitFormBoundaryabc123\r\n" + part + "\r\n";
  body += "------WebKitFormBoundaryabc123--\r\n";
  return body;
}

TEST(MultipartTest, ParsesFieldsAndFiles) {
  const std::string pdf = std::string("%PDF-1.4\r\n\0binary\r\n--not-a-boundary", 34);
  const std::string body = Body({
      "Content-Disposition: form-data; name=\"csrf_token\"\r\n\r\ntok123",
      "Content-Disposition: form-data; name=\"material\"\r\n\r\npremises_proof",
      "Content-Disposition: form-data; name=\"file\"; filename=\"lease.pdf\"\r\nContent-Type: application/pdf\r\n\r\n" + pdf,
  });
  auto parts = ParseMultipart(kType, body);
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ(MultipartField(*parts, "csrf_token"), "tok123");
  EXPECT_EQ(MultipartField(*parts, "material"), "premises_proof");
  const MultipartPart& file = (*parts)[2];
  EXPECT_TRUE(file.is_file);
  EXPECT_EQ(file.name, "file");
  EXPECT_EQ(file.file_name, "lease.pdf");
  EXPECT_EQ(file.content_type, "application/pdf");
  EXPECT_EQ(file.data, pdf);  // binary content, NULs and CRLFs kept byte for byte
}

TEST(MultipartTest, FileFieldIsNotAPlainField) {
  auto parts = ParseMultipart(kType, Body({"Content-Disposition: form-data; name=\"a\"; filename=\"x.png\"\r\n\r\nPNG"}));
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(MultipartField(*parts, "a"), "");
}

TEST(MultipartTest, EmptyFileAndEmptyValue) {
  auto parts = ParseMultipart(kType, Body({"Content-Disposition: form-data; name=\"file\"; filename=\"\"\r\n"
                                           "Content-Type: application/octet-stream\r\n\r\n",
                                           "Content-Disposition: form-data; name=\"reason\"\r\n\r\n"}));
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_TRUE((*parts)[0].is_file);
  EXPECT_EQ((*parts)[0].data, "");
  EXPECT_EQ((*parts)[1].data, "");
}

TEST(MultipartTest, QuotedBoundaryPreambleAndPathInFileName) {
  const std::string type = "Multipart/Form-Data; charset=utf-8; boundary=\"b o\"";
  const std::string body =
      "preamble to ignore\r\n--b o\r\nContent-Disposition: form-data; name=\"f\"; filename=\"C:\\\\Users\\\\me\\\\scan.jpg\"\r\n"
      "\r\nJPEG\r\n--b o--";
  auto parts = ParseMultipart(type, body);
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].file_name, "scan.jpg");
  EXPECT_EQ((*parts)[0].data, "JPEG");
}

TEST(MultipartTest, NamesWithEscapedQuotesAndUtf8) {
  auto parts = ParseMultipart(
      kType, Body({"Content-Disposition: form-data; name=\"note\"; filename=\"\xE7\x85\xA7\\\"\xE7\x89\x87\\\".png\"\r\n\r\nx"}));
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ((*parts)[0].file_name, "\xE7\x85\xA7\"\xE7\x89\x87\".png");
}

struct BadCase {
  const char* what;
  std::string content_type;
  std::string body;
};

TEST(MultipartTest, RejectsMalformedBodies) {
  const std::string ok_part = "Content-Disposition: form-data; name=\"a\"\r\n\r\n1";
  const BadCase cases[] = {
      {"not multipart", "application/x-www-form-urlencoded", "a=1"},
      {"no boundary", "multipart/form-data", Body({ok_part})},
      {"empty boundary", "multipart/form-data; boundary=", Body({ok_part})},
      {"no delimiter at all", kType, "just text"},
      {"no closing delimiter", kType, "------WebKitFormBoundaryabc123\r\n" + ok_part},
      {"part without name", kType, Body({"Content-Disposition: form-data\r\n\r\n1"})},
      {"not form-data", kType, Body({"Content-Disposition: attachment; name=\"a\"\r\n\r\n1"})},
      {"header without colon", kType, Body({"Content-Disposition form-data\r\n\r\n1"})},
      {"headers never end", kType, "------WebKitFormBoundaryabc123\r\nContent-Disposition: form-data; name=\"a\"\r\n------WebKitFormBoundaryabc123--"},
      {"garbage after delimiter", kType, "------WebKitFormBoundaryabc123xx\r\n" + ok_part + "\r\n------WebKitFormBoundaryabc123--"},
      {"empty body", kType, ""},
  };
  for (const auto& c : cases) {
    auto parts = ParseMultipart(c.content_type, c.body);
    EXPECT_FALSE(parts.ok()) << c.what;
    if (!parts.ok()) {
      EXPECT_EQ(parts.error().message, "error.upload.form") << c.what;
    }
  }
}

TEST(MultipartTest, LimitsTheNumberOfParts) {
  const std::string part = "Content-Disposition: form-data; name=\"a\"\r\n\r\n1";
  EXPECT_TRUE(ParseMultipart(kType, Body({part, part, part}), 3).ok());
  EXPECT_FALSE(ParseMultipart(kType, Body({part, part, part, part}), 3).ok());
}

TEST(MultipartTest, EmptyFormHasNoParts) {
  auto parts = ParseMultipart(kType, "------WebKitFormBoundaryabc123--\r\n");
  ASSERT_TRUE(parts.ok());
  EXPECT_TRUE(parts->empty());
}

}  // namespace
}  // namespace tongban::http::web
