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

// Whether `user_id` holds a grant of `enterprise` (any items).
Result<bool> HoldsGrant(ports::Transaction& tx, const std::string& enterprise, const std::string& user_id) {
  auto grant = tx.accounts().GetAgentGrant(enterprise, user_id);
  if (grant.ok()) return true;
  if (grant.error().code == ErrorCode::kNotFound) return false;
  return grant.take_error();
}

}  // namespace

Result<IdentityCode> IssueIdentityCode(const Context& ctx, const Actor& actor, const std::string& enterprise) {
  if (ctx.keys == nullptr || ctx.tokens == nullptr) {
    return MakeError(ErrorCode::kUnavailable, "error.identity_code.unavailable");
  }
  if (actor.user.person_id.empty()) return MakeError(ErrorCode::kPermissionDenied, "error.identity_code.person_only");
  IdentityCode code;
  ports::IdentityClaims& c = code.claims;
  c.sub = actor.user.id;
  std::string enterprise_name;
  if (enterprise.empty()) {
    c.kind = "person";
    c.name = actor.user.display_name;
    c.masked_id = domain::MaskHolderId(actor.user.person_id);
  } else {
    TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(const bool agent, HoldsGrant(tx, enterprise, actor.user.id));
      if (!agent) return MakeError(ErrorCode::kPermissionDenied, "error.identity_code.not_agent");
      TB_ASSIGN_OR_RETURN(const domain::Enterprise e, tx.accounts().GetEnterprise(enterprise));
      // An enterprise's name can be long enough to push the QR code past version 15: the code
      // carries the credit code only, and an online check answers the name from the registry.
      enterprise_name = e.name;
      c.kind = "enterprise";
      c.masked_id = e.code;  // public: the credit code is on every licence and invoice
      return Ok();
    }));
  }

  c.jti = ctx.ids->NewToken().substr(0, 22);  // 132 random bits
  c.expires_at = ctx.clock->Now() + std::chrono::seconds(kIdentityCodeSeconds);
  TB_ASSIGN_OR_RETURN(code.token,
                      ctx.keys->Sign(kIdentityCodeKeyOwner, ctx.tokens->IdentityCodePayload(c), kIdentityCodeTyp));
  if (!enterprise_name.empty()) c.name = enterprise_name;  // shown on the page beside the code
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
  if (claims->kind != "person" && claims->kind != "enterprise") return NotValid("malformed");
  IdentityCheck check;
  check.claims = std::move(claims).value();
  const Timestamp now = ctx.clock->Now();
  if (now >= check.claims.expires_at) {
    check.reason = "expired";
    return check;
  }
  if (check.claims.kind == "enterprise") {
    // Shown by the enterprise's agent: valid while they still are its agent; the name is the
    // registry's. Nothing personal is read.
    TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(const bool agent, HoldsGrant(tx, check.claims.masked_id, check.claims.sub));
      if (!agent) {
        check.reason = "unknown_subject";
        return Ok();
      }
      TB_ASSIGN_OR_RETURN(const domain::Enterprise e, tx.accounts().GetEnterprise(check.claims.masked_id));
      check.claims.name = e.name;
      check.id_number = e.code;
      check.valid = true;
      return Ok();
    }));
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
