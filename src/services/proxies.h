// Family proxies (issue 12 item 4; PRODUCT.md C5, C10): a person lets a family member (a citizen
// with an account, "the proxy") apply for them and follow and act on their applications as they
// would, for chosen personal items, until a date at most kMaxProxyDays ahead, and withdraws that at
// any time. The proxy is told by an inbox message each time. Applications the proxy files are the
// person's; every event the proxy writes records them with actor_role "proxy", and the person's
// timeline names them. The rights check itself (LiveProxyGrant) runs inside the caller's
// transaction: StandingOn gives the role `proxy` while a live grant covers the item.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/time.h"
#include "domain/proxy_grant.h"
#include "ports/application_repository.h"
#include "services/context.h"

namespace tongban::services {

struct ProxyRequest {
  std::string username;            // the family member's account
  std::vector<std::string> items;  // personal item codes
  std::string until;               // YYYY-MM-DD: the last day the grant runs
};

// Grants `req.username` the right to act for the actor (a citizen with a person) for `req.items`
// until the end of `req.until` (city time); answers the grant. kInvalidArgument:
// error.proxy.username (not a username), error.proxy.items (none chosen, or too many),
// error.proxy.unknown_item (not a personal item of the catalogue), error.proxy.until (not a date,
// not after today, or more than kMaxProxyDays ahead), error.proxy.not_citizen (no citizen account
// with a person by that name), error.proxy.self. kPermissionDenied error.proxy.person_only when the
// actor has no person. Nothing is written on any error.
Result<domain::ProxyGrant> GrantProxy(const Context& ctx, const Actor& actor, const ProxyRequest& req);

// Withdraws a grant the actor gave; answers it (withdrawing it again changes nothing). kNotFound
// (error.proxy.not_found) for a grant that is not theirs, so ids are not probed.
Result<domain::ProxyGrant> WithdrawProxy(const Context& ctx, const Actor& actor, const std::string& id);

// The grants the actor gave (live, expired, withdrawn), newest first, a page at a time.
struct ProxyGrantPage {
  std::vector<domain::ProxyGrant> grants;
  std::string next_page_token;  // empty on the last page
};
Result<ProxyGrantPage> ListProxiesGiven(const Context& ctx, const Actor& actor, const std::string& page_token,
                                        int limit);

// The people the actor may act for now: each person once, with the items of all their live grants
// and the latest end.
struct ProxiedPerson {
  std::string person_id;
  std::string name;
  std::vector<std::string> items;
  Timestamp valid_until{};
};
Result<std::vector<ProxiedPerson>> ListProxied(const Context& ctx, const Actor& actor);

// The person's applications of the items the actor's live grants cover, newest first.
// kPermissionDenied (error.proxy.no_rights) when the actor holds no live grant from the person.
Result<ports::ApplicationPage> ListProxiedApplications(const Context& ctx, const Actor& actor,
                                                       const std::string& person_id, const std::string& page_token,
                                                       int limit);

// The live grant at `at` through which `proxy` acts for `person_id` on `item`, or nullopt. Runs in
// the caller's transaction (StandingOn, InsertNewApplication).
Result<std::optional<domain::ProxyGrant>> LiveProxyGrant(ports::Transaction& tx, Timestamp at,
                                                         const domain::User& proxy, const std::string& person_id,
                                                         const std::string& item);

// The error for someone with no standing on `app` who was once the person's proxy (their grant
// ended, was withdrawn or never covered the item): kPermissionDenied error.proxy.no_rights, so they
// learn why; nullopt for everyone else (who are told the application is not found).
Result<std::optional<Error>> FormerProxyRefusal(ports::Transaction& tx, const domain::User& user,
                                                const std::string& person_id);

}  // namespace tongban::services
