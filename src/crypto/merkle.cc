#include "crypto/merkle.h"

#include <openssl/sha.h>

#include <algorithm>
#include <bit>
#include <string>

namespace tongban::crypto::merkle {
namespace {

// The largest power of two strictly less than n (n >= 2).
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// MTH(D[begin:end]) for 0 < end - begin, where begin is a multiple of the largest power of two
// not above end - begin (true of every range the RFC's recursions reach): the fold of the range's
// complete subtrees, largest first, right to left.
Result<Hash> RangeHash(uint64_t begin, uint64_t end, const SubtreeSource& source) {
  const uint64_t n = end - begin;
  if (std::has_single_bit(n)) {
    const int level = std::countr_zero(n);
    return source.Subtree(level, begin >> level);
  }
  const uint64_t k = SplitPoint(n);
  TB_ASSIGN_OR_RETURN(const Hash left, RangeHash(begin, begin + k, source));
  TB_ASSIGN_OR_RETURN(const Hash right, RangeHash(begin + k, end, source));
  return NodeHash(left, right);
}

}  // namespace

Hash LeafHash(std::string_view leaf) {
  std::string buffer;
  buffer.reserve(leaf.size() + 1);
  buffer.push_back('\0');
  buffer.append(leaf);
  Hash out;
  SHA256(reinterpret_cast<const unsigned char*>(buffer.data()), buffer.size(), out.data());
  return out;
}

Hash NodeHash(const Hash& left, const Hash& right) {
  std::array<unsigned char, 65> buffer;
  buffer[0] = 0x01;
  std::copy(left.begin(), left.end(), buffer.begin() + 1);
  std::copy(right.begin(), right.end(), buffer.begin() + 33);
  Hash out;
  SHA256(buffer.data(), buffer.size(), out.data());
  return out;
}

Hash EmptyRoot() {
  Hash out;
  SHA256(nullptr, 0, out.data());
  return out;
}

Result<Hash> RootHash(uint64_t size, const SubtreeSource& source) {
  if (size == 0) return EmptyRoot();
  return RangeHash(0, size, source);
}

Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size, const SubtreeSource& source) {
  if (index >= size) return MakeError(ErrorCode::kInvalidArgument, "error.merkle.index_out_of_range");
  // PATH(m, D[begin:end]) walked from the root down; the RFC lists the nodes leaf first.
  std::vector<Hash> path;
  uint64_t begin = 0, end = size, m = index;
  while (end - begin > 1) {
    const uint64_t k = SplitPoint(end - begin);
    if (m < k) {
      TB_ASSIGN_OR_RETURN(Hash right, RangeHash(begin + k, end, source));
      path.push_back(right);
      end = begin + k;
    } else {
      TB_ASSIGN_OR_RETURN(Hash left, RangeHash(begin, begin + k, source));
      path.push_back(left);
      begin += k;
      m -= k;
    }
  }
  return std::vector<Hash>(path.rbegin(), path.rend());
}

Result<std::vector<Hash>> ConsistencyProof(uint64_t first, uint64_t second, const SubtreeSource& source) {
  if (first > second) return MakeError(ErrorCode::kInvalidArgument, "error.merkle.first_after_second");
  if (first == 0 || first == second) return std::vector<Hash>{};
  // SUBPROOF(m, D[begin:end], b) walked from the root down, listed leaf side first.
  std::vector<Hash> proof;
  uint64_t begin = 0, end = second, m = first;
  bool whole = true;
  while (m != end - begin) {
    const uint64_t n = end - begin;
    const uint64_t k = SplitPoint(n);
    if (m <= k) {
      TB_ASSIGN_OR_RETURN(Hash right, RangeHash(begin + k, end, source));
      proof.push_back(right);
      end = begin + k;
    } else {
      TB_ASSIGN_OR_RETURN(Hash left, RangeHash(begin, begin + k, source));
      proof.push_back(left);
      begin += k;
      m -= k;
      whole = false;
    }
  }
  if (!whole) {
    TB_ASSIGN_OR_RETURN(Hash node, RangeHash(begin, end, source));
    proof.push_back(node);
  }
  return std::vector<Hash>(proof.rbegin(), proof.rend());
}

bool VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash, const std::vector<Hash>& proof,
                     const Hash& root) {
  if (index >= size) return false;
  uint64_t fn = index, sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      r = NodeHash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool VerifyConsistency(uint64_t first, uint64_t second, const Hash& first_root, const Hash& second_root,
                       const std::vector<Hash>& proof) {
  if (first > second) return false;
  if (first == 0) return proof.empty();
  if (first == second) return proof.empty() && first_root == second_root;
  if (proof.empty()) return false;
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(first)) path.push_back(first_root);
  path.insert(path.end(), proof.begin(), proof.end());
  uint64_t fn = first - 1, sn = second - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == first_root && sr == second_root && sn == 0;
}

MemorySubtrees::MemorySubtrees(int lowest_cached_level, LeafHashFn leaf_hash)
    : lowest_(lowest_cached_level), leaf_hash_(std::move(leaf_hash)) {}

void MemorySubtrees::Append(const Hash& leaf_hash) {
  Hash carry = leaf_hash;
  for (int level = 0;; ++level) {
    if (level >= lowest_) {
      const size_t slot = static_cast<size_t>(level - lowest_);
      if (levels_.size() <= slot) levels_.resize(slot + 1);
      levels_[slot].push_back(carry);
    }
    if (pending_.size() <= static_cast<size_t>(level)) {
      pending_.resize(level + 1);
      has_pending_.resize(level + 1, false);
    }
    if (!has_pending_[level]) {
      pending_[level] = carry;
      has_pending_[level] = true;
      break;
    }
    carry = NodeHash(pending_[level], carry);
    has_pending_[level] = false;
  }
  ++size_;
}

Result<Hash> MemorySubtrees::Subtree(int level, uint64_t index) const {
  if (level < 0 || level > 62 || index >= (size_ >> level)) {
    return MakeError(ErrorCode::kNotFound, "error.merkle.subtree_not_held");
  }
  if (level >= lowest_) return levels_[static_cast<size_t>(level - lowest_)][index];
  if (!leaf_hash_) return MakeError(ErrorCode::kNotFound, "error.merkle.subtree_not_held");
  return Compute(level, index);
}

Hash MemorySubtrees::Compute(int level, uint64_t index) const {
  if (level == 0) return leaf_hash_(index);
  return NodeHash(Compute(level - 1, 2 * index), Compute(level - 1, 2 * index + 1));
}

}  // namespace tongban::crypto::merkle
