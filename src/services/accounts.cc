#include "services/accounts.h"

#include <cctype>

#include "common/ids.h"

namespace tongban::services {
namespace {

bool ValidUsername(const std::string& name) {
  if (name.size() < 3 || name.size() > 64) return false;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (!(std::islower(u) || std::isdigit(u) || c == '.' || c == '_' || c == '-')) return false;
  }
  return true;
}

std::string PairKey(const std::string& username, const std::string& address) {
  return "user:" + username + "|addr:" + address;
}

std::string AddressKey(const std::string& address) { return "addr:" + address; }

}  // namespace

Result<domain::User> CreateUser(const Context& ctx, const NewUser& req) {
  if (!ValidUsername(req.username)) return MakeError(ErrorCode::kInvalidArgument, "error.user.username");
  if (req.password.size() < 8) return MakeError(ErrorCode::kInvalidArgument, "error.user.password_short");
  const Date today = LocalDate(ctx.clock->Now());
  const bool person_role = req.role == domain::Role::kCitizen || req.role == domain::Role::kEnterpriseAgent;
  if (person_role) {
    TB_RETURN_IF_ERROR(ValidateResidentId(req.person_id, today));
    if (req.name.empty()) return MakeError(ErrorCode::kInvalidArgument, "error.user.name_required");
  }
  if (req.role == domain::Role::kEnterpriseAgent) TB_RETURN_IF_ERROR(ValidateCreditCode(req.enterprise));
  const auto catalogue = ctx.Catalogue();
  if (!req.department.empty() && catalogue->FindDepartment(req.department) == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "error.user.unknown_department");
  }
  if (!req.centre.empty() && catalogue->FindCentre(req.centre) == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "error.user.unknown_centre");
  }
  if ((req.role == domain::Role::kClerk) && req.department.empty() && req.centre.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "error.user.scope_required");
  }
  if (req.role == domain::Role::kReviewer && req.department.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "error.user.department_required");
  }

  domain::User user;
  user.id = ctx.ids->NewId();
  user.username = req.username;
  user.password_hash = ctx.hasher->HashPassword(req.password);  // slow: outside the transaction
  user.kind = person_role ? domain::UserKind::kPerson : domain::UserKind::kOfficial;
  user.roles = {req.role};
  user.person_id = person_role ? req.person_id : "";
  user.display_name = req.name;
  user.department = req.department;
  user.centre = req.centre;
  user.created_at = ctx.clock->Now();

  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    if (person_role) {
      auto existing = tx.GetPerson(req.person_id);
      if (!existing.ok() && existing.error().code != ErrorCode::kNotFound) return existing.take_error();
      if (!existing.ok()) TB_RETURN_IF_ERROR(tx.InsertPerson({req.person_id, req.name, req.phone}));
    }
    TB_RETURN_IF_ERROR(tx.InsertUser(user));
    if (req.role == domain::Role::kEnterpriseAgent) {
      auto existing = tx.GetEnterprise(req.enterprise);
      if (!existing.ok() && existing.error().code != ErrorCode::kNotFound) return existing.take_error();
      const bool founder = !existing.ok();
      if (founder) {
        TB_RETURN_IF_ERROR(tx.InsertEnterprise(
            {req.enterprise, req.enterprise_name.empty() ? req.enterprise : req.enterprise_name, user.id}));
      }
      domain::AgentGrant grant;
      grant.enterprise = req.enterprise;
      grant.user_id = user.id;
      grant.may_apply = founder;
      grant.may_withdraw = founder;
      TB_RETURN_IF_ERROR(tx.PutAgentGrant(grant));
    }
    return Ok();
  }));
  return user;
}

Result<SignedIn> Login(const Context& ctx, const std::string& username, const std::string& password,
                       const std::string& address, const std::string& previous_token) {
  const Timestamp now = ctx.clock->Now();
  const Timestamp since = now - kLoginWindow;
  const std::string pair_key = PairKey(username, address);
  const std::string address_key = AddressKey(address);

  std::optional<domain::User> user;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const int pair_failures, tx.CountLoginFailures(pair_key, since));
    TB_ASSIGN_OR_RETURN(const int address_failures, tx.CountLoginFailures(address_key, since));
    if (pair_failures >= kMaxFailuresPerAccountAndAddress || address_failures >= kMaxFailuresPerAddress) {
      return MakeError(ErrorCode::kResourceExhausted, "error.login.throttled");
    }
    auto found = tx.FindUserByUsername(username);
    if (found.ok()) {
      user = std::move(found).value();
    } else if (found.error().code != ErrorCode::kNotFound) {
      return found.take_error();
    }
    return Ok();
  }));

  // Verify even for unknown usernames so that timing does not reveal which accounts exist.
  static const std::string kDummyHash = ctx.hasher->HashPassword("tongban-timing-equaliser");
  const bool good = ctx.hasher->VerifyPassword(password, user ? user->password_hash : kDummyHash) && user;
  if (!good) {
    TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
      TB_RETURN_IF_ERROR(tx.RecordLoginFailure(pair_key, now));
      return tx.RecordLoginFailure(address_key, now);
    }));
    return MakeError(ErrorCode::kUnauthenticated, "error.login.failed");
  }

  SignedIn out;
  out.token = ctx.ids->NewToken();
  out.csrf_token = ctx.ids->NewToken();
  out.user = *user;
  out.expires_at = now + kSessionLifetime;
  domain::Session session{ctx.hasher->Sha256Hex(out.token), user->id, out.csrf_token, now, out.expires_at};
  const bool rotate = !previous_token.empty() && previous_token.size() <= 128;
  const std::string previous_hash = rotate ? ctx.hasher->Sha256Hex(previous_token) : "";
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_RETURN_IF_ERROR(tx.ClearLoginFailures(pair_key));
    if (rotate) TB_RETURN_IF_ERROR(tx.DeleteSession(previous_hash));
    return tx.InsertSession(session);
  }));
  return out;
}

Result<Authenticated> Authenticate(const Context& ctx, const std::string& token) {
  if (token.empty() || token.size() > 128) return MakeError(ErrorCode::kUnauthenticated, "error.auth.required");
  const std::string hash = ctx.hasher->Sha256Hex(token);
  Authenticated out;
  const Timestamp now = ctx.clock->Now();
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    auto session = tx.GetSession(hash);
    if (!session.ok()) {
      return session.error().code == ErrorCode::kNotFound ? MakeError(ErrorCode::kUnauthenticated, "error.auth.expired")
                                                          : session.take_error();
    }
    if (session->expires_at <= now) return MakeError(ErrorCode::kUnauthenticated, "error.auth.expired");
    out.session = std::move(session).value();
    TB_ASSIGN_OR_RETURN(out.user, tx.GetUser(out.session.user_id));
    return Ok();
  }));
  return out;
}

Result<domain::AgentGrant> GrantAgentRights(const Context& ctx, const Actor& actor, const AgentRights& rights) {
  const auto catalogue = ctx.Catalogue();
  for (const auto& code : rights.items) {
    const domain::ServiceItem* item = catalogue->FindItem(code);
    if (item == nullptr || item->applicant != domain::ApplicantKind::kEnterprise) {
      return MakeError(ErrorCode::kInvalidArgument, "error.grant.unknown_item");
    }
  }
  domain::AgentGrant grant;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    auto enterprise = tx.GetEnterprise(rights.enterprise);
    if (!enterprise.ok()) {
      return enterprise.error().code == ErrorCode::kNotFound ? MakeError(ErrorCode::kNotFound, "error.enterprise.not_found")
                                                             : enterprise.take_error();
    }
    if (enterprise->admin_user_id.empty() || enterprise->admin_user_id != actor.user.id) {
      return MakeError(ErrorCode::kPermissionDenied, "error.grant.not_admin");
    }
    auto agent = tx.FindUserByUsername(rights.username);
    if (!agent.ok()) {
      return agent.error().code == ErrorCode::kNotFound ? MakeError(ErrorCode::kNotFound, "error.user.not_found")
                                                        : agent.take_error();
    }
    if (!agent->HasRole(domain::Role::kEnterpriseAgent)) {
      return MakeError(ErrorCode::kInvalidArgument, "error.grant.not_agent");
    }
    if (agent->id == actor.user.id) return MakeError(ErrorCode::kInvalidArgument, "error.grant.self");
    grant.enterprise = rights.enterprise;
    grant.user_id = agent->id;
    grant.may_apply = rights.may_apply;
    grant.may_withdraw = rights.may_withdraw;
    grant.items = rights.items;
    return tx.PutAgentGrant(grant);
  }));
  return grant;
}

Result<std::vector<domain::AgentGrant>> AgentGrantsOf(const Context& ctx, const std::string& user_id) {
  std::vector<domain::AgentGrant> out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(out, tx.ListAgentGrantsOfUser(user_id));
    return Ok();
  }));
  return out;
}

Result<int64_t> PruneExpired(const Context& ctx) {
  constexpr int kBatch = 1000;
  const Timestamp now = ctx.clock->Now();
  int64_t total = 0;
  for (bool sessions : {true, false}) {
    for (;;) {
      int64_t deleted = 0;
      TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
        TB_ASSIGN_OR_RETURN(deleted, sessions ? tx.DeleteExpiredSessions(now, kBatch)
                                              : tx.DeleteLoginFailuresBefore(now - kLoginWindow, kBatch));
        return Ok();
      }));
      total += deleted;
      if (deleted < kBatch) break;
    }
  }
  return total;
}

Status Logout(const Context& ctx, const std::string& token) {
  const std::string hash = ctx.hasher->Sha256Hex(token);
  return ctx.store->Write([&](ports::Transaction& tx) -> Status {
    auto deleted = tx.DeleteSession(hash);
    if (!deleted.ok() && deleted.error().code == ErrorCode::kNotFound) return Ok();
    return deleted;
  });
}

}  // namespace tongban::services
