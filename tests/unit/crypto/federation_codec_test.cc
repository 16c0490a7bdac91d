// Federation's codec (crypto/federation_codec.h): RFC 7638 thumbprints against the RFC's own
// example and RFC 8037's, the platform document, and every check of a peer's trust list (the
// trusted key, the signature, the type, the platform section, the expiry).
#include "crypto/federation_codec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crypto/jose.h"
#include "crypto/system.h"
#include "crypto/token_codec.h"

namespace tongban::crypto {
namespace {

using Json = nlohmann::json;

// RFC 7638 section 3.1: the RSA key of RFC 7517 appendix A.1 and its SHA-256 thumbprint.
constexpr const char* kRfc7638N =
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhM"
    "stn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvR"
    "L5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnq"
    "DKgw";
constexpr const char* kRfc7638Thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
// RFC 8037 appendix A.2 and A.3: the Ed25519 public key and its thumbprint.
constexpr const char* kRfc8037X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
constexpr const char* kRfc8037Thumbprint = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";

Timestamp At(int64_t s) { return Timestamp{std::chrono::seconds{s}}; }

class FederationCodecTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(InitCrypto()); }
  void SetUp() override {
    pair_ = GenerateEd25519();
    key_.x = Base64UrlEncode(pair_.public_key);
    key_.kid = JwkThumbprint(pair_.public_key);
    key_.active = true;
    key_.owner = {ports::KeyOwnerKind::kPurpose, "trust_list"};
  }

  ports::TrustList List(const std::string& code = "zj") const {
    ports::TrustList list;
    list.iss = "urn:tongban:" + code + ":platform";
    list.issued_at = At(1000);
    list.expires_at = At(1000 + 86400);
    list.platform_code = code;
    list.platform_name_zh = "浙江";
    list.platform_name_en = "Zhejiang";
    list.platform_url = "https://zj.example";
    list.list_keys = {key_};
    return list;
  }
  std::string Signed(const std::string& payload, std::string_view typ = kTrustListTyp) const {
    return SignJws(pair_.secret_key, key_.kid, payload, typ);
  }

  Ed25519KeyPair pair_;
  ports::PublicSigningKey key_;
  JoseTokenCodec tokens_;
  JoseFederationCodec codec_;
};

TEST_F(FederationCodecTest, ThumbprintsMatchTheRfcExamples) {
  EXPECT_EQ(JwkThumbprintOfMembers({{"e", "AQAB"}, {"kty", "RSA"}, {"n", kRfc7638N}}), kRfc7638Thumbprint);
  EXPECT_EQ(JwkThumbprintOfMembers({{"crv", "Ed25519"}, {"kty", "OKP"}, {"x", kRfc8037X}}), kRfc8037Thumbprint);
  EXPECT_EQ(codec_.Thumbprint(kRfc8037X), kRfc8037Thumbprint);
  // The OKP thumbprint every key's kid is, and the generic one, agree on any key.
  EXPECT_EQ(JwkThumbprintOfMembers({{"crv", "Ed25519"}, {"kty", "OKP"}, {"x", key_.x}}), key_.kid);
  EXPECT_EQ(codec_.Thumbprint("not base64url!"), "");
  EXPECT_EQ(codec_.Thumbprint(Base64UrlEncode("short")), "");
}

TEST_F(FederationCodecTest, ReadsAndWritesThePlatformDocument) {
  ports::PlatformIdentity p{"zj", "浙江", "Zhejiang", "https://zj.example", key_};
  auto read = codec_.ParsePlatform(codec_.PlatformJson(p));
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->code, "zj");
  EXPECT_EQ(read->name_en, "Zhejiang");
  EXPECT_EQ(read->list_key.kid, key_.kid);
  // The kid is computed from x, never taken from the document.
  Json doc = Json::parse(codec_.PlatformJson(p));
  doc["list_key"]["kid"] = "somebody-else";
  EXPECT_EQ(codec_.ParsePlatform(doc.dump())->list_key.kid, key_.kid);
  for (const std::string& bad : {std::string("not json"), std::string("[]"), std::string(R"({"code":"zj"})"),
                                std::string(R"({"code":"zj","list_key":{"kty":"RSA","e":"AQAB","n":"x"}})"),
                                std::string(R"({"code":"zj","list_key":{"kty":"OKP","crv":"Ed25519","x":"abc"}})"),
                                std::string(R"({"list_key":{"kty":"OKP","crv":"Ed25519","x":")") + kRfc8037X + "\"}}"}) {
    EXPECT_EQ(codec_.ParsePlatform(bad).error().message, "error.federation.bad_platform") << bad;
  }
}

TEST_F(FederationCodecTest, AcceptsAListSignedByTheTrustedKey) {
  auto list = codec_.CheckPeerList(Signed(tokens_.TrustListPayload(List())), key_, At(2000));
  ASSERT_TRUE(list.ok()) << list.error().message;
  EXPECT_EQ(list->platform_code, "zj");
  EXPECT_EQ(list->platform_url, "https://zj.example");
  ASSERT_EQ(list->list_keys.size(), 1u);
  EXPECT_EQ(list->list_keys[0].kid, key_.kid);
  EXPECT_TRUE(list->list_keys[0].active);
  EXPECT_EQ(list->expires_at, At(1000 + 86400));
}

TEST_F(FederationCodecTest, RefusesEveryBadList) {
  const std::string good = Signed(tokens_.TrustListPayload(List()));
  // Tampered: another payload under the same signature.
  const size_t a = good.find('.'), b = good.find('.', a + 1);
  std::string payload = *Base64UrlDecode(good.substr(a + 1, b - a - 1));
  payload.replace(payload.find("Zhejiang"), 8, "Zhejianx");
  const std::string tampered = good.substr(0, a) + "." + Base64UrlEncode(payload) + good.substr(b);
  EXPECT_EQ(codec_.CheckPeerList(tampered, key_, At(2000)).error().message, "error.federation.list_signature");
  // Signed by another key, even one that names itself in the list.
  const auto other = GenerateEd25519();
  const std::string by_other =
      SignJws(other.secret_key, JwkThumbprint(other.public_key), tokens_.TrustListPayload(List()), kTrustListTyp);
  EXPECT_EQ(codec_.CheckPeerList(by_other, key_, At(2000)).error().message, "error.federation.list_wrong_key");
  // A trusted key whose x is not its kid's.
  ports::PublicSigningKey mixed = key_;
  mixed.x = Base64UrlEncode(other.public_key);
  EXPECT_EQ(codec_.CheckPeerList(good, mixed, At(2000)).error().message, "error.federation.list_wrong_key");
  // Expired.
  EXPECT_EQ(codec_.CheckPeerList(good, key_, At(1000 + 86400 + 1)).error().message, "error.federation.list_expired");
  // Another type, no platform section, not a JWS.
  EXPECT_EQ(codec_.CheckPeerList(Signed(tokens_.TrustListPayload(List()), "vc+jwt"), key_, At(2000)).error().message,
            "error.federation.list_malformed");
  ports::TrustList anonymous = List();
  anonymous.platform_code.clear();
  EXPECT_EQ(codec_.CheckPeerList(Signed(tokens_.TrustListPayload(anonymous)), key_, At(2000)).error().message,
            "error.federation.list_malformed");
  EXPECT_EQ(codec_.CheckPeerList(Signed(R"({"platform":{"code":"zj","name":{"zh":1}},"issuers":[],"exp":99999})"), key_,
                                 At(2000))
                .error()
                .message,
            "error.federation.list_malformed");
  EXPECT_EQ(codec_.CheckPeerList("a.b", key_, At(2000)).error().message, "error.federation.list_malformed");
}

// Federation messages (issue 14 item 4): the payload round-trips through a signature by the trusted
// key; another key, a changed byte, another typ and a missing member are each refused by name, and
// the sender can be read before the key is known.
TEST_F(FederationCodecTest, ChecksMessagesAgainstTheSendersKey) {
  JoseFederationCodec codec;
  ports::FederationMessage m;
  m.id = "01JABCDEF";
  m.from = "sh";
  m.to = "zj";
  m.kind = "case.forward";
  m.body = R"({"application":"A1","n":1})";
  m.sent_at = At(1700000000);
  const std::string jws = Signed(codec.MessagePayload(m), "federation-message+jwt");
  EXPECT_EQ(codec.PeekMessageSender(jws).value(), "sh");
  auto checked = codec.CheckMessage(jws, key_);
  ASSERT_TRUE(checked.ok()) << checked.error().message;
  EXPECT_EQ(checked->id, m.id);
  EXPECT_EQ(checked->to, "zj");
  EXPECT_EQ(checked->kind, "case.forward");
  EXPECT_EQ(Json::parse(checked->body), Json::parse(m.body));
  EXPECT_EQ(checked->sent_at, m.sent_at);
  EXPECT_EQ(checked->request, "");

  const Ed25519KeyPair other = GenerateEd25519();
  ports::PublicSigningKey other_key = key_;
  other_key.x = Base64UrlEncode(other.public_key);
  other_key.kid = JwkThumbprint(other.public_key);
  EXPECT_EQ(codec.CheckMessage(jws, other_key).error().message, "error.federation.message_wrong_key");
  const size_t dot = jws.find('.');
  std::string payload = *Base64UrlDecode(jws.substr(dot + 1, jws.rfind('.') - dot - 1));
  payload.replace(payload.find("A1"), 2, "A2");
  const std::string tampered =
      jws.substr(0, dot + 1) + Base64UrlEncode(payload) + jws.substr(jws.rfind('.'));
  EXPECT_EQ(codec.CheckMessage(tampered, key_).error().message, "error.federation.message_signature");
  EXPECT_EQ(codec.CheckMessage(Signed(codec.MessagePayload(m), "trust-list+jwt"), key_).error().message,
            "error.federation.message_malformed");
  Json no_body = Json::parse(codec.MessagePayload(m));
  no_body.erase("body");
  EXPECT_EQ(codec.CheckMessage(Signed(no_body.dump(), "federation-message+jwt"), key_).error().message,
            "error.federation.message_malformed");
  EXPECT_EQ(codec.PeekMessageSender("not a jws").error().message, "error.federation.message_malformed");
}

// Cross-province bodies round-trip; a published item keeps its questions and never the fields the
// handler fills from its own data.
TEST_F(FederationCodecTest, CrossProvinceBodiesRoundTrip) {
  JoseFederationCodec codec;
  ports::CaseForward f;
  f.application = "A1";
  f.reference = "SH-1";
  f.item = "medical-insurance.cross-province-filing";
  f.person_id = "110101199003070011";
  f.person_name = "张伟";
  f.channel = "web";
  f.delivery = "handler";
  f.delivery_address = "杭州市";
  f.fields = {{"filing_reason", "work"}};
  f.submitted_at = At(1700000000);
  auto back = codec.ParseCaseForward(codec.CaseForwardBody(f));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->person_name, "张伟");
  EXPECT_EQ(back->delivery, "handler");
  EXPECT_EQ(back->fields, f.fields);
  EXPECT_EQ(back->submitted_at, f.submitted_at);
  EXPECT_EQ(codec.ParseCaseForward(R"({"application":"A1"})").error().message, "error.federation.message_malformed");

  ports::CaseUpdate u;
  u.application = "A1";
  u.peer_application = "Z1";
  u.peer_reference = "ZJ-1";
  u.deadline = "2026-12-10";
  u.events = {{1, "submit", "draft", "submitted", "applicant", "", At(10)},
              {2, "accept", "submitted", "accepted", "reviewer", "ok", At(20)}};
  auto update = codec.ParseCaseUpdate(codec.CaseUpdateBody(u));
  ASSERT_TRUE(update.ok()) << update.error().message;
  ASSERT_EQ(update->events.size(), 2u);
  EXPECT_EQ(update->events[1].seq, 2);
  EXPECT_EQ(update->events[1].to, "accepted");
  EXPECT_EQ(update->events[1].at, At(20));

  domain::ServiceItem item;
  item.code = "x.item";
  item.name = {"事项", "Item"};
  item.department = "dept";
  item.promised_limit_days = 5;
  domain::Field asked;
  asked.name = "reason";
  asked.label = {"原因", "Reason"};
  asked.type = domain::FieldType::kSelect;
  asked.required = true;
  asked.options = {{"a", {"甲", "A"}}};
  domain::Field sourced = asked;
  sourced.name = "id_number";
  sourced.source = domain::MaterialSource::kSharedData;
  item.fields = {asked, sourced};
  const std::string document = codec.CrossProvinceItemJson(item, {"部门", "Department"});
  auto parsed = codec.ParseCrossProvinceItem(document);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->first.code, "x.item");
  EXPECT_EQ(parsed->second.en, "Department");
  ASSERT_EQ(parsed->first.fields.size(), 1u);
  EXPECT_EQ(parsed->first.fields[0].name, "reason");
  EXPECT_EQ(parsed->first.fields[0].options.size(), 1u);
  auto list = codec.ParseItemList(codec.ItemListBody({document}));
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].first, "x.item");
  EXPECT_EQ(codec.ParseItemList(R"({"items":[{"code":"y"}]})").error().message, "error.federation.bad_item");
}

}  // namespace
}  // namespace tongban::crypto
