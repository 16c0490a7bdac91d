// The RFC 9162 Merkle tree against a naive implementation of the RFC's recursive definitions
// (section 2.1.1 MTH, 2.1.3.1 PATH, 2.1.4.1 PROOF/SUBPROOF), for every tree size 1..64 and every
// index and pair, and every corrupted proof rejected.
#include "crypto/merkle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <string>
#include <vector>

namespace tongban::crypto::merkle {
namespace {

constexpr uint64_t kMaxSize = 64;

std::string Leaf(uint64_t i) { return "leaf " + std::to_string(i); }

// ---- the RFC's definitions, over all leaves ----
uint64_t K(uint64_t n) {
  uint64_t k = 1;
  while (k << 1 < n) k <<= 1;
  return k;
}

Hash Mth(const std::vector<std::string>& d, uint64_t b, uint64_t e) {
  if (e - b == 0) return EmptyRoot();
  if (e - b == 1) return LeafHash(d[b]);
  const uint64_t k = K(e - b);
  return NodeHash(Mth(d, b, b + k), Mth(d, b + k, e));
}

std::vector<Hash> Path(uint64_t m, const std::vector<std::string>& d, uint64_t b, uint64_t e) {
  if (e - b == 1) return {};
  const uint64_t k = K(e - b);
  std::vector<Hash> out;
  if (m < k) {
    out = Path(m, d, b, b + k);
    out.push_back(Mth(d, b + k, e));
  } else {
    out = Path(m - k, d, b + k, e);
    out.push_back(Mth(d, b, b + k));
  }
  return out;
}

std::vector<Hash> Subproof(uint64_t m, const std::vector<std::string>& d, uint64_t b, uint64_t e, bool whole) {
  const uint64_t n = e - b;
  if (m == n) return whole ? std::vector<Hash>{} : std::vector<Hash>{Mth(d, b, e)};
  const uint64_t k = K(n);
  std::vector<Hash> out;
  if (m <= k) {
    out = Subproof(m, d, b, b + k, whole);
    out.push_back(Mth(d, b + k, e));
  } else {
    out = Subproof(m - k, d, b + k, e, false);
    out.push_back(Mth(d, b, b + k));
  }
  return out;
}

class MerkleTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (uint64_t i = 0; i < kMaxSize; ++i) leaves_.push_back(Leaf(i));
    for (uint64_t n = 0; n <= kMaxSize + 1; ++n) roots_.push_back(Mth(leaves_, 0, std::min(n, kMaxSize)));
    roots_[kMaxSize + 1] = LeafHash("no such tree");
  }
  // A source holding exactly the first `size` leaves.
  MemorySubtrees Source(uint64_t size) const {
    MemorySubtrees tree;
    for (uint64_t i = 0; i < size; ++i) tree.Append(LeafHash(leaves_[i]));
    return tree;
  }
  std::vector<std::string> leaves_;
  std::vector<Hash> roots_;  // roots_[n] = MTH(D[0:n])
};

Hash Flip(Hash h, size_t bit) {
  h[(bit / 8) % h.size()] ^= static_cast<uint8_t>(1u << (bit % 8));
  return h;
}

TEST_F(MerkleTreeTest, RootHashMatchesTheRfcDefinitionForEverySize) {
  EXPECT_EQ(RootHash(0, MemorySubtrees()).value(), EmptyRoot());
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    const MemorySubtrees tree = Source(n);
    EXPECT_EQ(RootHash(n, tree).value(), Mth(leaves_, 0, n)) << n;
    // A larger tree proves the smaller tree's root too: generation never looks past `size`.
    EXPECT_EQ(RootHash(n, Source(kMaxSize)).value(), Mth(leaves_, 0, n)) << n;
  }
}

TEST_F(MerkleTreeTest, InclusionProofsMatchTheRfcAndVerifyForEveryIndexAndSize) {
  const MemorySubtrees all = Source(kMaxSize);
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    const Hash& root = roots_[n];
    for (uint64_t m = 0; m < n; ++m) {
      const auto proof = InclusionProof(m, n, all);
      ASSERT_TRUE(proof.ok()) << m << "/" << n;
      ASSERT_EQ(*proof, Path(m, leaves_, 0, n)) << m << "/" << n;
      EXPECT_TRUE(VerifyInclusion(m, n, LeafHash(leaves_[m]), *proof, root)) << m << "/" << n;
    }
  }
}

TEST_F(MerkleTreeTest, EveryCorruptedInclusionProofIsRejected) {
  const MemorySubtrees all = Source(kMaxSize);
  const Hash other = LeafHash("another leaf");
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    const Hash& root = roots_[n];
    for (uint64_t m = 0; m < n; ++m) {
      const std::vector<Hash> proof = InclusionProof(m, n, all).value();
      const Hash leaf = LeafHash(leaves_[m]);
      SCOPED_TRACE(std::to_string(m) + "/" + std::to_string(n));
      // Wrong index, wrong size (a proof valid at one position proves nothing elsewhere).
      for (uint64_t wrong = 0; wrong < n + 2; ++wrong) {
        if (wrong != m) {
          EXPECT_FALSE(VerifyInclusion(wrong, n, leaf, proof, root)) << "index " << wrong;
        }
      }
      // The proof only proves (index, size) against that size's root: RFC 9162 binds the size
      // through the signed tree head, so a wrong size is checked with the root of that size.
      for (uint64_t wrong = 1; wrong <= kMaxSize; ++wrong) {
        if (wrong == n) continue;
        if (VerifyInclusion(m, wrong, leaf, proof, roots_[wrong])) {
          EXPECT_TRUE(wrong > m && Path(m, leaves_, 0, wrong) == proof) << "size " << wrong;
        }
      }
      EXPECT_FALSE(VerifyInclusion(m, m, leaf, proof, root));
      EXPECT_FALSE(VerifyInclusion(m, 0, leaf, proof, root));
      // Wrong leaf, wrong root.
      EXPECT_FALSE(VerifyInclusion(m, n, other, proof, root));
      EXPECT_FALSE(VerifyInclusion(m, n, leaf, proof, Flip(root, m)));
      EXPECT_FALSE(VerifyInclusion(m, n, Flip(leaf, 255 - m), proof, root));
      // A flipped bit in any node.
      for (size_t i = 0; i < proof.size(); ++i) {
        for (size_t bit : {size_t{0}, size_t{7}, size_t{128}, size_t{255}, size_t{m + 8 * i}}) {
          std::vector<Hash> bad = proof;
          bad[i] = Flip(bad[i], bit);
          EXPECT_FALSE(VerifyInclusion(m, n, leaf, bad, root)) << "node " << i << " bit " << bit;
        }
      }
      // Truncated and extended paths.
      for (size_t keep = 0; keep < proof.size(); ++keep) {
        std::vector<Hash> bad(proof.begin(), proof.begin() + static_cast<std::ptrdiff_t>(keep));
        EXPECT_FALSE(VerifyInclusion(m, n, leaf, bad, root)) << "kept " << keep;
      }
      for (const Hash& extra : {other, root, leaf}) {
        std::vector<Hash> longer = proof;
        longer.push_back(extra);
        EXPECT_FALSE(VerifyInclusion(m, n, leaf, longer, root));
        std::vector<Hash> front = proof;
        front.insert(front.begin(), extra);
        EXPECT_FALSE(VerifyInclusion(m, n, leaf, front, root));
      }
      // Two nodes swapped.
      for (size_t i = 0; i + 1 < proof.size(); ++i) {
        if (proof[i] == proof[i + 1]) continue;
        std::vector<Hash> bad = proof;
        std::swap(bad[i], bad[i + 1]);
        EXPECT_FALSE(VerifyInclusion(m, n, leaf, bad, root)) << "swapped " << i;
      }
    }
  }
}

TEST_F(MerkleTreeTest, ConsistencyProofsMatchTheRfcAndVerifyForEveryPair) {
  const MemorySubtrees all = Source(kMaxSize);
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    for (uint64_t m = 1; m <= n; ++m) {
      const auto proof = ConsistencyProof(m, n, all);
      ASSERT_TRUE(proof.ok()) << m << "/" << n;
      ASSERT_EQ(*proof, Subproof(m, leaves_, 0, n, true)) << m << "/" << n;
      EXPECT_TRUE(VerifyConsistency(m, n, Mth(leaves_, 0, m), Mth(leaves_, 0, n), *proof)) << m << "/" << n;
    }
    EXPECT_TRUE(ConsistencyProof(0, n, all).value().empty());
    EXPECT_TRUE(VerifyConsistency(0, n, EmptyRoot(), Mth(leaves_, 0, n), {}));
  }
  EXPECT_EQ(ConsistencyProof(5, 4, all).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(MerkleTreeTest, EveryCorruptedConsistencyProofIsRejected) {
  const MemorySubtrees all = Source(kMaxSize);
  const Hash other = LeafHash("another leaf");
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    const Hash& second_root = roots_[n];
    for (uint64_t m = 1; m < n; ++m) {
      SCOPED_TRACE(std::to_string(m) + "/" + std::to_string(n));
      const Hash& first_root = roots_[m];
      const std::vector<Hash> proof = ConsistencyProof(m, n, all).value();
      // Swapped first and second.
      EXPECT_FALSE(VerifyConsistency(n, m, second_root, first_root, proof));
      EXPECT_FALSE(VerifyConsistency(m, n, second_root, first_root, proof));
      // Wrong sizes, each with the true root of that size: accepted only where the RFC's
      // definition gives that very proof.
      for (uint64_t wm = 0; wm <= n + 1; ++wm) {
        if (wm == m) continue;
        if (VerifyConsistency(wm, n, roots_[wm], second_root, proof)) {
          EXPECT_TRUE(wm >= 1 && wm < n && Subproof(wm, leaves_, 0, n, true) == proof) << "first " << wm;
        }
      }
      for (uint64_t wn = 1; wn <= kMaxSize; ++wn) {
        if (wn == n) continue;
        if (VerifyConsistency(m, wn, first_root, roots_[wn], proof)) {
          EXPECT_TRUE(wn > m && Subproof(m, leaves_, 0, wn, true) == proof) << "second " << wn;
        }
      }
      // Wrong roots.
      EXPECT_FALSE(VerifyConsistency(m, n, Flip(first_root, n), second_root, proof));
      EXPECT_FALSE(VerifyConsistency(m, n, first_root, Flip(second_root, m), proof));
      // A flipped bit in any node.
      for (size_t i = 0; i < proof.size(); ++i) {
        for (size_t bit : {size_t{0}, size_t{7}, size_t{128}, size_t{255}, size_t{m + 8 * i}}) {
          std::vector<Hash> bad = proof;
          bad[i] = Flip(bad[i], bit);
          EXPECT_FALSE(VerifyConsistency(m, n, first_root, second_root, bad)) << "node " << i << " bit " << bit;
        }
      }
      // Truncated and extended proofs.
      for (size_t keep = 0; keep < proof.size(); ++keep) {
        std::vector<Hash> bad(proof.begin(), proof.begin() + static_cast<std::ptrdiff_t>(keep));
        EXPECT_FALSE(VerifyConsistency(m, n, first_root, second_root, bad)) << "kept " << keep;
      }
      for (const Hash& extra : {other, first_root, second_root}) {
        std::vector<Hash> longer = proof;
        longer.push_back(extra);
        EXPECT_FALSE(VerifyConsistency(m, n, first_root, second_root, longer));
        std::vector<Hash> front = proof;
        front.insert(front.begin(), extra);
        EXPECT_FALSE(VerifyConsistency(m, n, first_root, second_root, front));
      }
      // Two nodes swapped.
      for (size_t i = 0; i + 1 < proof.size(); ++i) {
        if (proof[i] == proof[i + 1]) continue;
        std::vector<Hash> bad = proof;
        std::swap(bad[i], bad[i + 1]);
        EXPECT_FALSE(VerifyConsistency(m, n, first_root, second_root, bad)) << "swapped " << i;
      }
    }
    // Equal sizes: only an empty proof and equal roots.
    EXPECT_TRUE(VerifyConsistency(n, n, second_root, second_root, {}));
    EXPECT_FALSE(VerifyConsistency(n, n, second_root, Flip(second_root, 3), {}));
    EXPECT_FALSE(VerifyConsistency(n, n, second_root, second_root, {other}));
  }
}

TEST_F(MerkleTreeTest, KnownAnswerForOneAndTwoLeaves) {
  // SHA-256 of the single byte 0x00: the hash of the empty leaf (RFC 9162 2.1.1).
  const Hash empty_leaf = LeafHash("");
  static constexpr uint8_t kExpected[] = {0x6e, 0x34, 0x0b, 0x9c, 0xff, 0xb3, 0x7a, 0x98, 0x9c, 0xa5, 0x44,
                                          0xe6, 0xbb, 0x78, 0x0a, 0x2c, 0x78, 0x90, 0x1d, 0x3f, 0xb3, 0x37,
                                          0x38, 0x76, 0x85, 0x11, 0xa3, 0x06, 0x17, 0xaf, 0xa0, 0x1d};
  EXPECT_TRUE(std::equal(empty_leaf.begin(), empty_leaf.end(), std::begin(kExpected)));
  // SHA-256 of the empty string.
  EXPECT_EQ(EmptyRoot()[0], 0xe3);
  EXPECT_EQ(EmptyRoot()[31], 0x55);
}

TEST_F(MerkleTreeTest, ACacheFromAHigherLevelGivesTheSameProofs) {
  // Levels below 3 recomputed from the leaves: what the benchmark at 10,000,000 leaves uses.
  MemorySubtrees sparse(3, [&](uint64_t i) { return LeafHash(leaves_[i]); });
  for (uint64_t i = 0; i < kMaxSize; ++i) sparse.Append(LeafHash(leaves_[i]));
  const MemorySubtrees all = Source(kMaxSize);
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    EXPECT_EQ(RootHash(n, sparse).value(), Mth(leaves_, 0, n));
    for (uint64_t m = 0; m < n; ++m) EXPECT_EQ(InclusionProof(m, n, sparse).value(), InclusionProof(m, n, all).value());
    for (uint64_t m = 1; m <= n; ++m) {
      EXPECT_EQ(ConsistencyProof(m, n, sparse).value(), ConsistencyProof(m, n, all).value());
    }
  }
  EXPECT_EQ(sparse.Subtree(0, kMaxSize).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(sparse.Subtree(7, 0).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace tongban::crypto::merkle
