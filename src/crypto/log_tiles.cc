#include "crypto/log_tiles.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace tongban::crypto {
namespace {

using merkle::Hash;
using ports::kLogHashBytes;
using ports::kLogTileHeight;
using ports::kLogTileWidth;

Hash HashAt(const std::string& tile, size_t i) {
  Hash h;
  std::memcpy(h.data(), tile.data() + i * kLogHashBytes, kLogHashBytes);
  return h;
}

std::string Bytes(const Hash& h) { return std::string(reinterpret_cast<const char*>(h.data()), h.size()); }

// MTH of `count` (a power of two) consecutive hashes of `tile` starting at `first`.
Hash Fold(const std::string& tile, size_t first, size_t count) {
  std::vector<Hash> row;
  row.reserve(count);
  for (size_t i = 0; i < count; ++i) row.push_back(HashAt(tile, first + i));
  while (row.size() > 1) {
    for (size_t i = 0; i < row.size() / 2; ++i) row[i] = merkle::NodeHash(row[2 * i], row[2 * i + 1]);
    row.resize(row.size() / 2);
  }
  return row.front();
}

// A full tile is stored with its interior: after its 256 hashes come the 255 node hashes above
// them, level by level (128 of height 1, 64 of height 2, ..., the tile's root last), so that a
// proof reads the subtrees it needs instead of folding them.
constexpr size_t kFullTileHashes = 2 * kLogTileWidth - 1;

// Node j of height r (1..8) inside a full tile: its position among the tile's 511 hashes.
size_t InteriorPosition(int r, uint64_t j) { return 2 * kLogTileWidth - (2 * kLogTileWidth >> r) + j; }

// A full tile of 256 hashes followed by its 255 interior hashes, in the stored order.
std::string WithInterior(const std::string& tile) {
  std::string all = tile;
  all.reserve(kFullTileHashes * kLogHashBytes);
  size_t row = 0;  // the position of the row being paired
  for (size_t width = kLogTileWidth; width > 1; width /= 2) {
    for (size_t i = 0; i < width / 2; ++i) {
      all += Bytes(merkle::NodeHash(HashAt(all, row + 2 * i), HashAt(all, row + 2 * i + 1)));
    }
    row += width;
  }
  return all;
}

std::vector<std::string> ToBytes(const std::vector<Hash>& hashes) {
  std::vector<std::string> out;
  out.reserve(hashes.size());
  for (const auto& h : hashes) out.push_back(Bytes(h));
  return out;
}

}  // namespace

Result<const std::string*> TileSubtrees::Tile(int level, uint64_t index) const {
  const auto key = std::make_pair(level, index);
  if (auto it = cache_.find(key); it != cache_.end()) return &it->second;
  auto loaded = repo_.GetLogTile(level, index);
  if (!loaded.ok() && loaded.error().code != ErrorCode::kNotFound) return loaded.take_error();
  auto [it, inserted] = cache_.emplace(key, loaded.ok() ? std::move(loaded).value() : std::string());
  return &it->second;
}

Result<Hash> TileSubtrees::Subtree(int level, uint64_t index) const {
  const int tile_level = level / kLogTileHeight;
  const int r = level % kLogTileHeight;
  const uint64_t first = index << r;  // the first level-8L hash it folds
  const uint64_t count = uint64_t{1} << r;
  TB_ASSIGN_OR_RETURN(const std::string* tile, Tile(tile_level, first / kLogTileWidth));
  const size_t offset = first % kLogTileWidth;
  if (tile->size() < (offset + count) * kLogHashBytes) {
    return MakeError(ErrorCode::kNotFound, "error.log.missing_tile");
  }
  if (r == 0) return HashAt(*tile, offset);
  if (tile->size() == kFullTileHashes * kLogHashBytes) return HashAt(*tile, InteriorPosition(r, offset >> r));
  return Fold(*tile, offset, count);  // the right edge's partial tile (or a full one stored without interior)
}

std::string TileLogTree::LeafHash(std::string_view leaf) const { return Bytes(merkle::LeafHash(leaf)); }

Result<std::string> TileLogTree::Append(ports::AccessLogRepository& repo, uint64_t size,
                                        const std::vector<std::string>& leaf_hashes) const {
  for (const auto& h : leaf_hashes) {
    if (h.size() != kLogHashBytes) return MakeError(ErrorCode::kInvalidArgument, "error.log.bad_hash");
  }
  TileSubtrees source(repo);
  std::vector<std::string> adds = leaf_hashes;
  for (int level = 0; !adds.empty(); ++level) {
    uint64_t pos = size >> (kLogTileHeight * level);  // hashes this tile level holds now
    std::string tile;
    if (pos % kLogTileWidth != 0) {
      TB_ASSIGN_OR_RETURN(const std::string* partial, source.Tile(level, pos / kLogTileWidth));
      if (partial->size() != (pos % kLogTileWidth) * kLogHashBytes) {
        return MakeError(ErrorCode::kInternal, "the access log's right-edge tile does not match its tree size");
      }
      tile = *partial;
    }
    std::vector<std::string> completed;
    for (const auto& h : adds) {
      tile += h;
      ++pos;
      if (pos % kLogTileWidth == 0) {
        tile = WithInterior(tile);
        completed.push_back(tile.substr(tile.size() - kLogHashBytes));  // the tile's root
        TB_RETURN_IF_ERROR(repo.PutLogTile(level, pos / kLogTileWidth - 1, tile));
        source.Remember(level, pos / kLogTileWidth - 1, std::move(tile));
        tile.clear();
      }
    }
    if (!tile.empty()) {
      TB_RETURN_IF_ERROR(repo.PutLogTile(level, pos / kLogTileWidth, tile));
      source.Remember(level, pos / kLogTileWidth, std::move(tile));
    }
    adds = std::move(completed);
  }
  TB_ASSIGN_OR_RETURN(const Hash root, merkle::RootHash(size + leaf_hashes.size(), source));
  return Bytes(root);
}

Result<std::string> TileLogTree::RootHash(ports::AccessLogRepository& repo, uint64_t size) const {
  TileSubtrees source(repo);
  TB_ASSIGN_OR_RETURN(const Hash root, merkle::RootHash(size, source));
  return Bytes(root);
}

Result<std::vector<std::string>> TileLogTree::InclusionProof(ports::AccessLogRepository& repo, uint64_t index,
                                                             uint64_t size) const {
  if (index >= size) return MakeError(ErrorCode::kInvalidArgument, "error.log.bad_range");
  TileSubtrees source(repo);
  TB_ASSIGN_OR_RETURN(const std::vector<Hash> path, merkle::InclusionProof(index, size, source));
  return ToBytes(path);
}

Result<std::vector<std::string>> TileLogTree::ConsistencyProof(ports::AccessLogRepository& repo, uint64_t first,
                                                               uint64_t second) const {
  if (first > second) return MakeError(ErrorCode::kInvalidArgument, "error.log.bad_range");
  TileSubtrees source(repo);
  TB_ASSIGN_OR_RETURN(const std::vector<Hash> proof, merkle::ConsistencyProof(first, second, source));
  return ToBytes(proof);
}

bool TileLogTree::VerifyInclusion(uint64_t index, uint64_t size, const std::string& leaf_hash,
                                  const std::vector<std::string>& path, const std::string& root) const {
  const auto to_hash = [](const std::string& bytes, Hash& out) {
    if (bytes.size() != kLogHashBytes) return false;
    std::memcpy(out.data(), bytes.data(), kLogHashBytes);
    return true;
  };
  Hash leaf{}, root_hash{};
  if (!to_hash(leaf_hash, leaf) || !to_hash(root, root_hash)) return false;
  std::vector<Hash> hashes(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    if (!to_hash(path[i], hashes[i])) return false;
  }
  return merkle::VerifyInclusion(index, size, leaf, hashes, root_hash);
}

std::string TileLogTree::Base64(std::string_view bytes) const {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace tongban::crypto
