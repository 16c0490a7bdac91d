// JOSE with Ed25519: RFC 8037 / RFC 7638 known answers, sign and verify, and every refusal.
#include "crypto/jose.h"

#include <gtest/gtest.h>

#include <map>

#include "crypto/system.h"

namespace tongban::crypto {
namespace {

class JoseTest : public ::testing::Test {
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
  std::string Code(std::string_view token) const {
    const auto verified = VerifyJws(token, Lookup());
    return verified.ok() ? "ok" : verified.error().message;
  }
  // A token with a header of our choosing, signed properly with pair_.
  std::string WithHeader(const std::string& header_json, const std::string& payload = "{}") const {
    const std::string input = Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload);
    return input + "." + RawSignature(input);
  }
  std::string RawSignature(const std::string& input) const;

  Ed25519KeyPair pair_;
  std::string kid_;
  std::map<std::string, std::string> keys_;
};

}  // namespace
}  // namespace tongban::crypto

#include <sodium.h>

namespace tongban::crypto {
namespace {

std::string JoseTest::RawSignature(const std::string& input) const {
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                       reinterpret_cast<const unsigned char*>(pair_.secret_key.data()));
  return Base64UrlEncode(std::string(reinterpret_cast<const char*>(sig), sizeof sig));
}

TEST(JoseKnownAnswerTest, Rfc8037KeyAndRfc7638Thumbprint) {
  ASSERT_TRUE(InitCrypto());
  // RFC 8037 appendix A.1 (the private key d is the seed) and A.3 (its thumbprint).
  const auto seed = Base64UrlDecode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A");
  ASSERT_TRUE(seed.has_value());
  const auto pair = Ed25519FromSeed(*seed);
  ASSERT_TRUE(pair.ok());
  EXPECT_EQ(Base64UrlEncode(pair->public_key), "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
  EXPECT_EQ(JwkThumbprint(pair->public_key), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
}

TEST(Base64UrlTest, RoundTripsAndRefusesEveryOtherSpelling) {
  ASSERT_TRUE(InitCrypto());
  for (const std::string& bytes : {std::string(), std::string("f"), std::string("fo"), std::string("foo"),
                                  std::string("\xff\xfe\x00\x01", 4)}) {
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(bytes)), bytes);
  }
  EXPECT_EQ(Base64UrlDecode("_-8"), std::string("\xff\xef"));
  EXPECT_FALSE(Base64UrlDecode("Zg==").has_value());  // padding
  EXPECT_FALSE(Base64UrlDecode("Zm9v ").has_value());  // whitespace
  EXPECT_FALSE(Base64UrlDecode("Zm+v").has_value());  // the standard alphabet
  EXPECT_FALSE(Base64UrlDecode("Z").has_value());     // an impossible length
  EXPECT_FALSE(Base64UrlDecode("Zh").has_value());    // non-zero unused bits ("Zg" is canonical)
}

TEST_F(JoseTest, SignedTokensVerifyWithTheirKidAndTyp) {
  const std::string token = SignJws(pair_.secret_key, kid_, R"({"tree_size":3})", "tree-head+jwt");
  const auto verified = VerifyJws(token, Lookup());
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->kid, kid_);
  EXPECT_EQ(verified->typ, "tree-head+jwt");
  EXPECT_EQ(verified->payload, R"({"tree_size":3})");
  const auto header = Base64UrlDecode(token.substr(0, token.find('.')));
  EXPECT_EQ(*header, R"({"alg":"EdDSA","kid":")" + kid_ + R"(","typ":"tree-head+jwt"})");
  EXPECT_EQ(Code(SignJws(pair_.secret_key, kid_, "no typ")), "ok");
}

TEST_F(JoseTest, AlgNoneAndOtherAlgorithmsAreRefused) {
  EXPECT_EQ(Code(Base64UrlEncode(R"({"alg":"none","kid":")" + kid_ + "\"}") + "." + Base64UrlEncode("{}") + "."),
            "error.jws.algorithm");  // the unsecured JWS of RFC 7515 appendix A.5
  EXPECT_EQ(Code(WithHeader(R"({"alg":"none","kid":")" + kid_ + "\"}")), "error.jws.algorithm");
  EXPECT_EQ(Code(WithHeader(R"({"alg":"HS256","kid":")" + kid_ + "\"}")), "error.jws.algorithm");
  EXPECT_EQ(Code(WithHeader(R"({"alg":"ES256","kid":")" + kid_ + "\"}")), "error.jws.algorithm");
  EXPECT_EQ(Code(WithHeader(R"({"alg":"eddsa","kid":")" + kid_ + "\"}")), "error.jws.algorithm");
  EXPECT_EQ(Code(WithHeader(R"({"kid":")" + kid_ + "\"}")), "error.jws.algorithm");
  EXPECT_EQ(Code(WithHeader(R"({"alg":"EdDSA","kid":")" + kid_ + "\"}")), "ok");
}

TEST_F(JoseTest, AnUnknownOrWrongKidIsRefused) {
  EXPECT_EQ(Code(WithHeader(R"({"alg":"EdDSA"})")), "error.jws.unknown_key");
  EXPECT_EQ(Code(WithHeader(R"({"alg":"EdDSA","kid":"nobody"})")), "error.jws.unknown_key");
  EXPECT_EQ(Code(WithHeader(R"({"alg":"EdDSA","kid":7})")), "error.jws.unknown_key");
  // The kid of another key we know: the signature does not verify under it.
  const Ed25519KeyPair other = GenerateEd25519();
  keys_[JwkThumbprint(other.public_key)] = other.public_key;
  EXPECT_EQ(Code(WithHeader(R"({"alg":"EdDSA","kid":")" + JwkThumbprint(other.public_key) + "\"}")),
            "error.jws.signature");
}

TEST_F(JoseTest, ATamperedHeaderPayloadOrSignatureIsRefused) {
  const std::string token = SignJws(pair_.secret_key, kid_, R"({"licence":"L1","status":"valid"})", "vc+jwt");
  const size_t a = token.find('.'), b = token.rfind('.');
  // Another payload under the same header and signature.
  EXPECT_EQ(Code(token.substr(0, a + 1) + Base64UrlEncode(R"({"licence":"L1","status":"revoked"})") + token.substr(b)),
            "error.jws.signature");
  // Another typ in the header.
  EXPECT_EQ(Code(Base64UrlEncode(R"({"alg":"EdDSA","kid":")" + kid_ + R"(","typ":"JWT"})") + token.substr(a)),
            "error.jws.signature");
  // Every single character of the token changed to another base64url character.
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '.') continue;
    std::string bad = token;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_NE(Code(bad), "ok") << i;
  }
  // Payload and signature of another token.
  const std::string other = SignJws(pair_.secret_key, kid_, "other", "vc+jwt");
  EXPECT_EQ(Code(token.substr(0, b) + other.substr(other.rfind('.'))), "error.jws.signature");
}

TEST_F(JoseTest, BadBase64urlAndTrailingGarbageAreRefused) {
  const std::string token = SignJws(pair_.secret_key, kid_, "payload");
  const size_t a = token.find('.'), b = token.rfind('.');
  EXPECT_EQ(Code(token + "."), "error.jws.malformed");
  EXPECT_EQ(Code(token + ".x"), "error.jws.malformed");
  EXPECT_EQ(Code(token + " "), "error.jws.malformed");
  EXPECT_EQ(Code(token + "\n"), "error.jws.malformed");
  EXPECT_EQ(Code(token + "AA"), "error.jws.signature");  // 66 bytes: not an Ed25519 signature
  EXPECT_EQ(Code(token + "="), "error.jws.malformed");
  EXPECT_EQ(Code(token.substr(0, a) + "=" + token.substr(a)), "error.jws.malformed");
  std::string plus = token;
  plus[b + 1] = '+';
  EXPECT_EQ(Code(plus), "error.jws.malformed");
  EXPECT_EQ(Code(token.substr(0, b)), "error.jws.malformed");
  EXPECT_EQ(Code(""), "error.jws.malformed");
  EXPECT_EQ(Code(".."), "error.jws.malformed");
  EXPECT_EQ(Code(Base64UrlEncode("not json") + token.substr(a)), "error.jws.malformed");
  EXPECT_EQ(Code(WithHeader(R"(["alg","EdDSA"])")), "error.jws.malformed");
  EXPECT_EQ(Code(WithHeader(R"({"alg":"EdDSA","kid":")" + kid_ + R"(","crit":["exp"]})")), "error.jws.malformed");
}

}  // namespace
}  // namespace tongban::crypto
