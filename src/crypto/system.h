// The system implementations of the ports in ports/system.h: the real clock, libsodium random
// ids and tokens, argon2id password hashing, OpenSSL SHA-256.
// Thread-safety: every class here is safe to use from every thread.
#pragma once

#include <optional>
#include <string>

#include "ports/system.h"

namespace tongban::crypto {

// Initialises libsodium; call once at start before any other function here. False on failure.
bool InitCrypto();

class SystemClock final : public ports::Clock {
 public:
  Timestamp Now() const override;
};

class SodiumIdGenerator final : public ports::IdGenerator {
 public:
  std::string NewId() override;
  std::string NewToken() override;
};

class SodiumHasher final : public ports::Hasher {
 public:
  // `interactive` picks libsodium's interactive argon2id limits (for logins); the moderate limits
  // are stronger but take ~0.5 s per hash. At most one hash or verification per core runs at a
  // time in the process (each holds 64 or 256 MiB); further callers wait.
  explicit SodiumHasher(bool interactive = true) : interactive_(interactive) {}
  std::string HashPassword(std::string_view password) override;
  bool VerifyPassword(std::string_view password, const std::string& encoded) override;
  std::string Sha256Hex(std::string_view data) override;

 private:
  bool interactive_;
};

// SHA-256 of `data` as lower-case hex.
std::string Sha256Hex(std::string_view data);
// Base64url without padding (RFC 4648 section 5): the one encoder and decoder of the code base.
std::string Base64UrlEncode(std::string_view data);
// The bytes of unpadded base64url `text`; nullopt for padding, whitespace, a character outside the
// alphabet, an impossible length or non-zero unused bits (so each byte string has one encoding).
std::optional<std::string> Base64UrlDecode(std::string_view text);
// `size` random bytes (libsodium).
std::string RandomBytes(size_t size);

}  // namespace tongban::crypto
