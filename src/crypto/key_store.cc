#include "crypto/key_store.h"

#include <sodium.h>

#include "crypto/jose.h"
#include "crypto/system.h"

namespace tongban::crypto {
namespace {

using ports::KeyOwner;
using ports::PublicSigningKey;
using ports::SigningKeyRow;
using ports::SigningKeyState;

constexpr size_t kMaxCachedKeys = 4096;

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

PublicSigningKey PublicOf(const SigningKeyRow& row) {
  return PublicSigningKey{row.kid, row.owner, row.public_key, row.state == SigningKeyState::kActive, row.created_at};
}

// The raw Ed25519 public key of `row`; kInternal when the stored one is not one.
Result<std::string> RawPublicKey(const SigningKeyRow& row) {
  std::optional<std::string> raw = Base64UrlDecode(row.public_key);
  if (!raw || raw->size() != kEd25519PublicKeyBytes || JwkThumbprint(*raw) != row.kid) {
    return MakeError(ErrorCode::kInternal, "signing_keys.public_key of " + row.kid + " is not its Ed25519 key");
  }
  return std::move(*raw);
}

}  // namespace

bool IsValidKeyOwnerCode(std::string_view code) {
  if (code.empty() || code.size() > 64) return false;
  for (const char c : code) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  }
  return true;
}

std::string KeyEncryptionKeyId(std::string_view kek) {
  const std::string input = "tongban key-encryption key id\n" + std::string(kek);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, Bytes(input), input.size());
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest), 12));
}

Result<std::unique_ptr<SealedKeyStore>> SealedKeyStore::Create(ports::Store& store, const ports::Clock& clock,
                                                               std::string kek, std::chrono::seconds cache_for) {
  if (kek.size() != kKeyEncryptionKeyBytes) {
    WipeSecret(kek);
    return MakeError(ErrorCode::kInvalidArgument, "error.keys.bad_kek");
  }
  return std::unique_ptr<SealedKeyStore>(new SealedKeyStore(store, clock, std::move(kek), cache_for));
}

SealedKeyStore::SealedKeyStore(ports::Store& store, const ports::Clock& clock, std::string kek,
                               std::chrono::seconds cache_for)
    : store_(store), clock_(clock), kek_(std::move(kek)), kek_id_(KeyEncryptionKeyId(kek_)), cache_for_(cache_for) {}

SealedKeyStore::~SealedKeyStore() {
  WipeSecret(kek_);
  std::lock_guard lock(mutex_);
  WipeSecrets();
}

void SealedKeyStore::WipeSecrets() {
  for (auto& [kid, cached] : secrets_) WipeSecret(cached.secret);
  secrets_.clear();
}

Result<std::string> SealedKeyStore::SecretFor(const SigningKeyRow& row) {
  const Timestamp now = clock_.Now();
  {
    std::lock_guard lock(mutex_);
    const auto it = secrets_.find(row.kid);
    if (it != secrets_.end() && it->second.sealed == row.sealed_secret && it->second.until > now) {
      return it->second.secret;
    }
  }
  TB_ASSIGN_OR_RETURN(std::string secret, Unseal(row));
  std::lock_guard lock(mutex_);
  if (secrets_.size() >= kMaxCachedKeys) WipeSecrets();
  auto& cached = secrets_[row.kid];
  WipeSecret(cached.secret);
  cached = CachedSecret{row.sealed_secret, secret, now + cache_for_};
  return secret;
}

SigningKeyRow SealedKeyStore::NewKey(const KeyOwner& owner) const {
  Ed25519KeyPair pair = GenerateEd25519();
  unsigned char nonce[crypto_secretbox_NONCEBYTES];
  randombytes_buf(nonce, sizeof nonce);
  unsigned char sealed[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + kEd25519SeedBytes];
  std::copy(nonce, nonce + sizeof nonce, sealed);
  // The seed is the first half of libsodium's secret key.
  crypto_secretbox_easy(sealed + sizeof nonce, Bytes(pair.secret_key), kEd25519SeedBytes, nonce, Bytes(kek_));
  SigningKeyRow row;
  row.kid = JwkThumbprint(pair.public_key);
  row.owner = owner;
  row.public_key = Base64UrlEncode(pair.public_key);
  row.sealed_secret = Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(sealed), sizeof sealed));
  row.kek_id = kek_id_;
  row.state = SigningKeyState::kActive;
  row.created_at = clock_.Now();
  WipeSecret(pair.secret_key);
  return row;
}

Result<std::string> SealedKeyStore::Unseal(const SigningKeyRow& row) const {
  if (row.kek_id != kek_id_) {
    return MakeError(ErrorCode::kInternal, "signing key " + row.kid + " was sealed under key-encryption key " +
                                               row.kek_id + ", this server has " + kek_id_ +
                                               ": give every server the same keys.dir/kek");
  }
  std::optional<std::string> sealed = Base64UrlDecode(row.sealed_secret);
  constexpr size_t kSealedBytes = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + kEd25519SeedBytes;
  std::string seed(kEd25519SeedBytes, '\0');
  if (!sealed || sealed->size() != kSealedBytes ||
      crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(seed.data()),
                                 Bytes(*sealed) + crypto_secretbox_NONCEBYTES,
                                 sealed->size() - crypto_secretbox_NONCEBYTES, Bytes(*sealed), Bytes(kek_)) != 0) {
    WipeSecret(seed);
    return MakeError(ErrorCode::kInternal, "signing key " + row.kid + " does not unseal under this key-encryption key");
  }
  Result<Ed25519KeyPair> pair = Ed25519FromSeed(seed);
  WipeSecret(seed);
  if (!pair.ok()) return pair.error();
  // A sealed secret moved onto another row would sign under the wrong kid: refuse it.
  if (Base64UrlEncode(pair->public_key) != row.public_key) {
    WipeSecret(pair->secret_key);
    return MakeError(ErrorCode::kInternal, "signing key " + row.kid + " does not match its sealed secret");
  }
  return std::move(pair->secret_key);
}

Result<PublicSigningKey> SealedKeyStore::Rotate(const KeyOwner& owner) {
  if (!IsValidKeyOwnerCode(owner.code)) return MakeError(ErrorCode::kInvalidArgument, "error.keys.bad_owner");
  const SigningKeyRow row = NewKey(owner);
  TB_RETURN_IF_ERROR(store_.Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const int64_t retired, tx.keys().RetireActiveSigningKey(owner, row.created_at));
    (void)retired;
    return tx.keys().InsertSigningKey(row);
  }));
  return PublicOf(row);
}

Result<bool> SealedKeyStore::EnsureKey(const KeyOwner& owner) {
  if (!IsValidKeyOwnerCode(owner.code)) return MakeError(ErrorCode::kInvalidArgument, "error.keys.bad_owner");
  const SigningKeyRow row = NewKey(owner);
  bool created = false;
  const Status written = store_.Write([&](ports::Transaction& tx) -> Status {
    created = false;
    Result<SigningKeyRow> active = tx.keys().GetActiveSigningKey(owner);
    if (active.ok()) return Ok();
    if (active.error().code != ErrorCode::kNotFound) return active.error();
    TB_RETURN_IF_ERROR(tx.keys().InsertSigningKey(row));
    created = true;
    return Ok();
  });
  if (written.ok()) return created;
  // Another server created the owner's first key at the same moment: that one serves.
  if (written.error().code == ErrorCode::kConflict) {
    Status exists = store_.Read([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(const SigningKeyRow active, tx.keys().GetActiveSigningKey(owner));
      (void)active;
      return Ok();
    });
    if (exists.ok()) return false;
  }
  return written.error();
}

Result<std::string> SealedKeyStore::Sign(ports::Transaction& tx, const KeyOwner& owner, std::string_view payload,
                                         std::string_view typ) {
  TB_ASSIGN_OR_RETURN(const SigningKeyRow row, tx.keys().GetActiveSigningKey(owner));
  TB_ASSIGN_OR_RETURN(std::string secret, SecretFor(row));
  std::string token = SignJws(secret, row.kid, payload, typ);
  WipeSecret(secret);
  return token;
}

Result<std::string> SealedKeyStore::Sign(const KeyOwner& owner, std::string_view payload, std::string_view typ) {
  std::string token;
  TB_RETURN_IF_ERROR(store_.Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(token, Sign(tx, owner, payload, typ));
    return Ok();
  }));
  return token;
}

Result<std::string> SealedKeyStore::SignWithKey(const KeyOwner& owner, const std::string& kid,
                                                std::string_view payload, std::string_view typ) {
  SigningKeyRow row;
  TB_RETURN_IF_ERROR(store_.Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(row, tx.keys().GetSigningKey(kid));
    return Ok();
  }));
  if (!(row.owner == owner)) return MakeError(ErrorCode::kNotFound, "error.keys.unknown_kid");
  TB_ASSIGN_OR_RETURN(std::string secret, SecretFor(row));
  std::string token = SignJws(secret, row.kid, payload, typ);
  WipeSecret(secret);
  return token;
}

Result<SealedKeyStore::Cached> SealedKeyStore::CachedPublicKey(const std::string& kid) {
  const Timestamp now = clock_.Now();
  {
    std::lock_guard lock(mutex_);
    const auto it = cache_.find(kid);
    if (it != cache_.end() && it->second.until > now) return it->second;
  }
  SigningKeyRow row;
  TB_RETURN_IF_ERROR(store_.Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(row, tx.keys().GetSigningKey(kid));
    return Ok();
  }));
  TB_ASSIGN_OR_RETURN(std::string raw, RawPublicKey(row));
  Cached cached{row.owner, std::move(raw), now + cache_for_};
  std::lock_guard lock(mutex_);
  if (cache_.size() >= kMaxCachedKeys) cache_.clear();
  cache_[kid] = cached;
  return cached;
}

Result<ports::VerifiedToken> SealedKeyStore::Verify(std::string_view token) {
  std::optional<Cached> signer;
  std::optional<Error> lookup_error;
  Result<VerifiedJws> verified = VerifyJws(token, [&](std::string_view kid) -> std::optional<std::string> {
    // Only kids that could be ours reach the database.
    if (kid.empty() || kid.size() > 64) return std::nullopt;
    Result<Cached> key = CachedPublicKey(std::string(kid));
    if (!key.ok()) {
      if (key.error().code != ErrorCode::kNotFound) lookup_error = key.error();
      return std::nullopt;
    }
    signer = *key;
    return signer->raw;
  });
  if (lookup_error) return *lookup_error;
  if (!verified.ok()) return verified.error();
  return ports::VerifiedToken{verified->kid, signer->owner, std::move(verified->typ), std::move(verified->payload)};
}

Result<std::vector<PublicSigningKey>> SealedKeyStore::PublicKeys() {
  std::vector<PublicSigningKey> keys;
  TB_RETURN_IF_ERROR(store_.Read([&](ports::Transaction& tx) -> Status {
    keys.clear();
    std::string after;
    while (true) {
      TB_ASSIGN_OR_RETURN(const std::vector<SigningKeyRow> page,
                          tx.keys().ListSigningKeys(after, ports::kMaxSigningKeysPage));
      for (const SigningKeyRow& row : page) keys.push_back(PublicOf(row));
      if (page.size() < static_cast<size_t>(ports::kMaxSigningKeysPage)) return Ok();
      after = page.back().kid;
    }
  }));
  return keys;
}

}  // namespace tongban::crypto
