#include "services/kiosk.h"

#include "services/applications.h"
#include "services/identity_code.h"

namespace tongban::services {
namespace {

Error Refused(std::string_view key) { return MakeError(ErrorCode::kUnauthenticated, std::string(key)); }

// The plain reason (a message key) for a code CheckIdentityCode answered as not valid.
std::string_view ReasonOf(const std::string& why) {
  if (why == "expired") return "error.kiosk.code_expired";
  if (why == "bad_signature") return "error.kiosk.code_tampered";
  if (why == "unknown_issuer" || why == "not_identity_code") return "error.kiosk.code_foreign";
  if (why == "unknown_subject") return "error.kiosk.code_unknown";
  return "error.kiosk.code_malformed";
}

}  // namespace

Result<SignedIn> OpenKioskSession(const Context& ctx, std::string_view code, const std::string& previous_token) {
  // A scanner may add spaces or a line end; a code is a compact JWS of a few hundred bytes.
  while (!code.empty() && (code.back() == ' ' || code.back() == '\r' || code.back() == '\n')) code.remove_suffix(1);
  while (!code.empty() && code.front() == ' ') code.remove_prefix(1);
  if (code.empty() || code.size() > 2048) return Refused("error.kiosk.code_malformed");
  TB_ASSIGN_OR_RETURN(const IdentityCheck check, CheckIdentityCode(ctx, std::nullopt, code));
  if (!check.valid) return Refused(ReasonOf(check.reason));
  if (check.claims.kind != "person") return Refused("error.kiosk.code_person_only");
  const Timestamp now = ctx.clock->Now();
  // A code lives kIdentityCodeSeconds: one that says it expires later was not made by our rules,
  // and would keep its jti recorded for longer than it should.
  if (check.claims.expires_at > now + std::chrono::seconds(kIdentityCodeSeconds + kIdentityCodeClockSkewSeconds)) {
    return Refused("error.kiosk.code_malformed");
  }

  SignedIn out;
  out.token = ctx.ids->NewToken();
  out.csrf_token = ctx.ids->NewToken();
  out.expires_at = now + kKioskIdle;
  domain::Session session{ctx.hasher->Sha256Hex(out.token), check.claims.sub, out.csrf_token, now, out.expires_at};
  session.kind = kKioskSessionKind;
  // The code's id, hashed with what it is used for: the same table holds presentations' nonces.
  const std::string used_key = ctx.hasher->Sha256Hex("kiosk-identity-code:" + check.claims.jti);
  const bool rotate = !previous_token.empty() && previous_token.size() <= 128;
  const std::string previous_hash = rotate ? ctx.hasher->Sha256Hex(previous_token) : "";
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    auto user = tx.accounts().GetUser(check.claims.sub);
    if (!user.ok()) {
      if (user.error().code == ErrorCode::kNotFound) return Refused("error.kiosk.code_unknown");
      return user.take_error();
    }
    if (user->person_id.empty()) return Refused("error.kiosk.code_person_only");
    auto used = tx.presentation_nonces().UseNonce(used_key, check.claims.expires_at);
    if (!used.ok()) {
      if (used.error().code == ErrorCode::kConflict) return Refused("error.kiosk.code_used");
      return used;
    }
    out.user = std::move(user).value();
    if (rotate) TB_RETURN_IF_ERROR(tx.sessions().DeleteSession(previous_hash));
    return tx.sessions().InsertSession(session);
  }));
  return out;
}

Result<Authenticated> AuthenticateKiosk(const Context& ctx, const std::string& token) {
  const Error signed_out = MakeError(ErrorCode::kUnauthenticated, "error.kiosk.signed_out");
  if (token.empty() || token.size() > 128) return signed_out;
  const std::string hash = ctx.hasher->Sha256Hex(token);
  const Timestamp now = ctx.clock->Now();
  Authenticated out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    auto session = tx.sessions().GetSession(hash);
    if (!session.ok()) return session.error().code == ErrorCode::kNotFound ? signed_out : session.take_error();
    if (session->kind != kKioskSessionKind || session->expires_at <= now) return signed_out;
    out.session = std::move(session).value();
    out.session.expires_at = now + kKioskIdle;
    TB_RETURN_IF_ERROR(tx.sessions().TouchSession(hash, out.session.expires_at));
    TB_ASSIGN_OR_RETURN(out.user, tx.accounts().GetUser(out.session.user_id));
    return Ok();
  }));
  return out;
}

std::vector<const domain::ServiceItem*> KioskServices(const domain::Catalogue& catalogue) {
  std::vector<const domain::ServiceItem*> out;
  for (const domain::ServiceItem* item : catalogue.Popular(domain::ApplicantKind::kPerson)) {
    if (!item->HasChannel(domain::Channel::kKiosk)) continue;
    // A kiosk takes no files: an item that needs an upload is applied for on the web or at a window.
    bool upload = false;
    for (const auto& m : item->materials) {
      upload = upload || (m.source == domain::MaterialSource::kUpload && m.required);
    }
    if (!upload) out.push_back(item);
  }
  return out;
}

std::string KioskCentre(const domain::Catalogue& catalogue, std::string_view code) {
  const domain::ServiceCentre* centre = catalogue.FindCentre(code);
  if (centre == nullptr || !centre->Takes(domain::ApplicantKind::kPerson)) return "";
  return centre->code;
}

Actor KioskActor(const Authenticated& auth, const std::string& centre, const std::string& address) {
  Actor actor;
  actor.user = auth.user;
  actor.user.centre = centre;  // recorded on the application (a person has no centre of their own)
  actor.channel = domain::Channel::kKiosk;
  actor.address = address;
  return actor;
}

Result<domain::Application> SubmitAtKiosk(const Context& ctx, const Actor& actor, const std::string& item,
                                          const std::map<std::string, std::string>& fields) {
  if (actor.user.centre.empty()) return MakeError(ErrorCode::kInvalidArgument, "error.kiosk.no_centre");
  {
    const auto catalogue = ctx.Catalogue();
    const domain::ServiceItem* found = catalogue->FindItem(item);
    if (found == nullptr) return MakeError(ErrorCode::kNotFound, "error.item.not_found");
    if (!found->HasChannel(domain::Channel::kKiosk)) {
      return MakeError(ErrorCode::kPermissionDenied, "error.kiosk.not_offered");
    }
  }
  CreateApplicationRequest request;
  request.item = item;
  request.fields = fields;
  request.submit = true;
  return CreateApplication(ctx, actor, request);
}

}  // namespace tongban::services
