// The access log's tree over C2SP tlog-tiles kept in the database: TileSubtrees answers
// merkle::SubtreeSource from the hash tiles (tile (L, N) holds the hashes of the level-8L subtrees
// N*256 ... N*256+w-1; a full tile also keeps the 255 node hashes above them, so a subtree of
// level 8L+r is read from it; only the right edge's partial tile is folded from 2^r hashes, r < 8),
// loading each tile once per use; TileLogTree is ports::LogTree over it, appending at the right edge.
// Thread-safety: TileLogTree is stateless; a TileSubtrees belongs to one thread.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "crypto/merkle.h"
#include "ports/log_tree.h"

namespace tongban::crypto {

class TileSubtrees final : public merkle::SubtreeSource {
 public:
  explicit TileSubtrees(ports::AccessLogRepository& repo) : repo_(repo) {}
  Result<merkle::Hash> Subtree(int level, uint64_t index) const override;
  // The tile's hashes, loaded once (a missing tile reads as empty).
  Result<const std::string*> Tile(int level, uint64_t index) const;
  // Replaces the cached tile (after the caller stored it).
  void Remember(int level, uint64_t index, std::string hashes) { cache_[{level, index}] = std::move(hashes); }

 private:
  ports::AccessLogRepository& repo_;
  mutable std::map<std::pair<int, uint64_t>, std::string> cache_;
};

class TileLogTree final : public ports::LogTree {
 public:
  std::string LeafHash(std::string_view leaf) const override;
  Result<std::string> Append(ports::AccessLogRepository& repo, uint64_t size,
                             const std::vector<std::string>& leaf_hashes) const override;
  Result<std::string> RootHash(ports::AccessLogRepository& repo, uint64_t size) const override;
  Result<std::vector<std::string>> InclusionProof(ports::AccessLogRepository& repo, uint64_t index,
                                                  uint64_t size) const override;
  Result<std::vector<std::string>> ConsistencyProof(ports::AccessLogRepository& repo, uint64_t first,
                                                    uint64_t second) const override;
  bool VerifyInclusion(uint64_t index, uint64_t size, const std::string& leaf_hash,
                       const std::vector<std::string>& path, const std::string& root) const override;
  std::string Base64(std::string_view bytes) const override;
};

}  // namespace tongban::crypto
