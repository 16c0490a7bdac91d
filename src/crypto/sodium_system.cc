#include <openssl/sha.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "crypto/system.h"

namespace tongban::crypto {
namespace {

// At most one argon2id computation per core at a time in the process. Each takes 64 MiB
// (interactive) or 256 MiB (moderate) for its whole run and is pure CPU, so more at once gain no
// throughput; without this bound the memory taken would grow with worker_threads.
class HashSlots {
 public:
  HashSlots() : free_(static_cast<int>(std::max(2u, std::thread::hardware_concurrency()))) {}
  void Take() {
    std::unique_lock lock(mutex_);
    freed_.wait(lock, [&] { return free_ > 0; });
    --free_;
  }
  void Give() {
    {
      std::lock_guard lock(mutex_);
      ++free_;
    }
    freed_.notify_one();
  }

 private:
  std::mutex mutex_;
  std::condition_variable freed_;
  int free_;
};

HashSlots& Slots() {
  static HashSlots slots;
  return slots;
}

// Holds one of the slots for its lifetime.
class HashSlot {
 public:
  HashSlot() { Slots().Take(); }
  ~HashSlot() { Slots().Give(); }
  HashSlot(const HashSlot&) = delete;
  HashSlot& operator=(const HashSlot&) = delete;
};

}  // namespace

bool InitCrypto() { return sodium_init() >= 0; }

Timestamp SystemClock::Now() const {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string SodiumIdGenerator::NewId() {
  // ULID: 48-bit milliseconds then 80 random bits, Crockford base32, so ids sort by time and
  // keyset pagination by id is pagination by creation time.
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const uint64_t ms = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  std::array<unsigned char, 16> bytes{};
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  randombytes_buf(bytes.data() + 6, 10);
  std::string out(26, '0');
  // 128 bits into 26 groups of 5 bits, the first group holding the top 3 bits.
  unsigned __int128 v = 0;
  for (unsigned char b : bytes) v = (v << 8) | b;
  for (int i = 25; i >= 0; --i) {
    out[i] = kAlphabet[static_cast<unsigned>(v & 31)];
    v >>= 5;
  }
  return out;
}

std::string SodiumIdGenerator::NewToken() {
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string SodiumHasher::HashPassword(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  const auto ops = interactive_ ? crypto_pwhash_OPSLIMIT_INTERACTIVE : crypto_pwhash_OPSLIMIT_MODERATE;
  const auto mem = interactive_ ? crypto_pwhash_MEMLIMIT_INTERACTIVE : crypto_pwhash_MEMLIMIT_MODERATE;
  HashSlot slot;
  if (crypto_pwhash_str(out, password.data(), password.size(), ops, mem) != 0) {
    throw std::runtime_error("argon2id: out of memory");
  }
  return out;
}

bool SodiumHasher::VerifyPassword(std::string_view password, const std::string& encoded) {
  HashSlot slot;
  return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

std::string SodiumHasher::Sha256Hex(std::string_view data) { return crypto::Sha256Hex(data); }

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * SHA256_DIGEST_LENGTH, '0');
  for (int i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 15];
  }
  return out;
}

std::string Base64UrlEncode(std::string_view data) {
  std::string out(sodium_base64_encoded_len(data.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  std::string out(text.size() * 3 / 4 + 1, '\0');
  size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        /*ignore=*/nullptr, &length, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

std::string RandomBytes(size_t size) {
  std::string out(size, '\0');
  randombytes_buf(out.data(), out.size());
  return out;
}

}  // namespace tongban::crypto
