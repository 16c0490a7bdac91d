// A test program, not part of the product: signs a payload with the active key of an owner in
// the key store of a database (the way a server signs), and prints the compact JWS, so that a
// JOSE implementation that is not ours can check it against the server's /.well-known/jwks.json
// (tests/browser/jose_interop.test.mjs).
//
//   tongban_jws_sign --db URL --keys-dir DIR (--purpose P | --issuer DEPT) [--typ T] PAYLOAD
#include <iostream>
#include <string>
#include <string_view>

#include "app/key_encryption_key.h"
#include "crypto/key_store.h"
#include "crypto/system.h"
#include "storage/sql_store.h"

namespace tb = tongban;

int main(int argc, char** argv) {
  std::string db, keys_dir, typ, payload;
  tb::ports::KeyOwner owner;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--db" && has_value) {
      db = argv[++i];
    } else if (arg == "--keys-dir" && has_value) {
      keys_dir = argv[++i];
    } else if (arg == "--purpose" && has_value) {
      owner = {tb::ports::KeyOwnerKind::kPurpose, argv[++i]};
    } else if (arg == "--issuer" && has_value) {
      owner = {tb::ports::KeyOwnerKind::kIssuer, argv[++i]};
    } else if (arg == "--typ" && has_value) {
      typ = argv[++i];
    } else {
      payload = arg;
    }
  }
  if (db.empty() || keys_dir.empty() || owner.code.empty()) {
    std::cerr << "usage: tongban_jws_sign --db URL --keys-dir DIR (--purpose P | --issuer DEPT) [--typ T] PAYLOAD\n";
    return 2;
  }
  if (!tb::crypto::InitCrypto()) return 1;
  tb::crypto::SystemClock clock;
  auto store = tb::storage::OpenStore(db);
  if (!store.ok()) {
    std::cerr << store.error().message << "\n";
    return 1;
  }
  auto kek = tb::app::LoadKeyEncryptionKey(keys_dir);
  if (!kek.ok()) {
    std::cerr << kek.error().message << "\n";
    return 1;
  }
  auto keys = tb::crypto::SealedKeyStore::Create(**store, clock, std::move(*kek));
  if (!keys.ok()) return 1;
  auto token = (*keys)->Sign(owner, payload, typ);
  if (!token.ok()) {
    std::cerr << token.error().message << "\n";
    return 1;
  }
  std::cout << *token << "\n";
  return 0;
}
