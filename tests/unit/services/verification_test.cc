// Verification by anyone (services/verification.h) on every database, with the real key store and
// JOSE codec: credentials, QR tokens and SD-JWT presentations; every refusal the issue lists
// (corrupted signature, wrong kid, swapped payload, a disclosure not in the credential, a reused
// nonce, alg none), status bits online and offline, and the signed trust list.
#include "services/verification.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "crypto/jose.h"
#include "crypto/key_store.h"
#include "crypto/sd_jwt.h"
#include "crypto/status_list.h"
#include "crypto/system.h"
#include "crypto/token_codec.h"
#include "services/keys.h"
#include "services_fixture.h"

namespace tongban::services::testing {
namespace {

using Json = nlohmann::json;
using ports::StatusPurpose;

const ports::KeyOwner kMarket{ports::KeyOwnerKind::kIssuer, "market"};

// The server's own status bits, as `lic`'s table will answer them: lists L1 and L1-suspension.
class TableStatus final : public ports::StatusSource {
 public:
  Result<bool> IsSet(const ports::StatusPointer& p) override {
    if (p.list_id != "L1" && p.list_id != "L1-suspension") return MakeError(ErrorCode::kNotFound, "no such list");
    return set.contains({p.list_id, p.index, p.purpose});
  }
  std::set<std::tuple<std::string, int64_t, StatusPurpose>> set;
};

class Licences final : public ports::LicenceSource {
 public:
  Result<ports::LicenceForPresentation> HeldBy(const domain::User& caller, const std::string& id) override {
    const auto it = by_id.find(id);
    if (it == by_id.end() || holder_of[id] != caller.id) {
      return MakeError(ErrorCode::kNotFound, "error.presentation.licence_not_found");
    }
    return it->second;
  }
  std::map<std::string, ports::LicenceForPresentation> by_id;
  std::map<std::string, std::string> holder_of;  // licence id -> the user who holds it
};

class VerificationTest : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    auto keys = crypto::SealedKeyStore::Create(*store_, clock_, crypto::RandomBytes(crypto::kKeyEncryptionKeyBytes));
    ASSERT_TRUE(keys.ok());
    keys_ = std::move(keys).value();
    ctx_.keys = keys_.get();
    ctx_.tokens = &codec_;
    ctx_.status_source = &status_;
    ctx_.licence_source = &licences_;
    ASSERT_TRUE(EnsureSigningKeys(ctx_, {kMarket, kTrustListKeyOwner, kStatusListKeyOwner}).ok());
    holder_ = AddUser({.username = "holder", .password = "correct horse battery", .role = domain::Role::kCitizen,
                       .person_id = "310115199001011013", .name = "张三"});
    ports::LicenceForPresentation licence;
    licence.id = "LIC1";
    licence.type = "business_licence";
    licence.issuer_department = "market";
    licence.subject_id = "urn:tongban:person:310115199001011013";
    licence.claims_json = Subject().dump();
    licence.valid_until = clock_.Now() + std::chrono::hours(24 * 90);
    licence.status = {{"L1", 5, StatusPurpose::kRevocation}, {"L1-suspension", 5, StatusPurpose::kSuspension}};
    licences_.by_id["LIC1"] = licence;
    licences_.holder_of["LIC1"] = holder_.user.id;
  }

  static Json Subject() {
    return {{"id", "urn:tongban:person:310115199001011013"},
            {"licence_type", "business_licence"},
            {"holder_name", "张三"},
            {"business_scope", "餐饮服务"},
            {"address", "浦东新区世纪大道1号"}};
  }
  Json CredentialPayload() const {
    const std::string base = "http://127.0.0.1:8080/api/v1/status-lists/";
    return {{"@context", {"https://www.w3.org/ns/credentials/v2"}},
            {"type", {"VerifiableCredential", "TongbanLicence"}},
            {"id", "urn:tongban:licence:LIC1"},
            {"issuer", {{"id", "urn:tongban:sh:issuer:market"}, {"name", "市场监督管理局"}}},
            {"validFrom", FormatRfc3339(clock_.Now() - std::chrono::hours(1))},
            {"validUntil", FormatRfc3339(clock_.Now() + std::chrono::hours(24 * 90))},
            {"credentialSubject", Subject()},
            {"credentialStatus",
             {{{"id", base + "L1#5"}, {"type", "BitstringStatusListEntry"}, {"statusPurpose", "revocation"},
               {"statusListIndex", "5"}, {"statusListCredential", base + "L1"}},
              {{"id", base + "L1-suspension#5"}, {"type", "BitstringStatusListEntry"}, {"statusPurpose", "suspension"},
               {"statusListIndex", "5"}, {"statusListCredential", base + "L1-suspension"}}}}};
  }
  std::string Sign(const Json& payload, std::string_view typ = "vc+jwt") {
    auto token = keys_->Sign(kMarket, payload.dump(), typ);
    EXPECT_TRUE(token.ok());
    return token.ok() ? *token : "";
  }
  Verification Verify(std::string_view token, VerifyExpectations expect = {}) {
    auto v = VerifyOnline(ctx_, token, expect);
    EXPECT_TRUE(v.ok()) << v.error().message;
    return v.ok() ? *v : Verification{};
  }
  static std::vector<std::string> Codes(const Verification& v) {
    std::vector<std::string> codes;
    for (const auto& r : v.reasons) codes.push_back(r.code);
    return codes;
  }
  Presentation Present(std::vector<std::string> disclose, std::string audience = "bank", std::string nonce = "n-1",
                       int64_t ttl = 600) {
    auto p = CreatePresentation(ctx_, holder_, "LIC1", {std::move(disclose), ttl, std::move(audience), std::move(nonce)});
    EXPECT_TRUE(p.ok()) << p.error().message;
    return p.ok() ? *p : Presentation{};
  }
  // A status list credential of `list` signed with the status key, valid `ttl` from now.
  std::string StatusCredential(const std::string& list, const std::string& purpose, std::set<size_t> set,
                               std::chrono::seconds ttl = std::chrono::seconds(300)) {
    crypto::Bitstring bits;
    for (size_t i : set) bits.Set(i, true);
    const std::string id = "http://127.0.0.1:8080/api/v1/status-lists/" + list;
    Json payload{{"@context", {"https://www.w3.org/ns/credentials/v2"}},
                 {"type", {"VerifiableCredential", "BitstringStatusListCredential"}},
                 {"id", id},
                 {"issuer", {{"id", "urn:tongban:sh:issuer:platform"}}},
                 {"validFrom", FormatRfc3339(clock_.Now())},
                 {"validUntil", FormatRfc3339(clock_.Now() + ttl)},
                 {"credentialSubject",
                  {{"id", id + "#list"}, {"type", "BitstringStatusList"}, {"statusPurpose", purpose},
                   {"encodedList", crypto::EncodeStatusList(bits)}, {"ttl", ttl.count() * 1000}}}};
    auto token = keys_->Sign(kStatusListKeyOwner, payload.dump(), "vc+jwt");
    EXPECT_TRUE(token.ok());
    return *token;
  }

  std::unique_ptr<crypto::SealedKeyStore> keys_;
  crypto::JoseTokenCodec codec_;
  TableStatus status_;
  Licences licences_;
  Actor holder_;
};

TEST_P(VerificationTest, ValidCredentialAnswersItsClaims) {
  const Verification v = Verify(Sign(CredentialPayload()));
  EXPECT_TRUE(v.valid);
  EXPECT_EQ(v.status, "valid");
  EXPECT_EQ(Json::parse(v.claims_json)["holder_name"], "张三");
  EXPECT_TRUE(v.reasons.empty());
}

TEST_P(VerificationTest, StatusBitsAreSeenAtOnce) {
  const std::string token = Sign(CredentialPayload());
  status_.set.insert({"L1-suspension", 5, StatusPurpose::kSuspension});
  EXPECT_EQ(Verify(token).status, "suspended");
  status_.set.insert({"L1", 5, StatusPurpose::kRevocation});
  const Verification revoked = Verify(token);
  EXPECT_EQ(revoked.status, "revoked");
  EXPECT_FALSE(revoked.valid);
  status_.set.clear();
  EXPECT_EQ(Verify(token).status, "valid");
}

TEST_P(VerificationTest, ExpiredAndNotYetValid) {
  const std::string token = Sign(CredentialPayload());
  clock_.Advance(std::chrono::hours(24 * 91));
  const Verification v = Verify(token);
  EXPECT_EQ(v.status, "expired");
  EXPECT_EQ(Codes(v), std::vector<std::string>{"verify.reason.expired"});
  clock_.Advance(-std::chrono::hours(24 * 91 + 2));
  EXPECT_EQ(Verify(token).status, "not_yet_valid");
}

TEST_P(VerificationTest, CorruptedSignatureIsBadSignature) {
  std::string token = Sign(CredentialPayload());
  token[token.size() - 5] = token[token.size() - 5] == 'A' ? 'B' : 'A';
  const Verification v = Verify(token);
  EXPECT_FALSE(v.valid);
  EXPECT_EQ(v.status, "bad_signature");
  EXPECT_EQ(Codes(v), std::vector<std::string>{"error.jws.signature"});
}

TEST_P(VerificationTest, WrongKidIsUnknownIssuer) {
  const crypto::Ed25519KeyPair other = crypto::GenerateEd25519();
  const std::string token =
      crypto::SignJws(other.secret_key, crypto::JwkThumbprint(other.public_key), CredentialPayload().dump(), "vc+jwt");
  const Verification v = Verify(token);
  EXPECT_EQ(v.status, "unknown_issuer");
  EXPECT_EQ(Codes(v), std::vector<std::string>{"error.jws.unknown_key"});
  // A key of the store that is not an issuer's (the trust list's) does not sign licences either.
  auto by_trust_key = keys_->Sign(kTrustListKeyOwner, CredentialPayload().dump(), "vc+jwt");
  ASSERT_TRUE(by_trust_key.ok());
  EXPECT_EQ(Verify(*by_trust_key).status, "unknown_issuer");
}

TEST_P(VerificationTest, SwappedPayloadIsBadSignature) {
  const std::string a = Sign(CredentialPayload());
  Json other = CredentialPayload();
  other["credentialSubject"]["holder_name"] = "李四";
  const std::string b = Sign(other);
  const std::string swapped = a.substr(0, a.find('.')) + b.substr(b.find('.'), b.rfind('.') - b.find('.')) +
                              a.substr(a.rfind('.'));
  EXPECT_EQ(Verify(swapped).status, "bad_signature");
}

TEST_P(VerificationTest, AlgNoneIsRefused) {
  auto keys = keys_->PublicKeys();
  ASSERT_TRUE(keys.ok());
  std::string kid;
  for (const auto& k : *keys) {
    if (k.owner == kMarket) kid = k.kid;
  }
  const std::string token = crypto::Base64UrlEncode(Json{{"alg", "none"}, {"kid", kid}, {"typ", "vc+jwt"}}.dump()) +
                            "." + crypto::Base64UrlEncode(CredentialPayload().dump()) + ".";
  const Verification v = Verify(token);
  EXPECT_EQ(v.status, "bad_signature");
  EXPECT_FALSE(v.valid);
}

TEST_P(VerificationTest, IssuerNamedInThePayloadMustOwnTheKey) {
  Json payload = CredentialPayload();
  payload["issuer"]["id"] = "urn:tongban:sh:issuer:health";
  const Verification v = Verify(Sign(payload));
  EXPECT_EQ(v.status, "unknown_issuer");
  EXPECT_EQ(Codes(v), std::vector<std::string>{"verify.reason.issuer_mismatch"});
}

TEST_P(VerificationTest, QrTokenCarriesWhatACheckerNeeds) {
  const Json qr{{"v", 1},  {"lid", "LIC1"}, {"lt", "business_licence"}, {"iss", "market"}, {"pf", "sh"},
                {"sub", "310115********1013"}, {"hn", "张三"}, {"iat", 1760000000},
                {"exp", (clock_.Now() + std::chrono::hours(1)).time_since_epoch().count()}, {"sl", "L1"}, {"si", 5}};
  const std::string token = Sign(qr, "lic+jwt");
  Verification v = Verify(token);
  EXPECT_EQ(v.status, "valid");
  EXPECT_EQ(Json::parse(v.claims_json)["holder_id"], "310115********1013");
  status_.set.insert({"L1-suspension", 5, StatusPurpose::kSuspension});
  EXPECT_EQ(Verify(token).status, "suspended");
}

TEST_P(VerificationTest, StatusUnknownIsNotValid) {
  Json payload = CredentialPayload();
  payload["credentialStatus"][0]["statusListCredential"] = "http://x/api/v1/status-lists/L9";
  const Verification v = Verify(Sign(payload));
  EXPECT_FALSE(v.valid);
  EXPECT_EQ(v.status, "status_unknown");
}

TEST_P(VerificationTest, PresentationDisclosesOnlyTheChosenClaims) {
  const Presentation p = Present({"holder_name"});
  EXPECT_EQ(p.expires_at, clock_.Now() + std::chrono::seconds(600));
  const Verification v = Verify(p.token, {"bank", "n-1"});
  EXPECT_TRUE(v.valid) << v.status;
  const Json claims = Json::parse(v.claims_json);
  EXPECT_EQ(claims["holder_name"], "张三");
  EXPECT_EQ(claims["licence_type"], "business_licence");
  EXPECT_FALSE(claims.contains("business_scope"));
  EXPECT_FALSE(claims.contains("address"));
  EXPECT_FALSE(claims.contains("id"));
  // Every claim is a digest in the signed part; the undisclosed ones are not readable there.
  const std::string jwt = p.token.substr(0, p.token.find('~'));
  const std::string payload = *crypto::Base64UrlDecode(jwt.substr(jwt.find('.') + 1, jwt.rfind('.') - jwt.find('.') - 1));
  EXPECT_EQ(Json::parse(payload)["_sd"].size(), 4u);
  EXPECT_EQ(payload.find("餐饮"), std::string::npos);
}

TEST_P(VerificationTest, ReusedNonceIsReplayed) {
  const Presentation p = Present({"holder_name"});
  EXPECT_TRUE(Verify(p.token).valid);
  const Verification again = Verify(p.token);
  EXPECT_FALSE(again.valid);
  EXPECT_EQ(again.status, "replayed");
  // A new presentation with the same audience and nonce is the same one-time nonce.
  EXPECT_EQ(Verify(Present({"address"}).token).status, "replayed");
  EXPECT_TRUE(Verify(Present({"address"}, "bank", "n-2").token).valid);
}

TEST_P(VerificationTest, DisclosureNotInTheCredentialIsRefused) {
  const Presentation p = Present({"holder_name"});
  // A disclosure of a claim the issuer never signed, added by someone who wants more.
  const std::string extra = crypto::MakeDisclosure(crypto::NewSdSalt(), "licence_grade", "\"A\"");
  const Verification v = Verify(p.token + extra + "~");
  EXPECT_EQ(v.status, "bad_signature");
  EXPECT_EQ(Codes(v), std::vector<std::string>{"error.sd_jwt.not_in_sd"});
  // The same claim name with a changed value.
  const std::string jwt = p.token.substr(0, p.token.find('~'));
  const std::string changed = crypto::MakeDisclosure(crypto::NewSdSalt(), "holder_name", "\"李四\"");
  EXPECT_EQ(Codes(Verify(jwt + "~" + changed + "~")), std::vector<std::string>{"error.sd_jwt.not_in_sd"});
  // A disclosure of another presentation of the same licence (another salt) does not match.
  const Presentation other = Present({"address"}, "bank", "n-3");
  const std::string stolen = other.token.substr(other.token.find('~') + 1);
  EXPECT_EQ(Codes(Verify(jwt + "~" + stolen)), std::vector<std::string>{"error.sd_jwt.not_in_sd"});
}

TEST_P(VerificationTest, TamperedOrForeignPresentationsAreRefused) {
  const Presentation p = Present({"holder_name"});
  std::string tampered = p.token;
  tampered[p.token.find('~') - 3] = tampered[p.token.find('~') - 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Verify(tampered).status, "bad_signature");
  EXPECT_EQ(Codes(Verify(p.token + "eyJhbGciOiJFZERTQSJ9.e30.AAAA")), std::vector<std::string>{"verify.reason.key_binding"});
}

TEST_P(VerificationTest, PresentationExpiresAndIsBoundToItsAudience) {
  const Presentation p = Present({"holder_name"}, "bank", "n-4", 60);
  EXPECT_EQ(Verify(p.token, {"shop", ""}).status, "wrong_audience");
  EXPECT_EQ(Verify(p.token, {"bank", "n-other"}).status, "wrong_audience");
  clock_.Advance(std::chrono::seconds(61));
  EXPECT_EQ(Verify(p.token, {"bank", "n-4"}).status, "expired");
}

TEST_P(VerificationTest, PresentationFollowsTheLicenceStatus) {
  const Presentation p = Present({"holder_name"});
  status_.set.insert({"L1", 5, StatusPurpose::kRevocation});
  EXPECT_EQ(Verify(p.token).status, "revoked");
}

TEST_P(VerificationTest, OnlyTheHolderPresentsAndOnlyRealClaims) {
  const Actor stranger = AddUser({.username = "stranger", .password = "correct horse battery",
                                  .role = domain::Role::kCitizen, .person_id = "11010519491231002X", .name = "王五"});
  auto theirs = CreatePresentation(ctx_, stranger, "LIC1", {{"holder_name"}, 600, "", ""});
  ASSERT_FALSE(theirs.ok());
  EXPECT_EQ(theirs.error().code, ErrorCode::kNotFound);
  auto unknown = CreatePresentation(ctx_, holder_, "LIC1", {{"salary"}, 600, "", ""});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "error.presentation.unknown_claim");
  EXPECT_EQ(CreatePresentation(ctx_, holder_, "LIC1", {{}, 600, "", ""}).error().message, "error.presentation.disclose");
  EXPECT_EQ(CreatePresentation(ctx_, holder_, "LIC1", {{"holder_name"}, 0, "", ""}).error().message,
            "error.presentation.ttl");
  // Without a nonce the platform draws one: two presentations are two nonces.
  auto a = CreatePresentation(ctx_, holder_, "LIC1", {{"holder_name"}, 600, "", ""});
  auto b = CreatePresentation(ctx_, holder_, "LIC1", {{"holder_name"}, 600, "", ""});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(Verify(a->token).valid);
  EXPECT_TRUE(Verify(b->token).valid);
}

TEST_P(VerificationTest, TrustListIsSignedAndListsIssuersAndStatusKeys) {
  auto signed_list = SignedTrustList(ctx_);
  ASSERT_TRUE(signed_list.ok()) << signed_list.error().message;
  auto verified = keys_->Verify(*signed_list);
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->typ, "trust-list+jwt");
  EXPECT_EQ(verified->owner, kTrustListKeyOwner);
  const Json payload = Json::parse(verified->payload);
  EXPECT_EQ(payload["iss"], "urn:tongban:sh:platform");
  EXPECT_EQ(payload["exp"].get<int64_t>() - payload["iat"].get<int64_t>(), 24 * 3600);
  ASSERT_EQ(payload["issuers"].size(), 1u);
  EXPECT_EQ(payload["issuers"][0]["id"], "urn:tongban:sh:issuer:market");
  EXPECT_EQ(payload["issuers"][0]["keys"][0]["status"], "active");
  EXPECT_FALSE(payload["issuers"][0].contains("licence_types"));  // the catalogue does not say yet
  EXPECT_EQ(payload["status_issuer"]["keys"].size(), 1u);
  // Rotation keeps the old key, marked retired.
  ASSERT_TRUE(keys_->Rotate(kMarket).ok());
  const Json rotated = Json::parse(keys_->Verify(*SignedTrustList(ctx_))->payload);
  EXPECT_EQ(rotated["issuers"][0]["keys"].size(), 2u);
}

TEST_P(VerificationTest, OfflineWithTrustListAndStatusListFiles) {
  const std::string trust_text = *SignedTrustList(ctx_);
  auto trust = codec_.ParseTrustList(trust_text, clock_.Now());
  ASSERT_TRUE(trust.ok()) << trust.error().message;
  const std::string token = Sign(CredentialPayload());
  const std::string revocation = StatusCredential("L1", "revocation", {});
  const std::string suspension = StatusCredential("L1-suspension", "suspension", {5});
  Verification v = VerifyOffline(codec_, *trust, {revocation, suspension}, token, {}, clock_.Now());
  EXPECT_EQ(v.status, "suspended");
  v = VerifyOffline(codec_, *trust, {revocation, StatusCredential("L1-suspension", "suspension", {4, 6})}, token, {},
                    clock_.Now());
  EXPECT_EQ(v.status, "valid");
  // Without the lists, or with stale ones, the status is not known.
  EXPECT_EQ(VerifyOffline(codec_, *trust, {}, token, {}, clock_.Now()).status, "status_unknown");
  clock_.Advance(std::chrono::seconds(301));
  v = VerifyOffline(codec_, *trust, {revocation, suspension}, token, {}, clock_.Now());
  EXPECT_EQ(v.status, "status_unknown");
  EXPECT_EQ(Codes(v)[0], "verify.reason.status_list_expired");
  // A status list signed by an issuer key (not a status key) is refused.
  auto forged = keys_->Sign(kMarket, Json::parse(keys_->Verify(revocation)->payload).dump(), "vc+jwt");
  clock_.Advance(-std::chrono::seconds(301));
  v = VerifyOffline(codec_, *trust, {*forged, suspension}, token, {}, clock_.Now());
  EXPECT_EQ(v.status, "suspended");
  EXPECT_EQ(Codes(v)[0], "verify.reason.status_list_signature");
  // An expired trust list is refused.
  EXPECT_FALSE(codec_.ParseTrustList(trust_text, clock_.Now() + std::chrono::hours(25)).ok());
}

// Online verification keeps a copy of the trust list; a key added since is found at once.
TEST_P(VerificationTest, CachedTrustListSeesARotatedKeyAtOnce) {
  TrustListCache cache(std::chrono::seconds(3600));
  ctx_.trust_cache = &cache;
  EXPECT_TRUE(Verify(Sign(CredentialPayload())).valid);
  ASSERT_TRUE(keys_->Rotate(kMarket).ok());
  const std::string by_new_key = Sign(CredentialPayload());
  EXPECT_TRUE(Verify(by_new_key).valid);
  const crypto::Ed25519KeyPair other = crypto::GenerateEd25519();
  EXPECT_EQ(Verify(crypto::SignJws(other.secret_key, crypto::JwkThumbprint(other.public_key),
                                   CredentialPayload().dump(), "vc+jwt"))
                .status,
            "unknown_issuer");
}

INSTANTIATE_TEST_SUITE_P(Databases, VerificationTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::services::testing
