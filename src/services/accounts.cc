#include "services/accounts.h"
#include "services/roles.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "common/ids.h"

namespace tongban::services {
namespace {

bool ValidUsername(std::string_view name) {
  if (name.size() < 3 || name.size() > kMaxUsernameBytes) return false;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (!(std::islower(u) || std::isdigit(u) || c == '.' || c == '_' || c == '-')) return false;
  }
  return true;
}

// Throttling keys: fixed-size hashes, so that neither what was typed nor the client's address is
// stored, and nothing a client sends can make a row larger. The prefixes keep the two kinds apart.
std::string AccountKey(const Context& ctx, const std::string& normalised_username) {
  return "acct:" + ctx.hasher->Sha256Hex("tongban login account\n" + normalised_username);
}

std::string AddressKey(const Context& ctx, const std::string& address) {
  return "addr:" + ctx.hasher->Sha256Hex("tongban login address\n" + address);
}

}  // namespace

Result<domain::User> CreateUser(const Context& ctx, const NewUser& req) {
  if (!ValidUsername(req.username)) return MakeError(ErrorCode::kInvalidArgument, "error.user.username");
  if (req.password.size() < kMinPasswordBytes) return MakeError(ErrorCode::kInvalidArgument, "error.user.password_short");
  if (req.password.size() > kMaxPasswordBytes) return MakeError(ErrorCode::kInvalidArgument, "error.user.password_long");
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
      auto existing = tx.accounts().GetPerson(req.person_id);
      if (!existing.ok() && existing.error().code != ErrorCode::kNotFound) return existing.take_error();
      if (!existing.ok()) TB_RETURN_IF_ERROR(tx.accounts().InsertPerson({req.person_id, req.name, req.phone}));
    }
    TB_RETURN_IF_ERROR(tx.accounts().InsertUser(user));
    TB_RETURN_IF_ERROR(RecordAccountCreated(ctx, tx, user, req.created_by));
    if (req.role == domain::Role::kEnterpriseAgent) {
      auto existing = tx.accounts().GetEnterprise(req.enterprise);
      if (!existing.ok() && existing.error().code != ErrorCode::kNotFound) return existing.take_error();
      const bool founder = !existing.ok();
      if (founder) {
        TB_RETURN_IF_ERROR(tx.accounts().InsertEnterprise(
            {req.enterprise, req.enterprise_name.empty() ? req.enterprise : req.enterprise_name, user.id}));
      }
      domain::AgentGrant grant;
      grant.enterprise = req.enterprise;
      grant.user_id = user.id;
      grant.may_apply = founder;
      grant.may_withdraw = founder;
      TB_RETURN_IF_ERROR(tx.accounts().PutAgentGrant(grant));
    }
    return Ok();
  }));
  return user;
}

std::chrono::seconds AccountDelay(int failures) {
  if (failures < kFreeAccountFailures) return std::chrono::seconds{0};
  const int doublings = std::min(failures - kFreeAccountFailures, 20);
  return std::min<std::chrono::seconds>(kFirstAccountDelay * (int64_t{1} << doublings), kMaxAccountDelay);
}

std::string NormaliseUsername(std::string_view username) {
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t first = username.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  username = username.substr(first, username.find_last_not_of(kSpace) - first + 1);
  std::string out(username);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Result<SignedIn> Login(const Context& ctx, const std::string& typed_username, const std::string& password,
                       const std::string& address, const std::string& previous_token) {
  const std::string username = NormaliseUsername(typed_username);
  if (username.size() > kMaxUsernameBytes || password.size() > kMaxPasswordBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "error.login.too_long");
  }
  const Timestamp now = ctx.clock->Now();
  const std::string account_key = AccountKey(ctx, username);
  const std::string address_key = AddressKey(ctx, address);

  std::optional<domain::User> user;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const ports::ThrottleCount account,
                        tx.sessions().CountThrottleHits(account_key, now - kAccountFailureWindow));
    TB_ASSIGN_OR_RETURN(const ports::ThrottleCount from_address,
                        tx.sessions().CountThrottleHits(address_key, now - kAddressWindow));
    const bool account_waits = account.count >= kMaxAccountFailures ||
                               (account.count > 0 && now < account.latest + AccountDelay(account.count));
    // A guessing address is refused only for accounts it may be guessing: those with failures.
    const bool address_guessing = from_address.count >= kMaxFailuresPerAddress && account.count > 0;
    if (account_waits || address_guessing) return MakeError(ErrorCode::kResourceExhausted, "error.login.throttled");
    auto found = tx.accounts().FindUserByUsername(username);
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
      TB_RETURN_IF_ERROR(tx.sessions().RecordThrottleHit(account_key, now));
      return tx.sessions().RecordThrottleHit(address_key, now);
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
    // Consecutive failures end with a success; the address's count stays (it is about others too).
    TB_RETURN_IF_ERROR(tx.sessions().ClearThrottleHits(account_key));
    if (rotate) TB_RETURN_IF_ERROR(tx.sessions().DeleteSession(previous_hash));
    return tx.sessions().InsertSession(session);
  }));
  return out;
}

Result<Authenticated> Authenticate(const Context& ctx, const std::string& token) {
  if (token.empty() || token.size() > 128) return MakeError(ErrorCode::kUnauthenticated, "error.auth.required");
  const std::string hash = ctx.hasher->Sha256Hex(token);
  Authenticated out;
  const Timestamp now = ctx.clock->Now();
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    auto session = tx.sessions().GetSession(hash);
    if (!session.ok()) {
      return session.error().code == ErrorCode::kNotFound ? MakeError(ErrorCode::kUnauthenticated, "error.auth.expired")
                                                          : session.take_error();
    }
    if (session->expires_at <= now) return MakeError(ErrorCode::kUnauthenticated, "error.auth.expired");
    // A kiosk session (services/kiosk.h) is for the /kiosk pages only: elsewhere it is no session.
    if (!session->kind.empty()) return MakeError(ErrorCode::kUnauthenticated, "error.auth.required");
    out.session = std::move(session).value();
    TB_ASSIGN_OR_RETURN(out.user, tx.accounts().GetUser(out.session.user_id));
    return Ok();
  }));
  return out;
}

Result<domain::AgentGrant> GrantAgentRights(const Context& ctx, const Actor& actor, const AgentRights& rights) {
  if (!ValidUsername(rights.username)) return MakeError(ErrorCode::kInvalidArgument, "error.user.username");
  // Each code once, in the order given: a request repeating one code a million times stores one.
  std::vector<std::string> items;
  std::set<std::string> seen;
  for (const auto& code : rights.items) {
    if (seen.insert(code).second) items.push_back(code);
  }
  const auto catalogue = ctx.Catalogue();
  for (const auto& code : items) {
    const domain::ServiceItem* item = catalogue->FindItem(code);
    if (item == nullptr || item->applicant != domain::ApplicantKind::kEnterprise) {
      return MakeError(ErrorCode::kInvalidArgument, "error.grant.unknown_item");
    }
  }
  domain::AgentGrant grant;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    // An unknown enterprise answers as one the actor does not administer, and an unknown username
    // as one that is not an agent: nobody learns which codes or usernames exist.
    auto enterprise = tx.accounts().GetEnterprise(rights.enterprise);
    if (!enterprise.ok() && enterprise.error().code != ErrorCode::kNotFound) return enterprise.take_error();
    if (!enterprise.ok() || enterprise->admin_user_id.empty() || enterprise->admin_user_id != actor.user.id) {
      return MakeError(ErrorCode::kPermissionDenied, "error.grant.not_admin");
    }
    auto agent = tx.accounts().FindUserByUsername(rights.username);
    if (!agent.ok() && agent.error().code != ErrorCode::kNotFound) return agent.take_error();
    if (!agent.ok() || !agent->HasRole(domain::Role::kEnterpriseAgent)) {
      return MakeError(ErrorCode::kInvalidArgument, "error.grant.not_agent");
    }
    if (agent->id == actor.user.id) return MakeError(ErrorCode::kInvalidArgument, "error.grant.self");
    grant.enterprise = rights.enterprise;
    grant.user_id = agent->id;
    grant.may_apply = rights.may_apply;
    grant.may_withdraw = rights.may_withdraw;
    grant.items = items;
    return tx.accounts().PutAgentGrant(grant);
  }));
  return grant;
}

Result<std::vector<domain::AgentGrant>> AgentGrantsOf(const Context& ctx, const std::string& user_id) {
  std::vector<domain::AgentGrant> out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(out, tx.accounts().ListAgentGrantsOfUser(user_id));
    return Ok();
  }));
  return out;
}

namespace {

// Whether `grant` lets its agent act for the enterprise at all (the rule of ActingGrant in
// applications.cc: an agent who may apply).
bool LetsAct(const domain::User& user, const domain::AgentGrant& grant) {
  return user.HasRole(domain::Role::kEnterpriseAgent) && grant.may_apply;
}

Result<std::vector<EnterpriseChoice>> EnterprisesIn(ports::Transaction& tx, const domain::User& user) {
  std::vector<EnterpriseChoice> out;
  if (!user.HasRole(domain::Role::kEnterpriseAgent)) return out;
  TB_ASSIGN_OR_RETURN(auto grants, tx.accounts().ListAgentGrantsOfUser(user.id));
  for (auto& grant : grants) {
    if (!LetsAct(user, grant)) continue;
    EnterpriseChoice choice;
    TB_ASSIGN_OR_RETURN(choice.enterprise, tx.accounts().GetEnterprise(grant.enterprise));
    choice.administrator = choice.enterprise.admin_user_id == user.id;
    choice.grant = std::move(grant);
    out.push_back(std::move(choice));
  }
  return out;
}

}  // namespace

Result<std::vector<EnterpriseChoice>> EnterprisesOf(const Context& ctx, const Actor& actor) {
  std::vector<EnterpriseChoice> out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(out, EnterprisesIn(tx, actor.user));
    return Ok();
  }));
  return out;
}

Status ChooseEnterprise(const Context& ctx, const Actor& actor, const std::string& token_hash,
                        const std::string& enterprise) {
  return ctx.store->Write([&](ports::Transaction& tx) -> Status {
    if (!enterprise.empty()) {
      auto grant = tx.accounts().GetAgentGrant(enterprise, actor.user.id);
      if (!grant.ok() && grant.error().code != ErrorCode::kNotFound) return grant.take_error();
      if (!grant.ok() || !LetsAct(actor.user, *grant)) {
        return MakeError(ErrorCode::kPermissionDenied, "error.enterprise.not_agent");
      }
    }
    return tx.sessions().SetActingEnterprise(token_hash, enterprise);
  });
}

Result<std::string> ActingEnterprise(const Context& ctx, const Actor& actor, const domain::Session& session,
                                     bool choose_single) {
  if (!actor.user.HasRole(domain::Role::kEnterpriseAgent)) return std::string();
  if (session.acting_enterprise.empty() && !choose_single) return std::string();
  std::string out;
  bool changed = false;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    if (!session.acting_enterprise.empty()) {
      auto grant = tx.accounts().GetAgentGrant(session.acting_enterprise, actor.user.id);
      if (!grant.ok() && grant.error().code != ErrorCode::kNotFound) return grant.take_error();
      if (grant.ok() && LetsAct(actor.user, *grant)) {
        out = session.acting_enterprise;
        return Ok();
      }
      changed = true;  // the rights were withdrawn: the choice goes
    }
    if (choose_single) {
      TB_ASSIGN_OR_RETURN(auto choices, EnterprisesIn(tx, actor.user));
      if (choices.size() == 1) {
        out = choices.front().enterprise.code;
        changed = true;
      }
    }
    return Ok();
  }));
  if (changed) {
    TB_RETURN_IF_ERROR(ctx.store->Write(
        [&](ports::Transaction& tx) -> Status { return tx.sessions().SetActingEnterprise(session.token_hash, out); }));
  }
  return out;
}

Result<AgentPage> ListEnterpriseAgents(const Context& ctx, const Actor& actor, const std::string& enterprise,
                                       const std::string& page_token, int limit) {
  limit = std::clamp(limit, 1, ports::kMaxPageSize);
  AgentPage out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    auto found = tx.accounts().GetEnterprise(enterprise);
    if (!found.ok() && found.error().code != ErrorCode::kNotFound) return found.take_error();
    if (!found.ok() || found->admin_user_id.empty() || found->admin_user_id != actor.user.id) {
      return MakeError(ErrorCode::kPermissionDenied, "error.grant.not_admin");
    }
    out.enterprise = std::move(found).value();
    // One more than asked tells whether another page follows; the token is the last user id shown.
    TB_ASSIGN_OR_RETURN(auto grants, tx.accounts().ListAgentGrantsOfEnterprise(enterprise, page_token, limit + 1));
    if (static_cast<int>(grants.size()) > limit) {
      grants.resize(static_cast<size_t>(limit));
      out.next_page_token = grants.back().user_id;
    }
    for (auto& grant : grants) {
      if (grant.user_id == actor.user.id) continue;
      TB_ASSIGN_OR_RETURN(auto user, tx.accounts().GetUser(grant.user_id));
      out.agents.push_back({std::move(grant), user.username, user.display_name});
    }
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
        TB_ASSIGN_OR_RETURN(deleted, sessions ? tx.sessions().DeleteExpiredSessions(now, kBatch)
                                              : tx.sessions().DeleteThrottleHitsBefore(now - kAccountFailureWindow, kBatch));
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
    auto deleted = tx.sessions().DeleteSession(hash);
    if (!deleted.ok() && deleted.error().code == ErrorCode::kNotFound) return Ok();
    return deleted;
  });
}

}  // namespace tongban::services
