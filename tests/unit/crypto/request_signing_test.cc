// Signed requests to a department's own system (issue 9 item 8): what the platform signs verifies,
// and a tampered body, another method or path, a replayed id, an old or future time, a wrong key
// and a token of another type are refused.
#include "crypto/request_signing.h"

#include <gtest/gtest.h>

#include <map>

#include "crypto/system.h"

namespace tongban::crypto {
namespace {

using std::chrono::seconds;

class RequestSigningTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(InitCrypto()); }
  void SetUp() override {
    pair_ = GenerateEd25519();
    kid_ = JwkThumbprint(pair_.public_key);
    keys_[kid_] = pair_.public_key;
  }
  PublicKeyLookup Lookup() const {
    return [this](std::string_view kid) -> std::optional<std::string> {
      const auto it = keys_.find(std::string(kid));
      if (it == keys_.end()) return std::nullopt;
      return it->second;
    };
  }
  std::string Sign(std::string_view method, std::string_view target, std::string_view body, Timestamp at,
                   const std::string& jti = NewRequestNonce()) const {
    return SignJws(pair_.secret_key, kid_, RequestSigningPayload(method, target, body, at, jti), kRequestJwsType);
  }
  std::string Check(std::string_view token, std::string_view method, std::string_view target, std::string_view body,
                    Timestamp now) {
    auto r = verifier_.Verify(token, method, target, body, now, Lookup());
    return r.ok() ? "ok" : r.error().message;
  }

  Ed25519KeyPair pair_;
  std::string kid_;
  std::map<std::string, std::string> keys_;
  RequestVerifier verifier_{seconds(60)};
  const Timestamp now_{seconds(1'790'000'000)};
  const std::string body_ = R"({"subject":"11010519491231002X","fields":["scheme"]})";
};

TEST_F(RequestSigningTest, SignedRequestVerifies) {
  const std::string token = Sign("POST", "/records/medical_insurance", body_, now_, "id-1");
  auto r = verifier_.Verify(token, "POST", "/records/medical_insurance", body_, now_ + seconds(5), Lookup());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->kid, kid_);
  EXPECT_EQ(r->jti, "id-1");
  EXPECT_EQ(r->issued_at, now_);
}

TEST_F(RequestSigningTest, TamperedBodyRefused) {
  const std::string token = Sign("POST", "/records/medical_insurance", body_, now_);
  std::string tampered = body_;
  tampered[tampered.find("1101")] = '2';
  EXPECT_EQ(Check(token, "POST", "/records/medical_insurance", tampered, now_), "error.request_signature.binding");
}

TEST_F(RequestSigningTest, OtherMethodOrPathRefused) {
  const std::string token = Sign("POST", "/records/medical_insurance", body_, now_);
  EXPECT_EQ(Check(token, "GET", "/records/medical_insurance", body_, now_), "error.request_signature.binding");
  EXPECT_EQ(Check(token, "POST", "/records/population", body_, now_), "error.request_signature.binding");
}

TEST_F(RequestSigningTest, ReplayedIdRefused) {
  const std::string token = Sign("POST", "/r", body_, now_, "same-id");
  EXPECT_EQ(Check(token, "POST", "/r", body_, now_), "ok");
  EXPECT_EQ(Check(token, "POST", "/r", body_, now_ + seconds(1)), "error.request_signature.replay");
  // A new signature reusing the id is a replay too.
  EXPECT_EQ(Check(Sign("POST", "/r", body_, now_ + seconds(2), "same-id"), "POST", "/r", body_, now_ + seconds(2)),
            "error.request_signature.replay");
  // Once the window has passed, the old id fails on its time instead.
  EXPECT_EQ(Check(token, "POST", "/r", body_, now_ + seconds(120)), "error.request_signature.time");
}

TEST_F(RequestSigningTest, OldOrFutureTimeRefused) {
  EXPECT_EQ(Check(Sign("POST", "/r", body_, now_ - seconds(61)), "POST", "/r", body_, now_),
            "error.request_signature.time");
  EXPECT_EQ(Check(Sign("POST", "/r", body_, now_ + seconds(61)), "POST", "/r", body_, now_),
            "error.request_signature.time");
  EXPECT_EQ(Check(Sign("POST", "/r", body_, now_ - seconds(59)), "POST", "/r", body_, now_), "ok");
}

TEST_F(RequestSigningTest, WrongKeyRefused) {
  const Ed25519KeyPair other = GenerateEd25519();
  // Another key under our kid: the signature does not verify.
  const std::string forged =
      SignJws(other.secret_key, kid_, RequestSigningPayload("POST", "/r", body_, now_, "x"), kRequestJwsType);
  EXPECT_EQ(Check(forged, "POST", "/r", body_, now_), "error.jws.signature");
  // A key the JWKS does not have.
  const std::string unknown = SignJws(other.secret_key, JwkThumbprint(other.public_key),
                                      RequestSigningPayload("POST", "/r", body_, now_, "y"), kRequestJwsType);
  EXPECT_EQ(Check(unknown, "POST", "/r", body_, now_), "error.jws.unknown_key");
}

TEST_F(RequestSigningTest, MissingOrOtherTokenRefused) {
  EXPECT_EQ(Check("", "POST", "/r", body_, now_), "error.request_signature.missing");
  EXPECT_EQ(Check("a.b", "POST", "/r", body_, now_), "error.jws.malformed");
  // A token of ours for another use (another typ) is not a request signature.
  const std::string other_typ =
      SignJws(pair_.secret_key, kid_, RequestSigningPayload("POST", "/r", body_, now_, "z"), "JWT");
  EXPECT_EQ(Check(other_typ, "POST", "/r", body_, now_), "error.request_signature.type");
  const std::string no_claims = SignJws(pair_.secret_key, kid_, R"({"htm":"POST"})", kRequestJwsType);
  EXPECT_EQ(Check(no_claims, "POST", "/r", body_, now_), "error.request_signature.claims");
}

}  // namespace
}  // namespace tongban::crypto
