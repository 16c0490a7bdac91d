// The access log's tree over tiles (crypto/log_tiles.h) against the in-memory MemorySubtrees of
// crypto/merkle.h: the same roots and proofs for every tree size 1..600 (across the 256-wide tile
// boundaries, appended in batches of varied sizes), and every corrupted proof rejected for sizes
// 1..64. The tiles live in a map here; tests/storage/access_log_contract_test.cc runs them on the
// databases.
#include "crypto/log_tiles.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "support/merkle_hashes.h"

namespace tongban::crypto {
namespace {

using merkle::Hash;

// Only the tile methods: the tree arithmetic uses nothing else.
class MapTiles final : public ports::AccessLogRepository {
 public:
  Status EnqueueAccessLogRow(const ports::AccessLogRow&) override { return Unused(); }
  Result<bool> TryLockSequencer() override { return true; }
  Result<std::vector<ports::AccessLogRow>> ListQueuedAccessLogRows(int) override { return Unused(); }
  Result<std::vector<ports::AccessLogRow>> SequenceOldest(uint64_t, int) override { return Unused(); }
  Result<std::string> GetLogTile(int level, uint64_t index) override {
    ++reads;
    auto it = tiles.find({level, index});
    if (it == tiles.end()) return MakeError(ErrorCode::kNotFound, "error.log.no_tile");
    return it->second;
  }
  Status PutLogTile(int level, uint64_t index, const std::string& hashes) override {
    auto& tile = tiles[{level, index}];
    // A tile only ever grows, keeping its hashes.
    EXPECT_EQ(hashes.substr(0, tile.size()), tile);
    tile = hashes;
    return Ok();
  }
  Status InsertTreeHead(const ports::TreeHead&) override { return Unused(); }
  Result<ports::TreeHead> LatestTreeHead() override { return Unused(); }
  Result<std::vector<ports::AccessLogRow>> ListSubjectLeaves(const std::string&, uint64_t, int) override {
    return Unused();
  }
  Result<std::vector<ports::AccessLogRow>> ListSubjectQueued(const std::string&, int) override { return Unused(); }
  Result<ports::AccessLogRow> GetLeaf(uint64_t) override { return Unused(); }

  std::map<std::pair<int, uint64_t>, std::string> tiles;
  int reads = 0;

 private:
  static Error Unused() { return MakeError(ErrorCode::kInternal, "unused"); }
};

using tongban::testing::ToHash;
using tongban::testing::ToHashes;
std::string Bytes(const Hash& h) { return tongban::testing::HashBytes(h); }
std::string Leaf(uint64_t i) { return "{\"v\":1,\"n\":" + std::to_string(i) + "}"; }

// Grows both trees to `size`, appending to the tiles in batches whose sizes cycle through
// `batches`, and checks the root after each batch.
struct Trees {
  TileLogTree tree;
  MapTiles tiles;
  merkle::MemorySubtrees memory;
  uint64_t size = 0;

  void GrowTo(uint64_t target, const std::vector<uint64_t>& batches) {
    size_t b = 0;
    while (size < target) {
      const uint64_t n = std::min(batches[b++ % batches.size()], target - size);
      std::vector<std::string> hashes;
      for (uint64_t i = size; i < size + n; ++i) {
        hashes.push_back(tree.LeafHash(Leaf(i)));
        memory.Append(merkle::LeafHash(Leaf(i)));
      }
      auto root = tree.Append(tiles, size, hashes);
      ASSERT_TRUE(root.ok()) << root.error().message;
      size += n;
      auto expected = merkle::RootHash(size, memory);
      ASSERT_TRUE(expected.ok());
      ASSERT_EQ(*root, Bytes(*expected)) << "size " << size;
    }
  }
};

TEST(TileLogTreeTest, EqualsMemorySubtreesForEverySizeTo600) {
  // `t` grows one leaf at a time; `batched` in batches across the tile boundaries first, then
  // answers for every smaller size from the same tiles (they only ever grow).
  Trees t, batched;
  batched.GrowTo(600, {1, 3, 255, 256, 7, 300, 2});
  const std::vector<uint64_t> samples_base = {0, 1, 2, 127, 254, 255, 256, 257, 511, 512, 513};
  for (uint64_t size = 1; size <= 600; ++size) {
    t.GrowTo(size, {1});
    auto root = t.tree.RootHash(t.tiles, size);
    ASSERT_TRUE(root.ok()) << root.error().message;
    ASSERT_EQ(*root, Bytes(*merkle::RootHash(size, t.memory)));
    auto batched_root = batched.tree.RootHash(batched.tiles, size);
    ASSERT_TRUE(batched_root.ok()) << batched_root.error().message;
    ASSERT_EQ(*batched_root, *root) << "size " << size;
    std::vector<uint64_t> indexes = samples_base;
    indexes.push_back(size - 1);
    indexes.push_back(size / 2);
    for (const uint64_t index : indexes) {
      if (index >= size) continue;
      auto tiled = t.tree.InclusionProof(t.tiles, index, size);
      ASSERT_TRUE(tiled.ok()) << tiled.error().message;
      auto expected = merkle::InclusionProof(index, size, t.memory);
      ASSERT_TRUE(expected.ok());
      ASSERT_EQ(ToHashes(*tiled), *expected) << "index " << index << " size " << size;
      auto from_batched = batched.tree.InclusionProof(batched.tiles, index, size);
      ASSERT_TRUE(from_batched.ok());
      ASSERT_EQ(*from_batched, *tiled);
      // And for every older tree size the tiles still answer (they only grew).
      const uint64_t older = index + 1;
      auto old_tiled = t.tree.InclusionProof(t.tiles, index, older);
      ASSERT_TRUE(old_tiled.ok());
      ASSERT_EQ(ToHashes(*old_tiled), *merkle::InclusionProof(index, older, t.memory));
    }
    for (const uint64_t first : indexes) {
      if (first > size) continue;
      auto tiled = t.tree.ConsistencyProof(t.tiles, first, size);
      ASSERT_TRUE(tiled.ok()) << tiled.error().message;
      ASSERT_EQ(ToHashes(*tiled), *merkle::ConsistencyProof(first, size, t.memory))
          << "first " << first << " second " << size;
    }
  }
  // 600 leaves: two full level-0 tiles, one partial, and a partial level-1 tile of two hashes.
  // A full tile keeps its 255 interior hashes after its 256.
  EXPECT_EQ(t.tiles.tiles.at({0, 0}).size(), 511u * 32);
  EXPECT_EQ(t.tiles.tiles.at({0, 2}).size(), (600u - 512) * 32);
  EXPECT_EQ(t.tiles.tiles.at({1, 0}).size(), 2u * 32);
}

// Tiles written before full tiles kept their interior (256 hashes only) still answer: the proof
// folds them, and equals the one read from the interior.
TEST(TileLogTreeTest, FullTilesWithoutInteriorStillAnswer) {
  Trees t;
  t.GrowTo(70000, {4096});
  const auto with_interior = t.tree.InclusionProof(t.tiles, 12345, 70000);
  ASSERT_TRUE(with_interior.ok());
  for (auto& [key, hashes] : t.tiles.tiles) {
    if (hashes.size() == 511u * 32) hashes.resize(256u * 32);
  }
  const auto folded = t.tree.InclusionProof(t.tiles, 12345, 70000);
  ASSERT_TRUE(folded.ok()) << folded.error().message;
  EXPECT_EQ(*folded, *with_interior);
  EXPECT_EQ(ToHashes(*folded), *merkle::InclusionProof(12345, 70000, t.memory));
}

TEST(TileLogTreeTest, ProofReadsOnlyTheTilesItNeeds) {
  Trees t;
  t.GrowTo(70000, {4096});
  t.tiles.reads = 0;
  auto proof = t.tree.InclusionProof(t.tiles, 12345, 70000);
  ASSERT_TRUE(proof.ok());
  // Tiles of three levels along one path, plus the right edge: a handful, never all 274.
  EXPECT_LE(t.tiles.reads, 8);
}

// Every corrupted proof is rejected: wrong index, wrong size, a flipped bit, a truncated or an
// extended path, for every size 1..64 and every index (inclusion) and pair (consistency).
TEST(TileLogTreeTest, EveryCorruptedProofRejected) {
  // One tree of 64 leaves answers for every smaller size; roots[w] is the root at size w.
  Trees t;
  t.GrowTo(64, {1, 2, 5});
  std::vector<Hash> roots(65);
  for (uint64_t w = 0; w <= 64; ++w) roots[w] = ToHash(*t.tree.RootHash(t.tiles, w));
  const auto inclusion = [&](uint64_t index, uint64_t size) { return ToHashes(*t.tree.InclusionProof(t.tiles, index, size)); };
  const auto consistency = [&](uint64_t first, uint64_t second) {
    return ToHashes(*t.tree.ConsistencyProof(t.tiles, first, second));
  };
  for (uint64_t size = 1; size <= 64; ++size) {
    const Hash& root = roots[size];
    for (uint64_t index = 0; index < size; ++index) {
      SCOPED_TRACE(std::to_string(index) + "/" + std::to_string(size));
      const Hash leaf = merkle::LeafHash(Leaf(index));
      const std::vector<Hash> path = inclusion(index, size);
      ASSERT_TRUE(merkle::VerifyInclusion(index, size, leaf, path, root));
      // Wrong index.
      for (uint64_t other = 0; other < size + 2; ++other) {
        if (other != index) {
          EXPECT_FALSE(merkle::VerifyInclusion(other, size, leaf, path, root)) << "index " << other;
        }
      }
      // Wrong size, each with the true root of that size (the signed head binds size and root):
      // accepted only where that size's own proof is this very path.
      for (uint64_t wrong = 1; wrong <= 64; ++wrong) {
        if (wrong == size) continue;
        if (merkle::VerifyInclusion(index, wrong, leaf, path, roots[wrong])) {
          EXPECT_TRUE(wrong > index && inclusion(index, wrong) == path) << "size " << wrong;
        }
      }
      // A flipped bit anywhere in the path, the leaf or the root.
      for (size_t i = 0; i < path.size(); ++i) {
        for (int bit : {0, 77, 255}) {
          auto flipped = path;
          flipped[i][bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
          EXPECT_FALSE(merkle::VerifyInclusion(index, size, leaf, flipped, root));
        }
      }
      Hash flipped_leaf = leaf;
      flipped_leaf[0] ^= 1;
      EXPECT_FALSE(merkle::VerifyInclusion(index, size, flipped_leaf, path, root));
      Hash flipped_root = root;
      flipped_root[31] ^= 0x40;
      EXPECT_FALSE(merkle::VerifyInclusion(index, size, leaf, path, flipped_root));
      // Truncated and extended paths.
      if (!path.empty()) {
        auto truncated = path;
        truncated.pop_back();
        EXPECT_FALSE(merkle::VerifyInclusion(index, size, leaf, truncated, root));
        auto dropped_first = std::vector<Hash>(path.begin() + 1, path.end());
        EXPECT_FALSE(merkle::VerifyInclusion(index, size, leaf, dropped_first, root));
      }
      auto extended = path;
      extended.push_back(root);
      EXPECT_FALSE(merkle::VerifyInclusion(index, size, leaf, extended, root));
    }
    for (uint64_t first = 1; first < size; ++first) {
      SCOPED_TRACE(std::to_string(first) + "->" + std::to_string(size));
      const Hash& first_root = roots[first];
      const std::vector<Hash> proof = consistency(first, size);
      ASSERT_TRUE(merkle::VerifyConsistency(first, size, first_root, root, proof));
      // Wrong sizes, each with the true roots of those sizes.
      for (uint64_t wrong = 1; wrong <= 64; ++wrong) {
        if (wrong != size && wrong >= first &&
            merkle::VerifyConsistency(first, wrong, first_root, roots[wrong], proof)) {
          EXPECT_EQ(consistency(first, wrong), proof) << "second " << wrong;
        }
        if (wrong != first && wrong <= size &&
            merkle::VerifyConsistency(wrong, size, roots[wrong], root, proof)) {
          EXPECT_EQ(consistency(wrong, size), proof) << "first " << wrong;
        }
      }
      for (size_t i = 0; i < proof.size(); ++i) {
        auto flipped = proof;
        flipped[i][31] ^= 0x80;
        EXPECT_FALSE(merkle::VerifyConsistency(first, size, first_root, root, flipped));
      }
      Hash flipped_root = first_root;
      flipped_root[0] ^= 1;
      EXPECT_FALSE(merkle::VerifyConsistency(first, size, flipped_root, root, proof));
      if (!proof.empty()) {
        auto truncated = proof;
        truncated.pop_back();
        EXPECT_FALSE(merkle::VerifyConsistency(first, size, first_root, root, truncated));
      }
      auto extended = proof;
      extended.push_back(root);
      EXPECT_FALSE(merkle::VerifyConsistency(first, size, first_root, root, extended));
    }
  }
}

TEST(TileLogTreeTest, Base64IsStandardWithPadding) {
  TileLogTree tree;
  EXPECT_EQ(tree.Base64(""), "");
  EXPECT_EQ(tree.Base64("f"), "Zg==");
  EXPECT_EQ(tree.Base64("fo"), "Zm8=");
  EXPECT_EQ(tree.Base64("\xfb\xff"), "+/8=");
}

}  // namespace
}  // namespace tongban::crypto
