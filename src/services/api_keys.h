// Machine credentials (issue 13 item 4): an API key per supervision system, scoped to one
// department and to writing supervision records only. A key is "tbk_" + 32 random bytes
// (base64url); only its SHA-256 is stored (a random 256-bit key needs no slow hash) and it is
// shown once, when it is created. Administrators create and revoke keys (the CLI `tongban apikey`
// and /api/v1/admin/api-keys); each key row keeps who created and who revoked it, and when.
// Keys are never sessions: services/accounts.h Authenticate refuses them, so a key reads nothing.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ports/supervision_repository.h"
#include "services/context.h"

namespace tongban::services {

// Every key starts with this, so a key is told from a session token (and found by secret scanners).
inline constexpr std::string_view kApiKeyPrefix = "tbk_";
// The longest name a key may have (the system it is given to).
inline constexpr size_t kMaxApiKeyName = 100;

// Whether `token` has the form of an API key (it may still be unknown or revoked).
bool LooksLikeApiKey(std::string_view token);

struct NewApiKey {
  ports::ApiKey key;   // as stored (hash, never the key)
  std::string secret;  // the key itself: shown once, stored nowhere
};

// Creates a key for `department` named `name`, recorded as created by `created_by` (an
// administrator's user id, or "cli"). kInvalidArgument: error.api_key.department (not a
// department of the catalogue), error.api_key.name (empty or longer than kMaxApiKeyName).
Result<NewApiKey> CreateApiKey(const Context& ctx, const std::string& created_by, const std::string& department,
                               const std::string& name);
// Revokes the key `id` as `revoked_by`: the key as stored after. kNotFound (error.api_key.not_found);
// kConflict (error.api_key.already_revoked) for a key revoked before.
Result<ports::ApiKey> RevokeApiKey(const Context& ctx, const std::string& revoked_by, const std::string& id);
// The keys, newest first (at most ports::kMaxSupervisionPage; a city has a few dozen systems).
Result<std::vector<ports::ApiKey>> ListApiKeys(const Context& ctx);

// The key whose secret is `secret`, in force. kUnauthenticated: error.api_key.invalid (unknown,
// or not a key at all), error.api_key.revoked.
Result<ports::ApiKey> AuthenticateApiKey(const Context& ctx, const std::string& secret);

// The admin API's checks: kPermissionDenied (error.api_key.admin_only) unless `actor` is an admin.
Status RequireKeyAdministrator(const Actor& actor);
Result<NewApiKey> CreateApiKeyAs(const Context& ctx, const Actor& actor, const std::string& department,
                                 const std::string& name);
Result<ports::ApiKey> RevokeApiKeyAs(const Context& ctx, const Actor& actor, const std::string& id);

}  // namespace tongban::services
