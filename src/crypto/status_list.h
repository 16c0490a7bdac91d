// The W3C Bitstring Status List codec (https://www.w3.org/TR/vc-bitstring-status-list/): the
// bitstring of a status list credential and its "encodedList" form, "u" (multibase base64url)
// + base64url without padding of the GZIP of the bytes. Bit i is byte i/8, bit 7-(i%8): the
// leftmost bit of the first byte is index 0, as the specification says.
// `lic` builds and signs the lists (licence-format.md section 3); `verify` decodes them.
// Thread-safety: Bitstring is a plain value type; the functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace tongban::crypto {

// The specification's minimum size (16 KiB), so that a list does not reveal how few are issued.
inline constexpr size_t kStatusListBits = 131072;
// The largest bitstring DecodeStatusList accepts (16 Mi entries, 2 MiB): a gzip bomb stops there.
inline constexpr size_t kMaxStatusListBytes = size_t{2} << 20;

class Bitstring {
 public:
  // `bits` entries, all 0; rounded up to whole bytes.
  explicit Bitstring(size_t bits = kStatusListBits) : bytes_((bits + 7) / 8, 0) {}
  // A bitstring over decoded bytes (8 entries a byte).
  static Bitstring FromBytes(std::vector<uint8_t> bytes);
  // The bit at `index`; false for an index at or beyond size() (callers check the range first
  // when that matters, as verification does).
  bool Get(size_t index) const;
  // Sets the bit at `index`; an index at or beyond size() changes nothing.
  void Set(size_t index, bool value);
  // The number of entries (8 times the bytes).
  size_t size() const { return bytes_.size() * 8; }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

// "u" + base64url (no padding) of the GZIP (RFC 1952) of the bytes. Deterministic: the same
// bitstring always gives the same text.
std::string EncodeStatusList(const Bitstring& bits);

// The bitstring of an encodedList. kInvalidArgument with:
//   error.status_list.encoding   it does not start with "u" (the only multibase the spec allows);
//   error.status_list.base64     the rest is not unpadded canonical base64url;
//   error.status_list.gzip       not a single well-formed GZIP member (bad header, bad data, a
//                                 wrong CRC or length, trailing bytes);
//   error.status_list.too_short  fewer than kStatusListBits entries;
//   error.status_list.too_large  more than kMaxStatusListBytes once inflated (inflation stops
//                                 there, so a gzip bomb costs at most that much memory).
Result<Bitstring> DecodeStatusList(std::string_view encoded);

}  // namespace tongban::crypto
