// The rows of the platform's one key store (crypto/key_store.h): every Ed25519 key Tongban signs
// with, its owner, its public key and its private key sealed under the key-encryption key. The
// repository never sees a private key in clear.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"

namespace tongban::ports {

// Who signs with a key: a department that issues licences, or a platform purpose.
enum class KeyOwnerKind { kIssuer, kPurpose };

struct KeyOwner {
  KeyOwnerKind kind = KeyOwnerKind::kPurpose;
  std::string code;  // a department code (issuer) or a purpose: log, identity, trust_list, federation
  bool operator==(const KeyOwner&) const = default;
};

inline const char* KeyOwnerKindName(KeyOwnerKind kind) { return kind == KeyOwnerKind::kIssuer ? "issuer" : "purpose"; }
inline std::optional<KeyOwnerKind> ParseKeyOwnerKind(const std::string& name) {
  if (name == "issuer") return KeyOwnerKind::kIssuer;
  if (name == "purpose") return KeyOwnerKind::kPurpose;
  return std::nullopt;
}

// At most this many keys per page of ListSigningKeys.
inline constexpr int kMaxSigningKeysPage = 500;

enum class SigningKeyState { kActive, kRetired };

struct SigningKeyRow {
  std::string kid;            // RFC 7638 thumbprint of the public key
  KeyOwner owner;
  std::string public_key;     // base64url, 32 bytes
  std::string sealed_secret;  // base64url of nonce || crypto_secretbox(seed)
  std::string kek_id;         // which key-encryption key sealed it (crypto/key_store.h)
  SigningKeyState state = SigningKeyState::kActive;
  Timestamp created_at{};
  std::optional<Timestamp> retired_at;
};

class KeyRepository {
 public:
  virtual ~KeyRepository() = default;
  // Stores a new key. kConflict when the kid exists, or when `key` is active and its owner
  // already has an active key (another server rotated at the same moment); nothing is stored.
  virtual Status InsertSigningKey(const SigningKeyRow& key) = 0;
  // Marks the owner's active key retired (it stays for verification); answers how many changed.
  virtual Result<int64_t> RetireActiveSigningKey(const KeyOwner& owner, Timestamp at) = 0;
  // The owner's active key; kNotFound (error.keys.no_active_key) when it has none.
  virtual Result<SigningKeyRow> GetActiveSigningKey(const KeyOwner& owner) = 0;
  // The key `kid`, active or retired; kNotFound (error.keys.unknown_kid).
  virtual Result<SigningKeyRow> GetSigningKey(const std::string& kid) = 0;
  // Keys after `after_kid` (empty: from the first) in kid order, at most `limit`
  // (1..kMaxSigningKeysPage).
  virtual Result<std::vector<SigningKeyRow>> ListSigningKeys(const std::string& after_kid, int limit) = 0;
};

}  // namespace tongban::ports
