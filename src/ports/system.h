// Ports to the world outside the domain: time, randomness, password hashing.
// Thread-safety: implementations must be safe to call from every request thread.
#pragma once

#include <string>
#include <string_view>

#include "common/time.h"

namespace tongban::ports {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  // A new unique id: 26 characters, Crockford base32, time-ordered (ULID).
  virtual std::string NewId() = 0;
  // A new secret token for sessions and CSRF: 32 random bytes, base64url without padding.
  virtual std::string NewToken() = 0;
};

class Hasher {
 public:
  virtual ~Hasher() = default;
  // An argon2id encoded hash of `password` (libsodium's crypto_pwhash_str format).
  virtual std::string HashPassword(std::string_view password) = 0;
  // True when `password` matches `encoded`.
  virtual bool VerifyPassword(std::string_view password, const std::string& encoded) = 0;
  // SHA-256 of `data` as lower-case hex.
  virtual std::string Sha256Hex(std::string_view data) = 0;
};

}  // namespace tongban::ports
