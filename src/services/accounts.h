// Use cases for accounts and sessions: creating users, signing in and out, resolving a bearer
// token. Thread-safety: stateless functions over a Context; safe from every thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "services/context.h"

namespace tongban::services {

// Sessions last this long; the server keeps nothing in memory about them.
inline constexpr std::chrono::hours kSessionLifetime{12};
// Bounds on what a person types: longer input is refused before anything is hashed or stored.
inline constexpr size_t kMaxUsernameBytes = 64;
inline constexpr size_t kMinPasswordBytes = 8;
inline constexpr size_t kMaxPasswordBytes = 1024;

// Login throttling (NIST SP 800-63B 5.2.2). The state is rows in the database (login_failures,
// keyed by SHA-256 hashes, never by what was typed), so every server behind a load balancer sees it.
//
// Per account, across every address: the failures since its last successful sign-in, counted over
// kAccountFailureWindow. The first kFreeAccountFailures cost nothing (typing mistakes); after that
// each attempt waits kFirstAccountDelay after the latest failure, doubled for each further failure
// up to kMaxAccountDelay; at kMaxAccountFailures the account takes no attempt until failures age out.
// An attacker with many addresses gets at most 100 guesses a day; the owner waits at most
// kMaxAccountDelay between attempts until then.
inline constexpr std::chrono::hours kAccountFailureWindow{24};
inline constexpr int kFreeAccountFailures = 5;
inline constexpr std::chrono::seconds kFirstAccountDelay{30};
inline constexpr std::chrono::minutes kMaxAccountDelay{15};
inline constexpr int kMaxAccountFailures = 100;
// Per client address, across usernames: kMaxFailuresPerAddress failures in kAddressWindow mark the
// address as guessing (password spraying). From such an address an account that has failures of
// its own (in kAccountFailureWindow) is refused without checking its password, so a sprayer gets
// one guess per account a day; an account without failures is still checked, so a person behind
// the same shared address (a service centre's NAT) signs in with a correct password.
inline constexpr std::chrono::minutes kAddressWindow{15};
inline constexpr int kMaxFailuresPerAddress = 100;

// How long an account with `failures` consecutive failures waits after the latest one (zero while
// failures < kFreeAccountFailures).
std::chrono::seconds AccountDelay(int failures);

// The form of a username that sign-in looks up and throttles by: surrounding spaces removed,
// ASCII letters lower-cased (usernames are lower-case; phones capitalise the first letter).
std::string NormaliseUsername(std::string_view username);

struct NewUser {
  std::string username;
  std::string password;
  domain::Role role = domain::Role::kCitizen;
  std::string department;
  std::string centre;
  std::string person_id;   // persons: resident id; the person is created when missing
  std::string name;        // the person's or official's display name
  std::string phone;
  // Enterprise agents: the credit code. A new enterprise is created with this user as its
  // administrator (all rights); an agent of an existing enterprise starts with no rights until the
  // administrator grants them (GrantAgentRights).
  std::string enterprise;
  std::string enterprise_name;
  // Officials: who creates the account, kept with its first role's record (services/roles.h).
  std::string created_by = "command line";
};

// Creates a user (and its person record when missing). kInvalidArgument for a bad username
// (3 to 64 of a-z 0-9 . _ -), a password shorter than kMinPasswordBytes or longer than
// kMaxPasswordBytes, bad resident id or credit code, unknown department/centre; kConflict when the
// username exists.
Result<domain::User> CreateUser(const Context& ctx, const NewUser& request);

struct SignedIn {
  std::string token;  // the bearer token; only its hash is stored
  std::string csrf_token;
  domain::User user;
  Timestamp expires_at;
};

// Checks the password and opens a session. When `previous_token` names a session (the cookie a
// browser sent with its sign-in), that session is ended in the same transaction: signing in never
// keeps an older session alive. kInvalidArgument ("error.login.too_long") for a username longer than
// kMaxUsernameBytes or a password longer than kMaxPasswordBytes (nothing is stored);
// kUnauthenticated for a wrong username or password (the same answer for both);
// kResourceExhausted when throttled (the password is not checked).
Result<SignedIn> Login(const Context& ctx, const std::string& username, const std::string& password,
                       const std::string& address, const std::string& previous_token = "");

struct Authenticated {
  domain::User user;
  domain::Session session;
};

// Resolves a bearer token or session cookie. kUnauthenticated when unknown or expired.
Result<Authenticated> Authenticate(const Context& ctx, const std::string& token);

struct AgentRights {
  std::string enterprise;  // credit code
  std::string username;    // the agent
  bool may_apply = false;
  bool may_withdraw = false;
  std::vector<std::string> items;  // item codes; empty: every item
};

// The enterprise's administrator gives, changes or (all false) takes away an agent's rights.
// kPermissionDenied unless `actor` administers the enterprise (an unknown enterprise alike);
// kInvalidArgument for a malformed username, when no enterprise agent has the username (an unknown
// username alike) or an item is unknown. Repeated item codes are kept once.
Result<domain::AgentGrant> GrantAgentRights(const Context& ctx, const Actor& actor, const AgentRights& rights);

// The enterprises `user_id` may act for, with the rights given.
Result<std::vector<domain::AgentGrant>> AgentGrantsOf(const Context& ctx, const std::string& user_id);

// One enterprise an agent may act for, as the enterprise switcher shows it.
struct EnterpriseChoice {
  domain::Enterprise enterprise;
  domain::AgentGrant grant;
  bool administrator = false;  // the agent administers it (the rights page is theirs)
};

// The enterprises the actor may act for now (a grant that lets them apply), in credit code order;
// empty for anyone who is not an enterprise agent.
Result<std::vector<EnterpriseChoice>> EnterprisesOf(const Context& ctx, const Actor& actor);

// The enterprise switcher: the session `token_hash` acts for `enterprise` from now on ("" acts for
// the agent themselves), stored with the session so every server agrees. kPermissionDenied
// (error.enterprise.not_agent) unless the actor's grant for it lets them apply (an unknown
// enterprise alike); nothing changes then.
Status ChooseEnterprise(const Context& ctx, const Actor& actor, const std::string& token_hash,
                        const std::string& enterprise);

// The enterprise `session` acts for, checked against the actor's rights now: "" when none is
// chosen or the rights were withdrawn (the stale choice is then cleared). With `choose_single`, an
// agent who has chosen none and may act for exactly one enterprise gets it chosen.
Result<std::string> ActingEnterprise(const Context& ctx, const Actor& actor, const domain::Session& session,
                                     bool choose_single);

// An agent of an enterprise, as its administrator's rights page shows them.
struct AgentEntry {
  domain::AgentGrant grant;
  std::string username;
  std::string name;
};
struct AgentPage {
  domain::Enterprise enterprise;
  std::vector<AgentEntry> agents;  // in user id order, the administrator left out
  std::string next_page_token;     // empty on the last page
};

// The enterprise's agents and their rights, a page at a time (`limit` clamped to
// 1..ports::kMaxPageSize). kPermissionDenied (error.grant.not_admin) unless `actor` administers the
// enterprise (an unknown enterprise alike).
Result<AgentPage> ListEnterpriseAgents(const Context& ctx, const Actor& actor, const std::string& enterprise,
                                       const std::string& page_token, int limit);

// Housekeeping: deletes expired sessions and login failures older than kAccountFailureWindow, in
// batches of one short transaction each. Returns how many rows went. Safe to run on every server.
Result<int64_t> PruneExpired(const Context& ctx);

// Ends the session of `token`. Idempotent.
Status Logout(const Context& ctx, const std::string& token);

}  // namespace tongban::services
