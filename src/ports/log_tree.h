// RFC 9162 Merkle tree arithmetic over the access log's tiles (ports/access_log_repository.h), for
// the services, which may not include crypto/: leaf and node hashing, appending to the tiles,
// roots and proofs that read only the O(log n) tiles they need. Implemented by
// crypto::TileLogTree (crypto/log_tiles.h) over crypto/merkle.h.
// Hashes are 32 raw bytes. Thread-safety: implementations are stateless and shared.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ports/access_log_repository.h"

namespace tongban::ports {

class LogTree {
 public:
  virtual ~LogTree() = default;
  // SHA-256(0x00 || leaf).
  virtual std::string LeafHash(std::string_view leaf) const = 0;
  // Appends `leaf_hashes` to the tree of `size` leaves stored in `repo`'s tiles, writing every
  // tile that changed; answers the new root. Errors are the repository's (kNotFound when a tile
  // the right edge needs is missing: the tiles do not hold `size` leaves).
  virtual Result<std::string> Append(AccessLogRepository& repo, uint64_t size,
                                     const std::vector<std::string>& leaf_hashes) const = 0;
  // MTH of the first `size` leaves.
  virtual Result<std::string> RootHash(AccessLogRepository& repo, uint64_t size) const = 0;
  // RFC 9162 2.1.3.1; kInvalidArgument (error.log.bad_range) unless index < size.
  virtual Result<std::vector<std::string>> InclusionProof(AccessLogRepository& repo, uint64_t index,
                                                          uint64_t size) const = 0;
  // RFC 9162 2.1.4.1; kInvalidArgument (error.log.bad_range) when first > second.
  virtual Result<std::vector<std::string>> ConsistencyProof(AccessLogRepository& repo, uint64_t first,
                                                            uint64_t second) const = 0;
  // RFC 9162 2.1.3.2: true only when `path` proves `leaf_hash` is leaf `index` of the tree of
  // `size` leaves with root `root`.
  virtual bool VerifyInclusion(uint64_t index, uint64_t size, const std::string& leaf_hash,
                               const std::vector<std::string>& path, const std::string& root) const = 0;
  // Standard base64 with padding (RFC 4648 section 4), how the log publishes hashes and leaves.
  virtual std::string Base64(std::string_view bytes) const = 0;
};

}  // namespace tongban::ports
