#include "services/api_keys.h"

namespace tongban::services {

bool LooksLikeApiKey(std::string_view token) { return token.substr(0, kApiKeyPrefix.size()) == kApiKeyPrefix; }

Result<NewApiKey> CreateApiKey(const Context& ctx, const std::string& created_by, const std::string& department,
                               const std::string& name) {
  const auto catalogue = ctx.Catalogue();
  if (department.empty() || catalogue == nullptr || catalogue->FindDepartment(department) == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "error.api_key.department");
  }
  if (name.empty() || name.size() > kMaxApiKeyName) return MakeError(ErrorCode::kInvalidArgument, "error.api_key.name");
  NewApiKey out;
  out.secret = std::string(kApiKeyPrefix) + ctx.ids->NewToken();
  out.key.id = ctx.ids->NewId();
  out.key.key_hash = ctx.hasher->Sha256Hex(out.secret);
  out.key.name = name;
  out.key.department = department;
  out.key.scope = ports::kSupervisionWriteScope;
  out.key.created_by = created_by;
  out.key.created_at = ctx.clock->Now();
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) { return tx.supervision().InsertApiKey(out.key); }));
  return out;
}

Result<ports::ApiKey> RevokeApiKey(const Context& ctx, const std::string& revoked_by, const std::string& id) {
  ports::ApiKey out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const bool revoked, tx.supervision().RevokeApiKey(id, revoked_by, ctx.clock->Now()));
    TB_ASSIGN_OR_RETURN(out, tx.supervision().GetApiKey(id));
    if (!revoked) return MakeError(ErrorCode::kConflict, "error.api_key.already_revoked");
    return Ok();
  }));
  return out;
}

Result<std::vector<ports::ApiKey>> ListApiKeys(const Context& ctx) {
  std::vector<ports::ApiKey> out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(out, tx.supervision().ListApiKeys(ports::kMaxSupervisionPage));
    return Ok();
  }));
  return out;
}

Result<ports::ApiKey> AuthenticateApiKey(const Context& ctx, const std::string& secret) {
  const Error invalid = MakeError(ErrorCode::kUnauthenticated, "error.api_key.invalid");
  if (!LooksLikeApiKey(secret) || secret.size() > 200) return invalid;
  const std::string hash = ctx.hasher->Sha256Hex(secret);
  ports::ApiKey key;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    auto found = tx.supervision().FindApiKeyByHash(hash);
    if (!found.ok()) return found.error().code == ErrorCode::kNotFound ? invalid : found.take_error();
    key = std::move(found).value();
    return Ok();
  }));
  if (key.revoked_at) return MakeError(ErrorCode::kUnauthenticated, "error.api_key.revoked");
  if (key.scope != ports::kSupervisionWriteScope) return invalid;
  return key;
}

Status RequireKeyAdministrator(const Actor& actor) {
  if (!actor.user.HasRole(domain::Role::kAdmin)) return MakeError(ErrorCode::kPermissionDenied, "error.api_key.admin_only");
  return Ok();
}

Result<NewApiKey> CreateApiKeyAs(const Context& ctx, const Actor& actor, const std::string& department,
                                 const std::string& name) {
  TB_RETURN_IF_ERROR(RequireKeyAdministrator(actor));
  return CreateApiKey(ctx, actor.user.id, department, name);
}

Result<ports::ApiKey> RevokeApiKeyAs(const Context& ctx, const Actor& actor, const std::string& id) {
  TB_RETURN_IF_ERROR(RequireKeyAdministrator(actor));
  return RevokeApiKey(ctx, actor.user.id, id);
}

}  // namespace tongban::services
