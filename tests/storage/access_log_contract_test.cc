// The access log's rows (ports/access_log_repository.h): the storage contract on every database.
// The tree over these tiles is tests/unit/crypto/log_tiles_test.cc; the sequencer
// tests/unit/services/access_log_test.cc.
#include "crypto/log_tiles.h"
#include "crypto/merkle.h"
#include "store_contract.h"

namespace tongban::storage {
namespace {

using ports::AccessLogRow;
using ports::TreeHead;

AccessLogRow Row(const std::string& id, const std::string& subject, int64_t at) {
  AccessLogRow r;
  r.id = id;
  r.subject_id = subject;
  r.subject_salt = "salt-" + id;
  r.leaf = "{\"v\":1,\"id\":\"" + id + "\",\"中\":\"文\"}";
  r.queued_at = At(at);
  return r;
}

class AccessLogContractTest : public StoreContractTest {
 protected:
  Status Enqueue(const AccessLogRow& r) {
    return Write([&](ports::Transaction& tx) { return tx.access_log().EnqueueAccessLogRow(r); });
  }
  Result<std::vector<AccessLogRow>> Queued(int limit) {
    return ReadValue<std::vector<AccessLogRow>>(
        [&](ports::Transaction& tx) { return tx.access_log().ListQueuedAccessLogRows(limit); });
  }
};

TEST_P(AccessLogContractTest, QueuedEntriesAreSequencedOnceInQueueOrder) {
  ASSERT_OK(Enqueue(Row("01B", "110101199003070935", 20)));
  ASSERT_OK(Enqueue(Row("01A", "110101199003070935", 10)));
  ASSERT_OK(Enqueue(Row("01C", "11010519491231002X", 30)));
  EXPECT_CODE(Enqueue(Row("01A", "x", 1)), ErrorCode::kConflict);
  auto queued = Queued(2);
  ASSERT_OK(queued);
  ASSERT_EQ(queued->size(), 2u);
  EXPECT_EQ((*queued)[0].id, "01A");
  EXPECT_EQ((*queued)[0].leaf, Row("01A", "", 0).leaf);
  EXPECT_EQ((*queued)[0].subject_salt, "salt-01A");
  EXPECT_EQ((*queued)[0].queued_at, At(10));
  EXPECT_FALSE((*queued)[0].leaf_index.has_value());
  ASSERT_OK(Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const bool locked, tx.access_log().TryLockSequencer());
    EXPECT_TRUE(locked);
    TB_ASSIGN_OR_RETURN(const std::vector<AccessLogRow> moved, tx.access_log().SequenceOldest(0, 2));
    EXPECT_EQ(moved.size(), 2u);
    for (size_t i = 0; i < moved.size() && i < queued->size(); ++i) {
      EXPECT_EQ(moved[i].id, (*queued)[i].id);
      EXPECT_EQ(moved[i].leaf, (*queued)[i].leaf);
      EXPECT_EQ(moved[i].subject_salt, (*queued)[i].subject_salt);
      EXPECT_EQ(moved[i].queued_at, (*queued)[i].queued_at);
      EXPECT_EQ(moved[i].leaf_index, std::optional<uint64_t>(i));
    }
    return Ok();
  }));
  // Sequencing from a taken index again (another sequencer's stale round) is refused, nothing kept.
  EXPECT_CODE(Write([&](ports::Transaction& tx) -> Status {
                TB_RETURN_IF_ERROR(tx.access_log().SequenceOldest(1, 10));
                return Ok();
              }),
              ErrorCode::kConflict);
  auto rest = Queued(10);
  ASSERT_OK(rest);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].id, "01C");
  auto leaf = ReadValue<AccessLogRow>([](ports::Transaction& tx) { return tx.access_log().GetLeaf(1); });
  ASSERT_OK(leaf);
  EXPECT_EQ(leaf->id, "01B");
  EXPECT_EQ(*leaf->leaf_index, 1u);
  EXPECT_CODE(ReadValue<AccessLogRow>([](ports::Transaction& tx) { return tx.access_log().GetLeaf(2); }),
              ErrorCode::kNotFound);
}

TEST_P(AccessLogContractTest, APersonSeesTheirOwnEntriesOnlyPageByPage) {
  std::vector<AccessLogRow> rows;
  for (int i = 0; i < 5; ++i) rows.push_back(Row("01" + std::to_string(i), i == 2 ? "other" : "me", i));
  for (const auto& r : rows) ASSERT_OK(Enqueue(r));
  ASSERT_OK(Write([&](ports::Transaction& tx) -> Status {
    TB_RETURN_IF_ERROR(tx.access_log().SequenceOldest(0, 5));
    return Ok();
  }));
  ASSERT_OK(Enqueue(Row("02P", "me", 9)));
  auto page = ReadValue<std::vector<AccessLogRow>>(
      [](ports::Transaction& tx) { return tx.access_log().ListSubjectLeaves("me", 1000, 2); });
  ASSERT_OK(page);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ(*(*page)[0].leaf_index, 4u);
  EXPECT_EQ(*(*page)[1].leaf_index, 3u);
  auto next = ReadValue<std::vector<AccessLogRow>>(
      [](ports::Transaction& tx) { return tx.access_log().ListSubjectLeaves("me", 3, 10); });
  ASSERT_OK(next);
  ASSERT_EQ(next->size(), 2u);
  EXPECT_EQ(*(*next)[0].leaf_index, 1u);
  EXPECT_EQ(*(*next)[1].leaf_index, 0u);
  auto pending = ReadValue<std::vector<AccessLogRow>>(
      [](ports::Transaction& tx) { return tx.access_log().ListSubjectQueued("me", 10); });
  ASSERT_OK(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].id, "02P");
}

TEST_P(AccessLogContractTest, TilesGrowInPlaceAndHeadsAreKeptByTreeSize) {
  EXPECT_CODE(ReadValue<std::string>([](ports::Transaction& tx) { return tx.access_log().GetLogTile(0, 0); }),
              ErrorCode::kNotFound);
  const std::string narrow(64, '\x01');
  std::string wide = narrow + std::string(32, '\0');  // binary, with NUL bytes
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.access_log().PutLogTile(0, 7, narrow); }));
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.access_log().PutLogTile(0, 7, wide); }));
  auto tile = ReadValue<std::string>([](ports::Transaction& tx) { return tx.access_log().GetLogTile(0, 7); });
  ASSERT_OK(tile);
  EXPECT_EQ(*tile, wide);

  EXPECT_CODE(ReadValue<TreeHead>([](ports::Transaction& tx) { return tx.access_log().LatestTreeHead(); }),
              ErrorCode::kNotFound);
  TreeHead small{3, std::string(32, '\xff'), 1000, "a.b.c"};
  TreeHead large{9, std::string(32, '\0'), 2000, "d.e.f"};
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.access_log().InsertTreeHead(large); }));
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.access_log().InsertTreeHead(small); }));
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.access_log().InsertTreeHead(small); }),
              ErrorCode::kConflict);
  auto latest = ReadValue<TreeHead>([](ports::Transaction& tx) { return tx.access_log().LatestTreeHead(); });
  ASSERT_OK(latest);
  EXPECT_EQ(latest->tree_size, 9u);
  EXPECT_EQ(latest->root_hash, large.root_hash);
  EXPECT_EQ(latest->timestamp_ms, 2000);
  EXPECT_EQ(latest->signed_jws, "d.e.f");
}

// The tile tree on the database: 300 leaves appended over three transactions answer the same
// root and proofs as the in-memory tree.
TEST_P(AccessLogContractTest, TheTreeOverStoredTilesEqualsTheMemoryTree) {
  crypto::TileLogTree tree;
  crypto::merkle::MemorySubtrees memory;
  uint64_t size = 0;
  for (const uint64_t batch : {1u, 255u, 44u}) {
    std::vector<std::string> hashes;
    for (uint64_t i = size; i < size + batch; ++i) {
      hashes.push_back(tree.LeafHash("leaf " + std::to_string(i)));
      memory.Append(crypto::merkle::LeafHash("leaf " + std::to_string(i)));
    }
    ASSERT_OK(Write([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(const std::string appended, tree.Append(tx.access_log(), size, hashes));
      (void)appended;
      return Ok();
    }));
    size += batch;
  }
  auto root = ReadValue<std::string>([&](ports::Transaction& tx) { return tree.RootHash(tx.access_log(), size); });
  ASSERT_OK(root);
  const auto expected = *crypto::merkle::RootHash(size, memory);
  EXPECT_EQ(*root, std::string(reinterpret_cast<const char*>(expected.data()), 32));
  auto proof = ReadValue<std::vector<std::string>>(
      [&](ports::Transaction& tx) { return tree.InclusionProof(tx.access_log(), 256, size); });
  ASSERT_OK(proof);
  EXPECT_EQ(proof->size(), crypto::merkle::InclusionProof(256, size, memory)->size());
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Databases, AccessLogContractTest, ::testing::ValuesIn(testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<StoreTarget>& info) { return info.param.name; });

}  // namespace tongban::storage
