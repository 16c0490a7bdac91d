#include "services/keys.h"

namespace tongban::services {

Result<std::vector<ports::PublicSigningKey>> ListPublicKeys(const Context& ctx) {
  if (ctx.keys == nullptr) return MakeError(ErrorCode::kUnavailable, "error.keys.unavailable");
  return ctx.keys->PublicKeys();
}

Result<int> EnsureSigningKeys(const Context& ctx, const std::vector<ports::KeyOwner>& owners) {
  if (ctx.keys == nullptr) return MakeError(ErrorCode::kUnavailable, "error.keys.unavailable");
  int created = 0;
  for (const ports::KeyOwner& owner : owners) {
    TB_ASSIGN_OR_RETURN(const bool made, ctx.keys->EnsureKey(owner));
    if (made) ++created;
  }
  return created;
}

}  // namespace tongban::services
