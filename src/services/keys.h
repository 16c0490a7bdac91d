// The key store's use cases: what /.well-known/jwks.json publishes and what the demo creates.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <vector>

#include "ports/key_store.h"
#include "services/context.h"

namespace tongban::services {

// Every public signing key (active and retired) in kid order. kUnavailable when the server has
// no key store configured.
Result<std::vector<ports::PublicSigningKey>> ListPublicKeys(const Context& ctx);

// Creates a key for every owner in `owners` that has none; answers how many were created.
Result<int> EnsureSigningKeys(const Context& ctx, const std::vector<ports::KeyOwner>& owners);

}  // namespace tongban::services
