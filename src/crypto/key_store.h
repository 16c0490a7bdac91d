// SealedKeyStore: the platform's one key store (ports/key_store.h). Ed25519 keys (libsodium), a
// kid per key (its RFC 7638 thumbprint), private keys sealed with crypto_secretbox under a 32-byte
// key-encryption key (KEK) before they reach the database, so the database holds no private key
// in clear, and several servers with the same KEK share every key through the database. The
// server keeps no key state of its own beyond short caches: public keys for verification, and the
// unsealed secret of a key it signed with (keyed by its kid and sealed bytes, so a rotation or a
// changed row is read anew: the database stays the one authority on which key is active).
// The KEK itself comes from keys.dir (app/key_encryption_key.h); it is never logged or stored.
// Thread-safety: every method is safe to call from every thread.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "ports/key_store.h"
#include "ports/store.h"
#include "ports/system.h"

namespace tongban::crypto {

inline constexpr size_t kKeyEncryptionKeyBytes = 32;

// A short public name of a KEK (base64url of 12 bytes of a SHA-256 over it): stored with each
// sealed key so that a server with another KEK says so instead of failing obscurely.
std::string KeyEncryptionKeyId(std::string_view kek);

class SealedKeyStore final : public ports::KeyStore {
 public:
  // kInvalidArgument unless `kek` has kKeyEncryptionKeyBytes bytes. `store` and `clock` must
  // outlive the key store. Public keys are cached for `cache_for` after they are read.
  static Result<std::unique_ptr<SealedKeyStore>> Create(ports::Store& store, const ports::Clock& clock,
                                                        std::string kek,
                                                        std::chrono::seconds cache_for = std::chrono::minutes(5));
  ~SealedKeyStore() override;
  SealedKeyStore(const SealedKeyStore&) = delete;
  SealedKeyStore& operator=(const SealedKeyStore&) = delete;

  Result<ports::PublicSigningKey> Rotate(const ports::KeyOwner& owner) override;
  Result<bool> EnsureKey(const ports::KeyOwner& owner) override;
  Result<std::string> Sign(ports::Transaction& tx, const ports::KeyOwner& owner, std::string_view payload,
                           std::string_view typ) override;
  Result<std::string> Sign(const ports::KeyOwner& owner, std::string_view payload, std::string_view typ) override;
  Result<std::string> SignWithKey(const ports::KeyOwner& owner, const std::string& kid, std::string_view payload,
                                  std::string_view typ) override;
  Result<ports::VerifiedToken> Verify(std::string_view token) override;
  Result<std::vector<ports::PublicSigningKey>> PublicKeys() override;

 private:
  SealedKeyStore(ports::Store& store, const ports::Clock& clock, std::string kek, std::chrono::seconds cache_for);
  // A new key for `owner`, sealed, as a row ready to insert (state active).
  ports::SigningKeyRow NewKey(const ports::KeyOwner& owner) const;
  // The 64-byte secret key of `row`; kInternal when it does not unseal under this KEK.
  Result<std::string> Unseal(const ports::SigningKeyRow& row) const;

  ports::Store& store_;
  const ports::Clock& clock_;
  std::string kek_;
  std::string kek_id_;
  const std::chrono::seconds cache_for_;

  struct Cached {
    ports::KeyOwner owner;
    std::string raw;  // the 32-byte public key
    Timestamp until;
  };
  Result<Cached> CachedPublicKey(const std::string& kid);
  std::mutex mutex_;
  std::map<std::string, Cached, std::less<>> cache_;

  // Unsealing derives the key pair from its seed (an Ed25519 scalar multiplication, as costly as a
  // signature): a signer reuses it for cache_for_ while the stored row is unchanged.
  struct CachedSecret {
    std::string sealed;  // the row's sealed_secret it was unsealed from
    std::string secret;  // the 64-byte secret key
    Timestamp until;
  };
  Result<std::string> SecretFor(const ports::SigningKeyRow& row);
  void WipeSecrets();  // callers hold mutex_
  std::map<std::string, CachedSecret, std::less<>> secrets_;
};

// Whether `code` may name a key owner: 1..64 of a-z, 0-9, '-', '_'.
bool IsValidKeyOwnerCode(std::string_view code);

}  // namespace tongban::crypto
