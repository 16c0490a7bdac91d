#include "services/proxies.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "services/messages.h"

namespace tongban::services {
namespace {

bool ValidProxyUsername(std::string_view name) {
  if (name.size() < 3 || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::islower(u) || std::isdigit(u) || c == '.' || c == '_' || c == '-';
  });
}

// "<created_at seconds>.<id>" of the last grant of a page.
std::string ProxyPageToken(const domain::ProxyGrant& g) {
  return std::to_string(g.created_at.time_since_epoch().count()) + "." + g.id;
}

std::optional<ports::ProxyCursor> ParseProxyPageToken(const std::string& token) {
  const size_t dot = token.find('.');
  if (dot == std::string::npos || dot == 0 || dot > 18 || dot + 1 >= token.size()) return std::nullopt;
  int64_t seconds = 0;
  for (size_t i = 0; i < dot; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(token[i]))) return std::nullopt;
    seconds = seconds * 10 + (token[i] - '0');
  }
  return ports::ProxyCursor{Timestamp{std::chrono::seconds{seconds}}, token.substr(dot + 1)};
}

MessageParams GrantParams(const domain::ProxyGrant& g) {
  return {{"grantor", g.grantor_name}, {"until", FormatIsoDate(LocalDate(g.valid_until - std::chrono::seconds(1)))}};
}

// The recipient of a message to the proxy: their person.
Status TellProxy(const Context& ctx, ports::Transaction& tx, const domain::ProxyGrant& g, const std::string& kind) {
  TB_ASSIGN_OR_RETURN(const domain::User proxy, tx.accounts().GetUser(g.proxy_user_id));
  return PostMessage(ctx, tx, domain::ApplicantKind::kPerson, proxy.person_id, kind, GrantParams(g), {"", ""});
}

}  // namespace

Result<domain::ProxyGrant> GrantProxy(const Context& ctx, const Actor& actor, const ProxyRequest& req) {
  const auto& u = actor.user;
  if (u.person_id.empty() || !u.HasRole(domain::Role::kCitizen)) {
    return MakeError(ErrorCode::kPermissionDenied, "error.proxy.person_only");
  }
  if (!ValidProxyUsername(req.username)) return MakeError(ErrorCode::kInvalidArgument, "error.proxy.username");
  // Each code once, in the order given.
  std::vector<std::string> items;
  std::set<std::string> seen;
  for (const auto& code : req.items) {
    if (seen.insert(code).second) items.push_back(code);
  }
  if (items.empty() || items.size() > static_cast<size_t>(domain::kMaxProxyItems)) {
    return MakeError(ErrorCode::kInvalidArgument, "error.proxy.items");
  }
  const auto catalogue = ctx.Catalogue();
  for (const auto& code : items) {
    const domain::ServiceItem* item = catalogue ? catalogue->FindItem(code) : nullptr;
    if (item == nullptr || item->applicant != domain::ApplicantKind::kPerson) {
      return MakeError(ErrorCode::kInvalidArgument, "error.proxy.unknown_item");
    }
  }
  const Timestamp now = ctx.clock->Now();
  const Date today = LocalDate(now);
  const std::optional<Date> until = ParseIsoDate(req.until);
  if (!until || DaysSinceEpoch(*until) < DaysSinceEpoch(today) ||
      DaysSinceEpoch(*until) > DaysSinceEpoch(today) + domain::kMaxProxyDays) {
    return MakeError(ErrorCode::kInvalidArgument, "error.proxy.until");
  }
  domain::ProxyGrant grant;
  grant.id = ctx.ids->NewId();
  grant.grantor_user_id = u.id;
  grant.grantor_person_id = u.person_id;
  grant.items = std::move(items);
  grant.valid_until = StartOfLocalDay(AddDays(*until, 1));  // to the end of the last day
  grant.created_at = now;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    // An unknown username answers as one that is not a citizen's: nobody learns which exist.
    auto proxy = tx.accounts().FindUserByUsername(req.username);
    if (!proxy.ok() && proxy.error().code != ErrorCode::kNotFound) return proxy.take_error();
    if (!proxy.ok() || proxy->person_id.empty() || !proxy->HasRole(domain::Role::kCitizen)) {
      return MakeError(ErrorCode::kInvalidArgument, "error.proxy.not_citizen");
    }
    if (proxy->id == u.id || proxy->person_id == u.person_id) {
      return MakeError(ErrorCode::kInvalidArgument, "error.proxy.self");
    }
    grant.proxy_user_id = proxy->id;
    TB_RETURN_IF_ERROR(tx.proxies().InsertProxyGrant(grant));
    TB_ASSIGN_OR_RETURN(grant, tx.proxies().GetProxyGrant(grant.id));  // with its names
    return TellProxy(ctx, tx, grant, "proxy_granted");
  }));
  return grant;
}

Result<domain::ProxyGrant> WithdrawProxy(const Context& ctx, const Actor& actor, const std::string& id) {
  domain::ProxyGrant grant;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(grant, tx.proxies().GetProxyGrant(id));
    if (grant.grantor_user_id != actor.user.id) return MakeError(ErrorCode::kNotFound, "error.proxy.not_found");
    TB_ASSIGN_OR_RETURN(const bool withdrawn, tx.proxies().WithdrawProxyGrant(id, ctx.clock->Now()));
    if (!withdrawn) return Ok();
    TB_ASSIGN_OR_RETURN(grant, tx.proxies().GetProxyGrant(id));
    return TellProxy(ctx, tx, grant, "proxy_withdrawn");
  }));
  return grant;
}

Result<ProxyGrantPage> ListProxiesGiven(const Context& ctx, const Actor& actor, const std::string& page_token,
                                        int limit) {
  ports::ProxyCursor cursor;
  if (!page_token.empty()) {
    const auto parsed = ParseProxyPageToken(page_token);
    if (!parsed) return MakeError(ErrorCode::kInvalidArgument, "error.page_token.invalid");
    cursor = *parsed;
  }
  const int n = std::clamp(limit, 1, ports::kMaxProxyPage);
  ProxyGrantPage page;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    // One more than asked tells whether another page follows.
    TB_ASSIGN_OR_RETURN(page.grants, tx.proxies().ListProxyGrantsGiven(actor.user.id, cursor, n + 1));
    return Ok();
  }));
  if (page.grants.size() > static_cast<size_t>(n)) {
    page.grants.resize(n);
    page.next_page_token = ProxyPageToken(page.grants.back());
  }
  return page;
}

Result<std::vector<ProxiedPerson>> ListProxied(const Context& ctx, const Actor& actor) {
  std::vector<domain::ProxyGrant> grants;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(grants,
                        tx.proxies().ListLiveProxyGrantsHeld(actor.user.id, ctx.clock->Now(), ports::kMaxProxyPage));
    return Ok();
  }));
  std::vector<ProxiedPerson> out;
  for (const auto& g : grants) {
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.person_id == g.grantor_person_id; });
    if (it == out.end()) {
      out.push_back({g.grantor_person_id, g.grantor_name, {}, g.valid_until});
      it = out.end() - 1;
    }
    for (const auto& item : g.items) {
      if (std::find(it->items.begin(), it->items.end(), item) == it->items.end()) it->items.push_back(item);
    }
    it->valid_until = std::max(it->valid_until, g.valid_until);
  }
  return out;
}

Result<ports::ApplicationPage> ListProxiedApplications(const Context& ctx, const Actor& actor,
                                                       const std::string& person_id, const std::string& page_token,
                                                       int limit) {
  ports::ApplicationPage page;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const auto grants, tx.proxies().LiveProxyGrantsFor(actor.user.id, person_id, ctx.clock->Now()));
    if (person_id.empty() || grants.empty()) return MakeError(ErrorCode::kPermissionDenied, "error.proxy.no_rights");
    ports::ApplicationQuery q;
    q.person_id = person_id;
    for (const auto& g : grants) q.items.insert(q.items.end(), g.items.begin(), g.items.end());
    std::sort(q.items.begin(), q.items.end());
    q.items.erase(std::unique(q.items.begin(), q.items.end()), q.items.end());
    q.page_token = page_token;
    q.limit = std::clamp(limit, 1, ports::kMaxPageSize);
    TB_ASSIGN_OR_RETURN(page, tx.applications().ListApplications(q));
    return Ok();
  }));
  return page;
}

Result<std::optional<domain::ProxyGrant>> LiveProxyGrant(ports::Transaction& tx, Timestamp at,
                                                         const domain::User& proxy, const std::string& person_id,
                                                         const std::string& item) {
  if (person_id.empty() || proxy.person_id.empty() || proxy.person_id == person_id ||
      !proxy.HasRole(domain::Role::kCitizen)) {
    return std::optional<domain::ProxyGrant>();
  }
  TB_ASSIGN_OR_RETURN(auto grants, tx.proxies().LiveProxyGrantsFor(proxy.id, person_id, at));
  for (auto& g : grants) {
    if (domain::ProxyGrantLive(g, at) && domain::ProxyGrantCovers(g, item)) {
      return std::optional<domain::ProxyGrant>(std::move(g));
    }
  }
  return std::optional<domain::ProxyGrant>();
}

Result<std::optional<Error>> FormerProxyRefusal(ports::Transaction& tx, const domain::User& user,
                                                const std::string& person_id) {
  if (person_id.empty() || user.person_id.empty() || user.person_id == person_id ||
      !user.HasRole(domain::Role::kCitizen)) {
    return std::optional<Error>();
  }
  TB_ASSIGN_OR_RETURN(const bool ever, tx.proxies().EverProxyFor(user.id, person_id));
  if (!ever) return std::optional<Error>();
  return std::optional<Error>(MakeError(ErrorCode::kPermissionDenied, "error.proxy.no_rights"));
}

}  // namespace tongban::services
