// The signer services use: the platform's one key store of Ed25519 keys (licence issuers, the
// access log, identity codes, the trust list, federation), signing compact JWS (alg EdDSA, kid in
// /.well-known/jwks.json) and verifying them. Implemented by crypto::SealedKeyStore over the
// KeyRepository rows; private keys never leave the implementation.
// Thread-safety: implementations are safe to call from every request thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "ports/key_repository.h"

namespace tongban::ports {

class Transaction;

struct PublicSigningKey {
  std::string kid;
  KeyOwner owner;
  std::string x;           // the public key, base64url (the JWK's "x")
  bool active = false;
  Timestamp created_at{};
};

struct VerifiedToken {
  std::string kid;
  KeyOwner owner;       // whose key signed it
  std::string typ;      // the header's typ, empty when none
  std::string payload;  // the payload bytes
};

class KeyStore {
 public:
  virtual ~KeyStore() = default;
  // Adds a new active key for `owner`; its previous active key is retired and stays in the JWKS
  // for verification. Answers the new key. kInvalidArgument for an owner code that is not
  // lower-case letters, digits, '-' or '_' (1..64); kConflict when another server rotated the
  // same owner at the same moment.
  virtual Result<PublicSigningKey> Rotate(const KeyOwner& owner) = 0;
  // Creates the owner's first key when it has no active one; true when it created one.
  virtual Result<bool> EnsureKey(const KeyOwner& owner) = 0;
  // A compact JWS of `payload` signed with the owner's active key, with `typ` in the header when
  // not empty. The first form reads the key inside the caller's transaction (so it signs what
  // that transaction decides); the second in a read transaction of its own.
  // kNotFound (error.keys.no_active_key) when the owner has no key; kInternal when the key cannot
  // be unsealed (another key-encryption key).
  virtual Result<std::string> Sign(Transaction& tx, const KeyOwner& owner, std::string_view payload,
                                   std::string_view typ) = 0;
  virtual Result<std::string> Sign(const KeyOwner& owner, std::string_view payload, std::string_view typ) = 0;
  // The same signed with the owner's key `kid`, active or retired (federation: a retired list key
  // signs the list that names its successor, so peers that trusted it follow the rotation).
  // kNotFound (error.keys.unknown_kid) when `kid` is not a key of `owner`.
  virtual Result<std::string> SignWithKey(const KeyOwner& owner, const std::string& kid, std::string_view payload,
                                          std::string_view typ) = 0;
  // Verifies a compact JWS against every key of the store, active or retired. kInvalidArgument
  // with error.jws.* (crypto/jose.h) when it does not verify.
  virtual Result<VerifiedToken> Verify(std::string_view token) = 0;
  // Every public key, active and retired, in kid order.
  virtual Result<std::vector<PublicSigningKey>> PublicKeys() = 0;
};

}  // namespace tongban::ports
