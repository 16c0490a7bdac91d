#include "services/identity_code.h"

#include "domain/access_log.h"
#include "domain/licence.h"
#include "services/access_log.h"

namespace tongban::services {
namespace {

IdentityCheck NotValid(std::string reason) {
  IdentityCheck check;
  check.reason = std::move(reason);
  return check;
}

// The entry a clerk's check writes: the person's identity number and name were read to serve them.
domain::AccessLogEntry ClerkReadEntry(const Actor& clerk, const std::string& person_id, const std::string& jti) {
  domain::AccessLogEntry entry;
  entry.accessor_user_id = clerk.user.id;
  entry.accessor_role = domain::RoleName(domain::Role::kClerk);
  entry.accessor_department = clerk.user.department;
  entry.subject_id = person_id;
  entry.dataset = "population";
  entry.fields = {"id_number", "name"};
  entry.purpose = "identity_check";
  entry.legal_basis = "identity_code:" + jti;  // the person showed this code
  return entry;
}

}  // namespace

Result<IdentityCode> IssueIdentityCode(const Context& ctx, const Actor& actor) {
  if (ctx.keys == nullptr || ctx.tokens == nullptr) {
    return MakeError(ErrorCode::kUnavailable, "error.identity_code.unavailable");
  }
  if (actor.user.person_id.empty()) return MakeError(ErrorCode::kPermissionDenied, "error.identity_code.person_only");
  IdentityCode code;
  ports::IdentityClaims& c = code.claims;
  c.sub = actor.user.id;
  c.kind = "person";
  c.name = actor.user.display_name;
  c.masked_id = domain::MaskHolderId(actor.user.person_id);
  c.jti = ctx.ids->NewToken().substr(0, 22);  // 132 random bits
  c.expires_at = ctx.clock->Now() + std::chrono::seconds(kIdentityCodeSeconds);
  TB_ASSIGN_OR_RETURN(code.token,
                      ctx.keys->Sign(kIdentityCodeKeyOwner, ctx.tokens->IdentityCodePayload(c), kIdentityCodeTyp));
  return code;
}

Result<IdentityCheck> CheckIdentityCode(const Context& ctx, const std::optional<Actor>& caller, std::string_view token) {
  if (ctx.keys == nullptr || ctx.tokens == nullptr) {
    return MakeError(ErrorCode::kUnavailable, "error.identity_code.unavailable");
  }
  auto verified = ctx.keys->Verify(token);
  if (!verified.ok()) {
    const std::string& why = verified.error().message;
    if (why == "error.jws.unknown_key") return NotValid("unknown_issuer");
    if (why == "error.jws.signature") return NotValid("bad_signature");
    return NotValid("malformed");
  }
  if (verified->owner != kIdentityCodeKeyOwner || verified->typ != kIdentityCodeTyp) {
    return NotValid("not_identity_code");
  }
  auto claims = ctx.tokens->ParseIdentityCode(verified->payload);
  if (!claims.ok()) return NotValid("malformed");
  IdentityCheck check;
  check.claims = std::move(claims).value();
  const Timestamp now = ctx.clock->Now();
  if (now >= check.claims.expires_at) {
    check.reason = "expired";
    return check;
  }
  const bool clerk = caller && caller->user.HasRole(domain::Role::kClerk);
  if (!clerk) {
    check.valid = true;
    return check;
  }
  // A code lives kIdentityCodeSeconds: one that expires later was not made by this platform's rules.
  if (check.claims.expires_at > now + std::chrono::seconds(kIdentityCodeSeconds + kIdentityCodeClockSkewSeconds)) {
    check.reason = "malformed";
    return check;
  }
  // A clerk serves the person: their full identity number, read and recorded in one transaction.
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    auto user = tx.accounts().GetUser(check.claims.sub);
    if (!user.ok()) {
      if (user.error().code != ErrorCode::kNotFound) return user.take_error();
      check.reason = "unknown_subject";
      return Ok();
    }
    if (user->person_id.empty()) {
      check.reason = "unknown_subject";
      return Ok();
    }
    check.id_number = user->person_id;
    check.valid = true;
    return RecordAccess(ctx, tx, ClerkReadEntry(*caller, user->person_id, check.claims.jti));
  }));
  return check;
}

}  // namespace tongban::services
