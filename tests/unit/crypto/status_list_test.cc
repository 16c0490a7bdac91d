// The W3C Bitstring Status List codec: bit order at the edges, round trips, and every refusal.
#include "crypto/status_list.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "crypto/system.h"

namespace tongban::crypto {
namespace {

// The raw GZIP of `data` (for hand-made bad inputs).
std::string GzipOf(const std::string& data) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Code(std::string_view encoded) {
  const auto decoded = DecodeStatusList(encoded);
  return decoded.ok() ? "ok" : decoded.error().message;
}

TEST(StatusListTest, EmptyListHasTheMinimumSize) {
  const Bitstring bits;
  EXPECT_EQ(bits.size(), kStatusListBits);
  EXPECT_EQ(bits.bytes().size(), 16384u);
  for (size_t i : {size_t{0}, size_t{7}, size_t{8}, size_t{131071}}) EXPECT_FALSE(bits.Get(i));
}

// Bit i is byte i/8, bit 7-(i%8): the leftmost bit first, as the specification says.
TEST(StatusListTest, IndexesZeroSevenEightAndLastAreTheSpecificationsBits) {
  struct Case {
    size_t index;
    size_t byte;
    uint8_t value;
  };
  for (const Case& c : {Case{0, 0, 0x80}, Case{7, 0, 0x01}, Case{8, 1, 0x80}, Case{131071, 16383, 0x01}}) {
    Bitstring bits;
    bits.Set(c.index, true);
    EXPECT_EQ(bits.bytes()[c.byte], c.value) << c.index;
    EXPECT_TRUE(bits.Get(c.index));
    size_t set = 0;
    for (uint8_t b : bits.bytes()) set += static_cast<size_t>(__builtin_popcount(b));
    EXPECT_EQ(set, 1u) << c.index;
    const auto decoded = DecodeStatusList(EncodeStatusList(bits));
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_TRUE(decoded->Get(c.index)) << c.index;
    EXPECT_EQ(decoded->bytes(), bits.bytes());
    bits.Set(c.index, false);
    EXPECT_FALSE(bits.Get(c.index));
  }
}

TEST(StatusListTest, RoundTripOfManyBits) {
  Bitstring bits;
  for (size_t i = 3; i < bits.size(); i += 977) bits.Set(i, true);
  const std::string encoded = EncodeStatusList(bits);
  EXPECT_EQ(encoded.front(), 'u');
  EXPECT_EQ(encoded, EncodeStatusList(bits));  // deterministic
  const auto decoded = DecodeStatusList(encoded);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->bytes(), bits.bytes());
  EXPECT_EQ(decoded->size(), kStatusListBits);
}

// The example of the W3C specification (section 2.1): an empty 16 KiB list, as any gzip
// implementation would write it, decodes to all zeros.
TEST(StatusListTest, DecodesAListCompressedElsewhere) {
  const std::string zeros(16384, '\0');
  const auto decoded = DecodeStatusList("u" + Base64UrlEncode(GzipOf(zeros)));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->size(), kStatusListBits);
  EXPECT_FALSE(decoded->Get(0));
}

TEST(StatusListTest, OutOfRangeIsFalseAndIgnored) {
  Bitstring bits;
  bits.Set(kStatusListBits, true);
  EXPECT_FALSE(bits.Get(kStatusListBits));
  EXPECT_EQ(EncodeStatusList(bits), EncodeStatusList(Bitstring()));
}

TEST(StatusListTest, RefusesBadInput) {
  const std::string good = EncodeStatusList(Bitstring());
  EXPECT_EQ(Code(""), "error.status_list.encoding");
  EXPECT_EQ(Code("z" + good.substr(1)), "error.status_list.encoding");  // base58btc multibase
  EXPECT_EQ(Code(good.substr(1)), "error.status_list.encoding");
  EXPECT_EQ(Code("u"), "error.status_list.base64");
  EXPECT_EQ(Code("u" + good.substr(1) + "="), "error.status_list.base64");
  EXPECT_EQ(Code("uH4sI+AAA"), "error.status_list.base64");
  EXPECT_EQ(Code("u" + Base64UrlEncode("not gzip at all")), "error.status_list.gzip");
  // A zlib (not gzip) stream of the same bytes.
  std::string zlib_stream(compressBound(16384), '\0');
  uLongf len = zlib_stream.size();
  const std::string zeros(16384, '\0');
  ASSERT_EQ(compress(reinterpret_cast<Bytef*>(zlib_stream.data()), &len, reinterpret_cast<const Bytef*>(zeros.data()),
                     zeros.size()),
            Z_OK);
  zlib_stream.resize(len);
  EXPECT_EQ(Code("u" + Base64UrlEncode(zlib_stream)), "error.status_list.gzip");
  // Truncated, a flipped CRC, trailing bytes.
  const std::string gz = GzipOf(zeros);
  EXPECT_EQ(Code("u" + Base64UrlEncode(gz.substr(0, gz.size() - 6))), "error.status_list.gzip");
  std::string bad_crc = gz;
  bad_crc[bad_crc.size() - 8] ^= 0x01;
  EXPECT_EQ(Code("u" + Base64UrlEncode(bad_crc)), "error.status_list.gzip");
  EXPECT_EQ(Code("u" + Base64UrlEncode(gz + "x")), "error.status_list.gzip");
  // Too short: fewer than 131,072 entries.
  EXPECT_EQ(Code("u" + Base64UrlEncode(GzipOf(std::string(16383, '\0')))), "error.status_list.too_short");
  EXPECT_EQ(Code("u" + Base64UrlEncode(GzipOf(""))), "error.status_list.too_short");
}

// 64 KiB of gzip that inflate to 64 MiB: decoding stops at the bound instead of allocating it.
TEST(StatusListTest, GzipBombIsBounded) {
  z_stream zs{};
  ASSERT_EQ(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out;
  std::vector<unsigned char> zeros(1 << 20, 0);
  std::vector<unsigned char> buf(1 << 16);
  for (int mib = 0; mib < 64; ++mib) {
    zs.next_in = zeros.data();
    zs.avail_in = static_cast<uInt>(zeros.size());
    const int flush = mib == 63 ? Z_FINISH : Z_NO_FLUSH;
    do {
      zs.next_out = buf.data();
      zs.avail_out = static_cast<uInt>(buf.size());
      deflate(&zs, flush);
      out.append(reinterpret_cast<char*>(buf.data()), buf.size() - zs.avail_out);
    } while (zs.avail_out == 0);
  }
  deflateEnd(&zs);
  EXPECT_LT(out.size(), 128u << 10);
  EXPECT_EQ(Code("u" + Base64UrlEncode(out)), "error.status_list.too_large");
  // Just above the bound, too.
  EXPECT_EQ(Code("u" + Base64UrlEncode(GzipOf(std::string(kMaxStatusListBytes + 1, '\0')))),
            "error.status_list.too_large");
  // Exactly the bound is accepted.
  EXPECT_EQ(Code("u" + Base64UrlEncode(GzipOf(std::string(kMaxStatusListBytes, '\0')))), "ok");
}

}  // namespace
}  // namespace tongban::crypto
