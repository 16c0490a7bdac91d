// The Merkle tree of RFC 9162 (Certificate Transparency 2.0), section 2.1, as pure functions:
// leaf hash SHA-256(0x00 || leaf), node hash SHA-256(0x01 || left || right), the tree head MTH,
// inclusion and consistency proofs (generation per 2.1.3.1 / 2.1.4.1, verification per
// 2.1.3.2 / 2.1.4.2). Generation never needs all leaves: it asks a SubtreeSource for the hashes
// of O(log n) complete subtrees, so a tile store (C2SP tlog-tiles) can back it; MemorySubtrees
// is the in-memory source for tests and benchmarks.
// Thread-safety: the functions are pure; a SubtreeSource is used from one thread at a time unless
// its implementation says otherwise (MemorySubtrees: concurrent reads are safe, Append is not).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace tongban::crypto::merkle {

using Hash = std::array<uint8_t, 32>;

// SHA-256(0x00 || leaf).
Hash LeafHash(std::string_view leaf);
// SHA-256(0x01 || left || right).
Hash NodeHash(const Hash& left, const Hash& right);
// MTH({}) = SHA-256 of the empty string.
Hash EmptyRoot();

// The hashes of complete subtrees of an append-only tree: Subtree(level, index) is the MTH of
// the 2^level leaves starting at leaf index * 2^level. Callers only ask for subtrees that lie
// wholly inside the tree size they prove against, so an append-only store answers each the same
// way forever. kNotFound (or kUnavailable from a store) when the subtree is not held.
class SubtreeSource {
 public:
  virtual ~SubtreeSource() = default;
  virtual Result<Hash> Subtree(int level, uint64_t index) const = 0;
};

// MTH(D[0:size]). kInvalidArgument never; errors are the source's.
Result<Hash> RootHash(uint64_t size, const SubtreeSource& source);
// PATH(index, D[0:size]) (RFC 9162 2.1.3.1), nearest the leaf first. kInvalidArgument unless
// index < size.
Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size, const SubtreeSource& source);
// PROOF(first, D[0:second]) (RFC 9162 2.1.4.1). Empty when first == second or first == 0 (every
// tree extends the empty tree). kInvalidArgument when first > second.
Result<std::vector<Hash>> ConsistencyProof(uint64_t first, uint64_t second, const SubtreeSource& source);

// RFC 9162 2.1.3.2: true only when `proof` proves that `leaf_hash` is leaf `index` of the tree of
// `size` leaves whose root is `root`.
bool VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash, const std::vector<Hash>& proof,
                     const Hash& root);
// RFC 9162 2.1.4.2: true only when `proof` proves that the tree of `first` leaves with root
// `first_root` is a prefix of the tree of `second` leaves with root `second_root`. For
// first == second the proof must be empty and the roots equal; for first == 0 it must be empty.
bool VerifyConsistency(uint64_t first, uint64_t second, const Hash& first_root, const Hash& second_root,
                       const std::vector<Hash>& proof);

// An in-memory SubtreeSource over an append-only list of leaves. It keeps the hashes of every
// complete subtree at levels >= lowest_cached_level; below that level it recomputes subtrees
// from `leaf_hash(i)` (at most 2^lowest_cached_level leaf hashes per call). With level 0 it holds
// every leaf hash itself and needs no callback.
class MemorySubtrees final : public SubtreeSource {
 public:
  using LeafHashFn = std::function<Hash(uint64_t index)>;
  MemorySubtrees() = default;
  MemorySubtrees(int lowest_cached_level, LeafHashFn leaf_hash);

  // Appends the leaf whose hash is `leaf_hash` (leaf `size()` before the call).
  void Append(const Hash& leaf_hash);
  uint64_t size() const { return size_; }
  Result<Hash> Subtree(int level, uint64_t index) const override;

 private:
  Hash Compute(int level, uint64_t index) const;

  int lowest_ = 0;
  LeafHashFn leaf_hash_;
  uint64_t size_ = 0;
  // levels_[l - lowest_][i]: subtree (l, i); pending_[l]: a left sibling waiting for its right one.
  std::vector<std::vector<Hash>> levels_;
  std::vector<Hash> pending_;
  std::vector<bool> has_pending_;
};

}  // namespace tongban::crypto::merkle
