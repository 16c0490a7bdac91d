// Use cases for accounts and sessions: creating users, signing in and out, resolving a bearer
// token. Thread-safety: stateless functions over a Context; safe from every thread.
#pragma once

#include <optional>
#include <string>

#include "services/context.h"

namespace tongban::services {

// Sessions last this long; the server keeps nothing in memory about them.
inline constexpr std::chrono::hours kSessionLifetime{12};
// Login throttling: failures counted over this window ...
inline constexpr std::chrono::minutes kLoginWindow{15};
// ... per (username, client address): the victim's own address is never locked by an attacker's
// failures elsewhere ...
inline constexpr int kMaxFailuresPerAccountAndAddress = 5;
// ... and per client address across all usernames (password spraying).
inline constexpr int kMaxFailuresPerAddress = 30;

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
};

// Creates a user (and its person record when missing). kInvalidArgument for a bad username,
// weak password, bad resident id or credit code, unknown department/centre; kConflict when the
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
// keeps an older session alive. kUnauthenticated for a wrong username or password (the same answer
// for both); kResourceExhausted when throttled (the password is not checked).
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
// kPermissionDenied unless `actor` administers the enterprise; kNotFound for an unknown enterprise
// or user; kInvalidArgument when the user is not an enterprise agent or an item is unknown.
Result<domain::AgentGrant> GrantAgentRights(const Context& ctx, const Actor& actor, const AgentRights& rights);

// The enterprises `user_id` may act for, with the rights given.
Result<std::vector<domain::AgentGrant>> AgentGrantsOf(const Context& ctx, const std::string& user_id);

// Housekeeping: deletes expired sessions and login failures older than the throttling window, in
// batches of one short transaction each. Returns how many rows went. Safe to run on every server.
Result<int64_t> PruneExpired(const Context& ctx);

// Ends the session of `token`. Idempotent.
Status Logout(const Context& ctx, const std::string& token);

}  // namespace tongban::services
