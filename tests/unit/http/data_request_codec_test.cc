// The JSON of a data request's message bodies (http/data_request_codec.h, issue 14 item 5): what is
// encoded decodes to the same value, and anything else is refused as malformed.
#include "http/data_request_codec.h"

#include <gtest/gtest.h>

#include "domain/data_request.h"

namespace tongban::http {
namespace {

const Timestamp kAt = Timestamp{std::chrono::seconds{1700000000}};

ports::DataRequestBody Request() {
  ports::DataRequestBody b;
  b.person = "110101199003078515";
  b.dataset = "population";
  b.fields = {"name", "birth_date"};
  b.purpose = "social_assistance";
  b.consent_id = "01JCONSENT";
  b.consent_given_at = kAt;
  b.department = "market";
  b.role = "reviewer";
  return b;
}

TEST(DataRequestCodecTest, ARequestRoundTrips) {
  const JsonDataRequestCodec codec;
  const std::string json = codec.EncodeRequest(Request());
  auto decoded = codec.DecodeRequest(json);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, Request());
  EXPECT_NE(json.find("\"consent\":{\"given_at\":"), std::string::npos) << json;
}

TEST(DataRequestCodecTest, AnAnswerRoundTrips) {
  const JsonDataRequestCodec codec;
  ports::DataAnswerBody answer;
  answer.dataset = "population";
  answer.records.push_back(ports::PeerRecord{"r1", kAt, {{"name", "张伟"}, {"birth_date", "1988-06-06"}}});
  auto decoded = codec.DecodeAnswer(codec.EncodeAnswer(answer));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, answer);

  ports::DataAnswerBody refused;
  refused.dataset = "population";
  refused.refused = true;
  refused.error = "error.data_request.purpose_not_allowed";
  auto r = codec.DecodeAnswer(codec.EncodeAnswer(refused));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, refused);
}

TEST(DataRequestCodecTest, MalformedRequestsAreRefused) {
  const JsonDataRequestCodec codec;
  const auto malformed = [&](std::string_view json) {
    auto r = codec.DecodeRequest(json);
    return !r.ok() && r.error().code == ErrorCode::kInvalidArgument && r.error().message == "error.data_request.malformed";
  };
  EXPECT_TRUE(malformed("not json"));
  EXPECT_TRUE(malformed("[]"));
  EXPECT_TRUE(malformed("{}"));
  // A member of the wrong type, a missing consent time, a time that is not RFC 3339, a field that
  // is not a string, too many fields.
  std::string good = codec.EncodeRequest(Request());
  EXPECT_FALSE(malformed(good));
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    const size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
  };
  EXPECT_TRUE(malformed(replaced("\"person\":\"110101199003078515\"", "\"person\":110101")));
  EXPECT_TRUE(malformed(replaced("\"given_at\":", "\"given\":")));
  EXPECT_TRUE(malformed(replaced("\"given_at\":\"", "\"given_at\":\"yesterday ")));
  EXPECT_TRUE(malformed(replaced("[\"name\",", "[1,")));
  std::string many = "[";
  for (size_t i = 0; i <= domain::kMaxDataRequestFields; ++i) many += (i ? ",\"f" : "\"f") + std::to_string(i) + "\"";
  EXPECT_TRUE(malformed(replaced("[\"name\",\"birth_date\"]", many + "]")));
}

TEST(DataRequestCodecTest, MalformedAnswersAreRefused) {
  const JsonDataRequestCodec codec;
  const auto malformed = [&](std::string_view json) { return !codec.DecodeAnswer(json).ok(); };
  EXPECT_TRUE(malformed("{\"outcome\":\"maybe\",\"dataset\":\"population\"}"));
  EXPECT_TRUE(malformed("{\"outcome\":\"refused\",\"dataset\":\"population\"}"));  // no reason
  EXPECT_TRUE(malformed("{\"outcome\":\"answered\",\"dataset\":\"population\"}"));  // no records
  EXPECT_TRUE(malformed(
      "{\"outcome\":\"answered\",\"dataset\":\"population\",\"records\":[{\"record_id\":\"r\",\"as_of\":\"x\","
      "\"values\":{}}]}"));
  EXPECT_TRUE(malformed(
      "{\"outcome\":\"answered\",\"dataset\":\"population\",\"records\":[{\"record_id\":\"r\",\"as_of\":\"" +
      FormatRfc3339(kAt) + "\",\"values\":{\"age\":3}}]}"));
  EXPECT_FALSE(malformed("{\"outcome\":\"answered\",\"dataset\":\"population\",\"records\":[]}"));
  std::string many = "{\"outcome\":\"answered\",\"dataset\":\"population\",\"records\":[";
  for (int i = 0; i <= domain::kMaxDataRequestRecords; ++i) {
    many += std::string(i ? "," : "") + "{\"record_id\":\"r\",\"as_of\":\"" + FormatRfc3339(kAt) + "\",\"values\":{}}";
  }
  EXPECT_TRUE(malformed(many + "]}"));
}

}  // namespace
}  // namespace tongban::http
