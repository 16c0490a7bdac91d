// RFC 9901 SD-JWT primitives: the RFC's own disclosure and digest example, the compact form, and
// every refusal of ResolveDisclosures.
#include "crypto/sd_jwt.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crypto/system.h"

namespace tongban::crypto {
namespace {

using Json = nlohmann::json;

// RFC 9901 section 4.2.1 and 4.2.3: the disclosure of ["_26bc4LT-ac6q2KI6cBW5es", "family_name",
// "Möbius"] as the RFC writes it, and its SHA-256 digest.
TEST(SdJwtTest, DigestOfTheRfcExample) {
  const std::string disclosure = "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0";
  EXPECT_EQ(DisclosureDigest(disclosure), "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0");
}

TEST(SdJwtTest, SaltsAre128BitsAndFresh) {
  const std::string a = NewSdSalt(), b = NewSdSalt();
  EXPECT_EQ(Base64UrlDecode(a)->size(), 16u);
  EXPECT_NE(a, b);
}

TEST(SdJwtTest, SplitAndJoin) {
  const std::string joined = JoinSdJwt("h.p.s", {"d1", "d2"});
  EXPECT_EQ(joined, "h.p.s~d1~d2~");
  auto parts = SplitSdJwt(joined);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->jwt, "h.p.s");
  EXPECT_EQ(parts->disclosures, (std::vector<std::string>{"d1", "d2"}));
  EXPECT_TRUE(parts->kb_jwt.empty());
  EXPECT_EQ(SplitSdJwt("h.p.s~d1~kb.jwt.x")->kb_jwt, "kb.jwt.x");
  EXPECT_FALSE(SplitSdJwt("h.p.s").ok());
  EXPECT_FALSE(SplitSdJwt("h.p.s~~").ok());
  EXPECT_FALSE(SplitSdJwt("~d1~").ok());
  EXPECT_FALSE(SplitSdJwt(std::string(kMaxSdJwtBytes + 1, 'a') + "~").ok());
}

class ResolveTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(InitCrypto()); }
  void SetUp() override {
    name_ = MakeDisclosure(NewSdSalt(), "holder_name", "\"张三\"");
    scope_ = MakeDisclosure(NewSdSalt(), "business_scope", "\"餐饮\"");
    payload_ = Json{{"iss", "x"}, {"_sd_alg", "sha-256"}, {"_sd", {DisclosureDigest(name_), DisclosureDigest(scope_)}}};
  }
  std::string Code(const std::vector<std::string>& disclosures, const Json& payload) const {
    auto r = ResolveDisclosures(payload.dump(), disclosures);
    return r.ok() ? "ok" : r.error().message;
  }
  std::string name_, scope_;
  Json payload_;
};

TEST_F(ResolveTest, OnlyTheGivenDisclosuresAreClaims) {
  auto claims = ResolveDisclosures(payload_.dump(), {name_});
  ASSERT_TRUE(claims.ok());
  ASSERT_EQ(claims->size(), 1u);
  EXPECT_EQ((*claims)[0].name, "holder_name");
  EXPECT_EQ((*claims)[0].value_json, "\"张三\"");
  EXPECT_EQ(Code({}, payload_), "ok");
}

TEST_F(ResolveTest, ADisclosureNotInTheCredentialIsRefused) {
  EXPECT_EQ(Code({MakeDisclosure(NewSdSalt(), "holder_name", "\"张三\"")}, payload_), "error.sd_jwt.not_in_sd");
  // One changed character of a real disclosure.
  std::string changed = name_;
  changed[5] = changed[5] == 'A' ? 'B' : 'A';
  EXPECT_NE(Code({changed}, payload_), "ok");
}

TEST_F(ResolveTest, DuplicatesAndMalformedAreRefused) {
  EXPECT_EQ(Code({name_, name_}, payload_), "error.sd_jwt.duplicate");
  Json clear = payload_;
  clear["holder_name"] = "in clear";
  EXPECT_EQ(Code({name_}, clear), "error.sd_jwt.duplicate");
  EXPECT_EQ(Code({"!!"}, payload_), "error.sd_jwt.malformed");
  const std::string two = Base64UrlEncode("[\"salt\", \"name\"]");
  Json with_two = payload_;
  with_two["_sd"].push_back(DisclosureDigest(two));
  EXPECT_EQ(Code({two}, with_two), "error.sd_jwt.malformed");
  const std::string sd = MakeDisclosure("salt", "_sd", "[]");
  Json with_sd = payload_;
  with_sd["_sd"].push_back(DisclosureDigest(sd));
  EXPECT_EQ(Code({sd}, with_sd), "error.sd_jwt.malformed");
  Json other_alg = payload_;
  other_alg["_sd_alg"] = "sha-1";
  EXPECT_EQ(Code({name_}, other_alg), "error.sd_jwt.malformed");
}

}  // namespace
}  // namespace tongban::crypto
