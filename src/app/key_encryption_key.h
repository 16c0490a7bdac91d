// The key-encryption key (KEK) of the key store (crypto/key_store.h), kept in keys.dir: a file
// `kek` holding 32 random bytes as one line of base64url, created readable by its owner only
// (0600, in a folder created 0700) the first time a server starts. Servers that share a database
// must share this file; losing it loses every private signing key (docs/operations.md).
// Thread-safety: call once at start.
#pragma once

#include <string>

#include "common/result.h"

namespace tongban::app {

// The KEK of `keys_dir` (its 32 bytes), creating the folder and the file on first use. Two servers
// starting at once agree on one KEK (the file appears whole or not at all).
// kInvalidArgument, naming the file, when it is readable or writable by group or others (chmod
// 600 it), when it is not 32 bytes of base64url, or when it cannot be read or created.
Result<std::string> LoadKeyEncryptionKey(const std::string& keys_dir);

}  // namespace tongban::app
