#include "crypto/status_list.h"

#include <zlib.h>

#include <array>
#include <utility>

#include "crypto/system.h"

namespace tongban::crypto {
namespace {

Error Bad(const char* key) { return MakeError(ErrorCode::kInvalidArgument, key); }

// The GZIP of `data`, at the best compression (lists are mostly zeros).
std::string Gzip(const std::vector<uint8_t>& data) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip wrapper with a zero mtime and no name, so the output is stable.
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())) + 32, '\0');
  zs.next_in = const_cast<Bytef*>(data.data());
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return {};
  return out;
}

}  // namespace

Bitstring Bitstring::FromBytes(std::vector<uint8_t> bytes) {
  Bitstring bits(0);
  bits.bytes_ = std::move(bytes);
  return bits;
}

bool Bitstring::Get(size_t index) const {
  if (index >= size()) return false;
  return (bytes_[index / 8] >> (7 - index % 8)) & 1;
}

void Bitstring::Set(size_t index, bool value) {
  if (index >= size()) return;
  const auto mask = static_cast<uint8_t>(1u << (7 - index % 8));
  if (value) {
    bytes_[index / 8] |= mask;
  } else {
    bytes_[index / 8] &= static_cast<uint8_t>(~mask);
  }
}

std::string EncodeStatusList(const Bitstring& bits) { return "u" + Base64UrlEncode(Gzip(bits.bytes())); }

Result<Bitstring> DecodeStatusList(std::string_view encoded) {
  if (encoded.empty() || encoded.front() != 'u') return Bad("error.status_list.encoding");
  // A compressed list is never larger than the largest bitstring (gzip adds a few bytes): refuse
  // oversized text before decoding it.
  if (encoded.size() > kMaxStatusListBytes * 2) return Bad("error.status_list.too_large");
  const auto compressed = Base64UrlDecode(encoded.substr(1));
  if (!compressed || compressed->empty()) return Bad("error.status_list.base64");

  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return MakeError(ErrorCode::kInternal, "zlib inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed->data()));
  zs.avail_in = static_cast<uInt>(compressed->size());
  std::vector<uint8_t> out;
  std::array<uint8_t, 16384> chunk{};
  int rc = Z_OK;
  bool too_large = false;
  while (rc == Z_OK) {
    zs.next_out = chunk.data();
    zs.avail_out = static_cast<uInt>(chunk.size());
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    const size_t produced = chunk.size() - zs.avail_out;
    if (out.size() + produced > kMaxStatusListBytes) {
      too_large = true;
      break;
    }
    out.insert(out.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(produced));
    // Z_OK with no progress and no input left: a truncated stream.
    if (rc == Z_OK && produced == 0 && zs.avail_in == 0) {
      rc = Z_DATA_ERROR;
      break;
    }
  }
  const bool trailing = rc == Z_STREAM_END && zs.avail_in != 0;
  inflateEnd(&zs);
  if (too_large) return Bad("error.status_list.too_large");
  if (rc != Z_STREAM_END || trailing) return Bad("error.status_list.gzip");
  if (out.size() * 8 < kStatusListBits) return Bad("error.status_list.too_short");
  return Bitstring::FromBytes(std::move(out));
}

}  // namespace tongban::crypto
