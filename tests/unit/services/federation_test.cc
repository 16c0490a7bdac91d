// Federation peers (services/federation.h) on every database, with two platforms in one process:
// this one (sh) and a peer (zj) with its own database, key store and clock, reached through a fake
// outbound client that answers from the peer's services. Adding by fingerprint, each refusal
// (wrong fingerprint, unreachable, tampered, expired, wrong key, wrong code), the refresh that keeps
// the old list, key rotation, and removal.
#include "services/federation.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crypto/federation_codec.h"
#include "crypto/jose.h"
#include "crypto/key_store.h"
#include "crypto/system.h"
#include "crypto/token_codec.h"
#include "services/keys.h"
#include "services/mutual_recognition.h"
#include "services/verification.h"
#include "services_fixture.h"

namespace tongban::services::testing {
namespace {

const ports::KeyOwner kMarket{ports::KeyOwnerKind::kIssuer, "market"};
constexpr const char* kPeerUrl = "http://zj.test";

// The outbound client: GETs under kPeerUrl are answered by the peer platform's own services (what
// its routes answer), at once; `down` refuses the connection; `tamper` changes a byte of the
// list's payload after it was signed; `forge` signs the list with a key the peer never published.
class PeerOutbound final : public ports::OutboundHttp {
 public:
  explicit PeerOutbound(const Context& peer) : peer_(peer) {}
  void Send(ports::OutboundRequest request, ports::OutboundLimits, ports::OutboundCallback done) override {
    ++calls;
    if (down || !request.url.starts_with(kPeerUrl)) {
      return done(MakeError(ErrorCode::kUnavailable, "error.outbound.unreachable"));
    }
    const std::string path = request.url.substr(std::string(kPeerUrl).size());
    ports::OutboundResponse answer;
    answer.status = 200;
    if (path == "/api/v1/platform") {
      auto platform = ThisPlatform(peer_);
      if (!platform.ok()) return done(platform.error());
      answer.body = codec_.PlatformJson(*platform);
    } else if (path.starts_with("/api/v1/trust-list?kid=")) {
      auto list = SignedTrustListWithKey(peer_, path.substr(path.find('=') + 1));
      if (!list.ok()) {
        answer.status = 404;
        return done(std::move(answer));
      }
      answer.body = *list;
      if (forge) {
        // The same payload signed by a key of nobody's list.
        const auto pair = crypto::GenerateEd25519();
        const std::string payload = *crypto::Base64UrlDecode(Part(answer.body, 1));
        answer.body = crypto::SignJws(pair.secret_key, crypto::JwkThumbprint(pair.public_key), payload, "trust-list+jwt");
      }
      if (tamper) {
        std::string payload = *crypto::Base64UrlDecode(Part(answer.body, 1));
        const size_t at = payload.find("\"zj\"");
        payload.replace(at, 4, "\"zz\"");
        answer.body = Part(answer.body, 0) + "." + crypto::Base64UrlEncode(payload) + "." + Part(answer.body, 2);
      }
    } else {
      answer.status = 404;
    }
    done(std::move(answer));
  }

  static std::string Part(const std::string& jws, int n) {
    size_t start = 0;
    for (int i = 0; i < n; ++i) start = jws.find('.', start) + 1;
    const size_t end = jws.find('.', start);
    return jws.substr(start, end == std::string::npos ? std::string::npos : end - start);
  }

  bool down = false;
  bool tamper = false;
  bool forge = false;
  int calls = 0;

 private:
  const Context& peer_;
  crypto::JoseFederationCodec codec_;
};

class FederationTest : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    auto keys = crypto::SealedKeyStore::Create(*store_, clock_, crypto::RandomBytes(crypto::kKeyEncryptionKeyBytes));
    ASSERT_TRUE(keys.ok());
    keys_ = std::move(keys).value();
    ctx_.keys = keys_.get();
    ctx_.tokens = &tokens_;
    ctx_.federation_codec = &codec_;
    ctx_.platform_code = "sh";
    ASSERT_TRUE(EnsureSigningKeys(ctx_, {kTrustListKeyOwner}).ok());

    peer_url_ = GetParam().new_url();
    auto peer_store = storage::OpenStore(peer_url_);
    ASSERT_TRUE(peer_store.ok()) << peer_store.error().message;
    peer_store_ = std::move(peer_store).value();
    peer_clock_.Set({2026, 9, 28});
    auto peer_keys =
        crypto::SealedKeyStore::Create(*peer_store_, peer_clock_, crypto::RandomBytes(crypto::kKeyEncryptionKeyBytes));
    ASSERT_TRUE(peer_keys.ok());
    peer_keys_ = std::move(peer_keys).value();
    peer_.store = peer_store_.get();
    peer_.clock = &peer_clock_;
    peer_.ids = &ids_;
    peer_.hasher = &hasher_;
    peer_.keys = peer_keys_.get();
    peer_.tokens = &tokens_;
    peer_.federation_codec = &codec_;
    peer_.platform_code = "zj";
    peer_.platform_name_zh = "浙江";
    peer_.platform_name_en = "Zhejiang";
    peer_.platform_url = kPeerUrl;
    ASSERT_TRUE(EnsureSigningKeys(peer_, {kTrustListKeyOwner, kStatusListKeyOwner, kMarket}).ok());
    outbound_ = std::make_unique<PeerOutbound>(peer_);
  }

  void TearDown() override {
    outbound_.reset();
    peer_keys_.reset();
    peer_store_.reset();
    GetParam().cleanup(peer_url_);
    keys_.reset();
    StoreFixture::TearDown();
  }

  std::string PeerFingerprint() {
    auto platform = ThisPlatform(peer_);
    EXPECT_TRUE(platform.ok());
    return platform.ok() ? platform->list_key.kid : "";
  }

  Result<domain::Peer> Add(const std::string& code, const std::string& fingerprint) {
    TB_ASSIGN_OR_RETURN(AddPeerRequest request, CheckAddPeerRequest(ctx_, {code, std::string(kPeerUrl) + "/", fingerprint}));
    return AddPeer(ctx_, request, FetchPeerNow(*outbound_, request.url, request.fingerprint, true));
  }

  domain::Peer Stored(const std::string& code) {
    auto peers = ListPeers(ctx_, "", 10);
    EXPECT_TRUE(peers.ok());
    for (const auto& p : *peers) {
      if (p.code == code) return p;
    }
    ADD_FAILURE() << "no peer " << code;
    return {};
  }

  std::unique_ptr<crypto::SealedKeyStore> keys_;
  crypto::JoseTokenCodec tokens_;
  crypto::JoseFederationCodec codec_;
  std::string peer_url_;
  std::unique_ptr<ports::Store> peer_store_;
  FakeClock peer_clock_;
  std::unique_ptr<crypto::SealedKeyStore> peer_keys_;
  Context peer_;
  std::unique_ptr<PeerOutbound> outbound_;
};

TEST_P(FederationTest, ThePlatformNamesItsCodeAndListKeyInTheSignedList) {
  peer_.trust_list_validity_hours = 24;
  auto platform = ThisPlatform(peer_);
  ASSERT_TRUE(platform.ok()) << platform.error().message;
  EXPECT_EQ(platform->code, "zj");
  EXPECT_EQ(platform->url, kPeerUrl);
  EXPECT_EQ(codec_.Thumbprint(platform->list_key.x), platform->list_key.kid);
  auto list = codec_.CheckPeerList(*SignedTrustList(peer_), platform->list_key, clock_.Now());
  ASSERT_TRUE(list.ok()) << list.error().message;
  EXPECT_EQ(list->platform_code, "zj");
  EXPECT_EQ(list->platform_name_en, "Zhejiang");
  ASSERT_EQ(list->list_keys.size(), 1u);
  EXPECT_EQ(list->list_keys[0].kid, platform->list_key.kid);
  ASSERT_EQ(list->issuers.size(), 1u);
  EXPECT_EQ(list->issuers[0].id, "urn:tongban:zj:issuer:market");
  // Only a list key signs a list: another key's kid is not a list key.
  auto keys = peer_.keys->PublicKeys();
  ASSERT_TRUE(keys.ok());
  for (const auto& k : *keys) {
    if (k.owner == kMarket) {
      EXPECT_EQ(SignedTrustListWithKey(peer_, k.kid).error().message, "error.keys.unknown_kid");
    }
  }
}

TEST_P(FederationTest, AddsAPeerByFingerprintAndCachesItsList) {
  auto peer = Add("zj", PeerFingerprint());
  ASSERT_TRUE(peer.ok()) << peer.error().message;
  EXPECT_EQ(peer->url, kPeerUrl);  // without the trailing slash
  EXPECT_EQ(peer->name_zh, "浙江");
  EXPECT_EQ(peer->fingerprint, PeerFingerprint());
  ASSERT_TRUE(peer->valid_until.has_value());
  EXPECT_EQ(*peer->valid_until, peer_clock_.Now() + std::chrono::hours(24));
  EXPECT_EQ(peer->refresh_at, clock_.Now() + std::chrono::hours(12));
  auto list = PeerTrustList(ctx_, "zj");
  ASSERT_TRUE(list.ok()) << list.error().message;
  EXPECT_EQ(list->platform_code, "zj");
  EXPECT_EQ(Add("zj", PeerFingerprint()).error().message, "error.federation.peer_exists");
}

TEST_P(FederationTest, RefusesAWrongFingerprintAnUnreachablePeerAndAnotherCode) {
  const auto other = crypto::GenerateEd25519();
  EXPECT_EQ(Add("zj", crypto::JwkThumbprint(other.public_key)).error().message,
            "error.federation.fingerprint_mismatch");
  EXPECT_EQ(Add("js", PeerFingerprint()).error().message, "error.federation.code_mismatch");
  outbound_->down = true;
  auto down = Add("zj", PeerFingerprint());
  EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(down.error().message, "error.federation.unreachable");
  // The form is checked before anything is fetched.
  const int calls = outbound_->calls;
  EXPECT_EQ(Add("sh", PeerFingerprint()).error().message, "error.federation.code");
  EXPECT_EQ(Add("zj", "short").error().message, "error.federation.fingerprint");
  EXPECT_EQ(CheckAddPeerRequest(ctx_, {"zj", "ftp://zj.test", PeerFingerprint()}).error().message,
            "error.federation.url");
  EXPECT_EQ(CheckAddPeerRequest(ctx_, {"zj", "http://zj.test/?x=1", PeerFingerprint()}).error().message,
            "error.federation.url");
  EXPECT_EQ(outbound_->calls, calls);
  auto peers = ListPeers(ctx_, "", 10);
  ASSERT_TRUE(peers.ok());
  EXPECT_TRUE(peers->empty());
}

TEST_P(FederationTest, RefusesATamperedAForgedAndAnExpiredList) {
  outbound_->tamper = true;
  EXPECT_EQ(Add("zj", PeerFingerprint()).error().message, "error.federation.list_signature");
  outbound_->tamper = false;
  outbound_->forge = true;
  EXPECT_EQ(Add("zj", PeerFingerprint()).error().message, "error.federation.list_wrong_key");
  outbound_->forge = false;
  // The peer signed its list two days ago (its clock): expired here.
  peer_clock_.Advance(-std::chrono::hours(48));
  EXPECT_EQ(Add("zj", PeerFingerprint()).error().message, "error.federation.list_expired");
  EXPECT_EQ(PeerTrustList(ctx_, "zj").error().message, "error.federation.unknown_peer");
}

TEST_P(FederationTest, ARefusedRefreshKeepsTheOldListUntilItEnds) {
  ASSERT_TRUE(Add("zj", PeerFingerprint()).ok());
  const std::string cached = Stored("zj").list_jws;
  // Not due yet: the job leaves it alone.
  auto idle = RunFederationJob(ctx_, *outbound_, false);
  ASSERT_TRUE(idle.ok());
  EXPECT_TRUE(idle->peers.empty());
  clock_.Advance(std::chrono::hours(13));
  peer_clock_.Advance(std::chrono::hours(13));
  outbound_->tamper = true;
  auto run = RunFederationJob(ctx_, *outbound_, false);
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(run->failed, 1);
  domain::Peer peer = Stored("zj");
  EXPECT_EQ(peer.last_error, "error.federation.list_signature");
  EXPECT_EQ(peer.list_jws, cached);
  EXPECT_EQ(peer.refresh_at, clock_.Now() + std::chrono::minutes(5));
  EXPECT_TRUE(PeerTrustList(ctx_, "zj").ok());
  // Unreachable: the reason and its detail.
  outbound_->tamper = false;
  outbound_->down = true;
  clock_.Advance(std::chrono::minutes(5));
  ASSERT_TRUE(RunFederationJob(ctx_, *outbound_, false).ok());
  peer = Stored("zj");
  EXPECT_EQ(peer.last_error, "error.federation.unreachable");
  EXPECT_EQ(peer.last_error_detail, "error.outbound.unreachable");
  // Past the cached list's own validity nothing of the peer serves.
  clock_.Advance(std::chrono::hours(12));
  EXPECT_EQ(PeerTrustList(ctx_, "zj").error().message, "error.federation.no_list");
  // The peer is back: a good refresh clears the reason.
  outbound_->down = false;
  auto back = RunFederationJob(ctx_, *outbound_, true);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->refreshed, 1);
  peer = Stored("zj");
  EXPECT_TRUE(peer.last_error.empty());
  EXPECT_NE(peer.list_jws, cached);
  EXPECT_TRUE(PeerTrustList(ctx_, "zj").ok());
}

TEST_P(FederationTest, FollowsARotationAnnouncedByTheTrustedKey) {
  const std::string first = PeerFingerprint();
  ASSERT_TRUE(Add("zj", first).ok());
  auto rotated = peer_.keys->Rotate(kTrustListKeyOwner);
  ASSERT_TRUE(rotated.ok());
  ASSERT_NE(rotated->kid, first);
  auto run = RunFederationJob(ctx_, *outbound_, true);
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(run->rotated, 1);
  domain::Peer peer = Stored("zj");
  EXPECT_EQ(peer.fingerprint, rotated->kid);
  EXPECT_EQ(peer.refresh_at, clock_.Now());  // the list signed by the new key is fetched next
  // The next list is signed by the new key and checked against it.
  auto next = RunFederationJob(ctx_, *outbound_, false);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->peers.size(), 1u);
  EXPECT_TRUE(next->peers[0].refreshed);
  EXPECT_FALSE(next->peers[0].rotated);
  EXPECT_EQ(PeerOutbound::Part(Stored("zj").list_jws, 0),
            PeerOutbound::Part(*SignedTrustListWithKey(peer_, rotated->kid), 0));
}

TEST_P(FederationTest, AFetchWithAKeyNoLongerTrustedChangesNothing) {
  const std::string first = PeerFingerprint();
  ASSERT_TRUE(Add("zj", first).ok());
  // Fetched with the first key; meanwhile another server followed a rotation.
  const PeerFetch stale = FetchPeerNow(*outbound_, kPeerUrl, first, false);
  ASSERT_TRUE(peer_.keys->Rotate(kTrustListKeyOwner).ok());
  ASSERT_TRUE(RunFederationJob(ctx_, *outbound_, true).ok());
  const domain::Peer moved = Stored("zj");
  ASSERT_NE(moved.fingerprint, first);
  auto applied = ApplyPeerRefresh(ctx_, "zj", stale);
  ASSERT_TRUE(applied.ok());
  EXPECT_FALSE(applied->refreshed);
  EXPECT_TRUE(applied->error.empty());
  EXPECT_EQ(Stored("zj").fingerprint, moved.fingerprint);
  EXPECT_EQ(Stored("zj").list_jws, moved.list_jws);
}

TEST_P(FederationTest, AKeyNoTrustedListNamedIsNotFollowed) {
  ASSERT_TRUE(Add("zj", PeerFingerprint()).ok());
  const std::string trusted = Stored("zj").fingerprint;
  outbound_->forge = true;
  auto run = RunFederationJob(ctx_, *outbound_, true);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->failed, 1);
  EXPECT_EQ(Stored("zj").fingerprint, trusted);
  EXPECT_EQ(Stored("zj").last_error, "error.federation.list_wrong_key");
}

TEST_P(FederationTest, ARemovedPeerIsGoneAtOnce) {
  ASSERT_TRUE(Add("zj", PeerFingerprint()).ok());
  ASSERT_TRUE(RemovePeer(ctx_, "zj").ok());
  EXPECT_EQ(PeerTrustList(ctx_, "zj").error().message, "error.federation.unknown_peer");
  EXPECT_EQ(RemovePeer(ctx_, "zj").error().message, "error.federation.unknown_peer");
  auto run = RunFederationJob(ctx_, *outbound_, true);
  ASSERT_TRUE(run.ok());
  EXPECT_TRUE(run->peers.empty());
}

TEST_P(FederationTest, OnlyAdministratorsManagePeers) {
  Actor citizen, admin;
  citizen.user.roles = {domain::Role::kCitizen};
  admin.user.roles = {domain::Role::kAdmin};
  EXPECT_EQ(RequireFederationAdministrator(citizen).error().message, "error.federation.admin_only");
  EXPECT_TRUE(RequireFederationAdministrator(admin).ok());
}

TEST(PeerStatusCacheTest, KeepsACredentialForItsFreshnessOnly) {
  PeerStatusCache cache;
  const Timestamp t0 = Timestamp{std::chrono::seconds{1000}};
  EXPECT_FALSE(cache.Get("zj", "L1", t0).has_value());
  cache.Put("zj", "L1", "credential", t0);
  EXPECT_EQ(cache.Get("zj", "L1", t0 + std::chrono::seconds(59)).value_or(""), "credential");
  EXPECT_FALSE(cache.Get("zj", "L1", t0 + kPeerStatusFreshness).has_value());
  EXPECT_FALSE(cache.Get("zj", "L1", t0 - std::chrono::seconds(1)).has_value());  // a clock that went back
  EXPECT_FALSE(cache.Get("js", "L1", t0).has_value());  // per peer
  EXPECT_FALSE(cache.Get("zj", "L2", t0).has_value());
}

TEST(PeerListCacheTest, ParsesAListOncePerFetch) {
  PeerListCache cache;
  domain::Peer peer;
  peer.code = "zj";
  peer.fingerprint = "K1";
  peer.fetched_at = Timestamp{std::chrono::seconds{1000}};
  int parsed = 0;
  const auto parse = [&]() -> Result<PeerTrust> {
    ++parsed;
    PeerTrust t;
    t.code = "zj";
    t.name_en = "Zhejiang " + std::to_string(parsed);
    return t;
  };
  ASSERT_TRUE(cache.Get(peer, parse).ok());
  EXPECT_EQ((*cache.Get(peer, parse))->name_en, "Zhejiang 1");  // the same fetch: not parsed again
  EXPECT_EQ(parsed, 1);
  peer.fetched_at = Timestamp{std::chrono::seconds{2000}};  // a refresh, on any server
  EXPECT_EQ((*cache.Get(peer, parse))->name_en, "Zhejiang 2");
  peer.fingerprint = "K2";  // a followed rotation
  EXPECT_EQ((*cache.Get(peer, parse))->name_en, "Zhejiang 3");
  EXPECT_EQ(cache.parses(), 3u);
  // A list that cannot be parsed is not cached: the next use tries again.
  peer.fetched_at = Timestamp{std::chrono::seconds{3000}};
  const auto bad = []() -> Result<PeerTrust> { return MakeError(ErrorCode::kInvalidArgument, "verify.reason.trust_list"); };
  EXPECT_FALSE(cache.Get(peer, bad).ok());
  EXPECT_EQ((*cache.Get(peer, parse))->name_en, "Zhejiang 4");
}

INSTANTIATE_TEST_SUITE_P(Databases, FederationTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<storage::testing::StoreTarget>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace tongban::services::testing
