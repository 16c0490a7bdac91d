// The access log's use cases (services/access_log.h) on every database: an official opening a
// person's case queues an entry in that read's transaction, the sequencer gives contiguous leaf
// indexes and signs heads over the tiles, proofs verify against the signed heads, the person sees
// their entries (pending, then sequenced) and the leaf never holds their id number; two
// sequencers racing on one database build one consistent tree.
#include "services/access_log.h"

#include <nlohmann/json.hpp>

#include <map>

#include "crypto/jose.h"
#include "crypto/key_store.h"
#include "crypto/log_tiles.h"
#include "crypto/merkle.h"
#include "services_fixture.h"
#include "support/merkle_hashes.h"

namespace tongban::services::testing {
namespace {

using crypto::merkle::Hash;

using tongban::testing::ToHash;
using tongban::testing::ToHashes;

class AccessLogTest : public ServicesTest {
 protected:
  void SetUp() override {
    ServicesTest::SetUp();
    auto keys = crypto::SealedKeyStore::Create(*store_, clock_, crypto::RandomBytes(crypto::kKeyEncryptionKeyBytes));
    ASSERT_TRUE(keys.ok()) << keys.error().message;
    keys_ = std::move(keys).value();
    ASSERT_TRUE(keys_->EnsureKey(kLogKeyOwner).ok());
    ctx_.keys = keys_.get();
    ctx_.log_tree = &tree_;
  }

  domain::Application Submitted() {
    auto app = Submit("market.online");
    if (app.state == domain::ApplicationState::kDraft) {
      EXPECT_TRUE(Do(citizen_, app.id, Action::kSubmit).ok());
    }
    return app;
  }

  domain::AccessLogEntry Entry(const std::string& subject, int n) {
    domain::AccessLogEntry e;
    e.accessor_user_id = reviewer_.user.id;
    e.accessor_role = "reviewer";
    e.accessor_department = "market";
    e.subject_id = subject;
    e.dataset = "population";
    e.fields = {"name", "n" + std::to_string(n)};
    e.purpose = "test";
    e.legal_basis = "law";
    return e;
  }

  Status Record(const domain::AccessLogEntry& e) {
    return store_->Write([&](ports::Transaction& tx) { return RecordAccess(ctx_, tx, e); });
  }

  // The head's JWS verifies with the log's key and its payload is the head.
  void ExpectSignedHead(const ports::TreeHead& head) {
    auto verified = keys_->Verify(head.signed_jws);
    ASSERT_TRUE(verified.ok()) << verified.error().message;
    EXPECT_EQ(verified->owner, kLogKeyOwner);
    EXPECT_EQ(verified->typ, kTreeHeadTyp);
    const auto payload = nlohmann::json::parse(verified->payload);
    EXPECT_EQ(payload.at("tree_size").get<uint64_t>(), head.tree_size);
    EXPECT_EQ(payload.at("root_hash").get<std::string>(), tree_.Base64(head.root_hash));
    EXPECT_EQ(payload.at("timestamp").get<int64_t>(), head.timestamp_ms);
  }

  crypto::TileLogTree tree_;
  std::unique_ptr<crypto::SealedKeyStore> keys_;
};

TEST_P(AccessLogTest, AnOfficialOpeningACaseIsLoggedAndTheApplicantSeesIt) {
  const auto app = Submitted();
  // The applicant reading their own case is not a read by someone else.
  ASSERT_TRUE(GetApplication(ctx_, citizen_, app.id).ok());
  auto mine = ListMyAccessLog(ctx_, citizen_, "", 20);
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(mine->pending.empty());
  EXPECT_TRUE(mine->entries.empty());

  ASSERT_TRUE(GetApplication(ctx_, reviewer_, app.id).ok());
  mine = ListMyAccessLog(ctx_, citizen_, "", 20);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->pending.size(), 1u);  // queued, not yet sequenced
  EXPECT_TRUE(mine->entries.empty());
  // Nobody else sees it.
  EXPECT_TRUE(ListMyAccessLog(ctx_, other_, "", 20)->pending.empty());

  auto round = SequenceOnce(ctx_, 100);
  ASSERT_TRUE(round.ok()) << round.error().message;
  EXPECT_TRUE(round->locked);
  EXPECT_EQ(round->sequenced, 1u);
  mine = ListMyAccessLog(ctx_, citizen_, "", 20);
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(mine->pending.empty());
  ASSERT_EQ(mine->entries.size(), 1u);
  const auto& row = mine->entries[0];
  EXPECT_EQ(*row.leaf_index, 0u);
  const auto leaf = nlohmann::json::parse(row.leaf);
  EXPECT_EQ(leaf.at("accessor").at("user"), reviewer_.user.id);
  EXPECT_EQ(leaf.at("accessor").at("role"), "reviewer");
  EXPECT_EQ(leaf.at("accessor").at("department"), "market");
  EXPECT_EQ(leaf.at("application"), app.id);
  EXPECT_EQ(leaf.at("dataset"), "application");
  EXPECT_EQ(leaf.at("v"), 1);
  // The leaf never holds the id number; its commitment is recomputable from the salt.
  EXPECT_EQ(row.leaf.find(citizen_.user.person_id), std::string::npos);
  EXPECT_EQ(leaf.at("subject"),
            hasher_.Sha256Hex(domain::SubjectCommitmentInput(row.subject_salt, citizen_.user.person_id)));

  ASSERT_TRUE(mine->head.has_value());
  ExpectSignedHead(*mine->head);
  auto proof = ProveInclusion(ctx_, 0, mine->head->tree_size);
  ASSERT_TRUE(proof.ok()) << proof.error().message;
  EXPECT_EQ(proof->leaf_hash, tree_.LeafHash(row.leaf));
  EXPECT_TRUE(crypto::merkle::VerifyInclusion(0, mine->head->tree_size, ToHash(proof->leaf_hash),
                                              ToHashes(proof->audit_path), ToHash(mine->head->root_hash)));
}

// The case page (ViewApplication) is the same read as the API's GetApplication; an applicant's
// own view, and a read that fails, log nothing.
TEST_P(AccessLogTest, TheCasePageIsLoggedForOfficialsOnly) {
  const auto app = Submitted();
  ASSERT_TRUE(ViewApplication(ctx_, citizen_, app.id).ok());
  EXPECT_TRUE(ListMyAccessLog(ctx_, citizen_, "", 20)->pending.empty());
  EXPECT_FALSE(ViewApplication(ctx_, stranger_, app.id).ok());  // another department: not visible
  EXPECT_TRUE(ListMyAccessLog(ctx_, citizen_, "", 20)->pending.empty());
  ASSERT_TRUE(ViewApplication(ctx_, reviewer_, app.id).ok());
  auto mine = ListMyAccessLog(ctx_, citizen_, "", 20);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->pending.size(), 1u);
  EXPECT_NE(mine->pending[0].leaf.find("\"case_handling:market.online\""), std::string::npos);
}

TEST_P(AccessLogTest, SequencingGivesContiguousIndexesAndConsistentSignedHeads) {
  // The first round signs the empty tree.
  auto first = SequenceOnce(ctx_, 10);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->signed_head);
  EXPECT_EQ(first->tree_size, 0u);
  // Nothing queued: no new head.
  EXPECT_FALSE(SequenceOnce(ctx_, 10)->signed_head);
  std::vector<ports::TreeHead> heads{*LatestTreeHead(ctx_)};
  int n = 0;
  for (const int count : {1, 7, 300, 2}) {
    for (int i = 0; i < count; ++i) ASSERT_TRUE(Record(Entry(i % 2 ? "110101199003070935" : "x", n++)).ok());
    auto sequenced = SequenceQueued(ctx_, 128, 100);
    ASSERT_TRUE(sequenced.ok()) << sequenced.error().message;
    EXPECT_EQ(*sequenced, static_cast<uint64_t>(count));
    heads.push_back(*LatestTreeHead(ctx_));
    EXPECT_EQ(heads.back().tree_size, static_cast<uint64_t>(n));
  }
  for (const auto& head : heads) ExpectSignedHead(head);
  for (size_t i = 0; i + 1 < heads.size(); ++i) {
    auto proof = ProveConsistency(ctx_, heads[i].tree_size, heads.back().tree_size);
    ASSERT_TRUE(proof.ok());
    EXPECT_TRUE(crypto::merkle::VerifyConsistency(heads[i].tree_size, heads.back().tree_size,
                                                  ToHash(heads[i].root_hash), ToHash(heads.back().root_hash),
                                                  ToHashes(*proof)));
  }
  // Beyond the newest head, and reversed ranges, are refused.
  EXPECT_EQ(ProveInclusion(ctx_, 0, n + 1).error().message, "error.log.bad_range");
  EXPECT_EQ(ProveInclusion(ctx_, 5, 5).error().message, "error.log.bad_range");
  EXPECT_EQ(ProveConsistency(ctx_, 3, 2).error().message, "error.log.bad_range");
  EXPECT_EQ(ListMyAccessLog(ctx_, citizen_, "x1", 10).error().message, "error.log.page_token");
}

TEST_P(AccessLogTest, APersonsEntriesArePaginatedNewestFirst) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Record(Entry(citizen_.user.person_id, i)).ok());
  ASSERT_TRUE(SequenceQueued(ctx_, 100, 10).ok());
  auto page = ListMyAccessLog(ctx_, citizen_, "", 3);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 3u);
  EXPECT_EQ(*page->entries[0].leaf_index, 4u);
  ASSERT_FALSE(page->next_page_token.empty());
  auto next = ListMyAccessLog(ctx_, citizen_, page->next_page_token, 3);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->entries.size(), 2u);
  EXPECT_EQ(*next->entries[1].leaf_index, 0u);
  EXPECT_TRUE(next->next_page_token.empty());
}

// Two sequencers (two servers) and writers racing on one database: every entry gets exactly one
// index, the indexes are contiguous, and every head is consistent with the last.
TEST_P(AccessLogTest, TwoSequencersAtOnceBuildOneConsistentTree) {
  constexpr int kWriters = 3, kPerWriter = 60;
  std::atomic<bool> writing{true};
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kPerWriter; ++i) {
        if (!Record(Entry("p" + std::to_string(w), i)).ok()) ++failures;
      }
    });
  }
  // A second store on the same database: another server's connections.
  auto other_store = storage::OpenStore(url_);
  ASSERT_TRUE(other_store.ok());
  Context other_ctx = ctx_;
  other_ctx.store = other_store->get();
  std::vector<std::thread> sequencers;
  for (Context* c : {&ctx_, &other_ctx}) {
    sequencers.emplace_back([&, c] {
      while (writing) {
        if (!SequenceQueued(*c, 16, 4).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  writing = false;
  for (auto& t : sequencers) t.join();
  ASSERT_TRUE(SequenceQueued(ctx_, 1000, 10).ok());
  EXPECT_EQ(failures.load(), 0);
  auto head = LatestTreeHead(ctx_);
  ASSERT_TRUE(head.ok());
  ASSERT_EQ(head->tree_size, static_cast<uint64_t>(kWriters * kPerWriter));
  // Every leaf index is held once; each writer's entries are all there.
  std::map<std::string, int> per_subject;
  ASSERT_TRUE(store_->Read([&](ports::Transaction& tx) -> Status {
                for (uint64_t i = 0; i < head->tree_size; ++i) {
                  TB_ASSIGN_OR_RETURN(const auto leaf, tx.access_log().GetLeaf(i));
                  ++per_subject[leaf.subject_id];
                }
                return Ok();
              }).ok());
  for (int w = 0; w < kWriters; ++w) EXPECT_EQ(per_subject["p" + std::to_string(w)], kPerWriter);
  // The tiles give the signed root.
  auto root = store_->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const std::string r, tree_.RootHash(tx.access_log(), head->tree_size));
    EXPECT_EQ(r, head->root_hash);
    return Ok();
  });
  ASSERT_TRUE(root.ok());
  EXPECT_TRUE(ListMyAccessLog(ctx_, citizen_, "", 5).ok());
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Databases, AccessLogTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<storage::testing::StoreTarget>& info) {
                           return info.param.name;
                         });

}  // namespace tongban::services::testing
