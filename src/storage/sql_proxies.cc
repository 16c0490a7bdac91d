#include "storage/sql_proxies.h"

#include <algorithm>
#include <string_view>

namespace tongban::storage {
namespace {

// The grant's row and the names it is shown with (the grantor's person's name, else their
// account's; the proxy's account name and username).
#define TB_PROXY_SELECT                                                                                   \
  "SELECT g.id, g.grantor_user_id, g.grantor_person_id, g.proxy_user_id, g.items, g.valid_until,"        \
  " g.created_at, g.withdrawn_at, COALESCE(p.name, gu.display_name, ''), COALESCE(pu.display_name, ''),"  \
  " COALESCE(pu.username, '') FROM proxy_grants g"                                                        \
  " LEFT JOIN users gu ON gu.id = g.grantor_user_id LEFT JOIN persons p ON p.id = g.grantor_person_id"   \
  " LEFT JOIN users pu ON pu.id = g.proxy_user_id"
constexpr std::string_view kInsert =
    "INSERT INTO proxy_grants (id, grantor_user_id, grantor_person_id, proxy_user_id, items, valid_until,"
    " created_at, withdrawn_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)";
constexpr std::string_view kGet = TB_PROXY_SELECT " WHERE g.id = $1";
constexpr std::string_view kWithdraw =
    "UPDATE proxy_grants SET withdrawn_at = $2 WHERE id = $1 AND withdrawn_at IS NULL";
// Through proxy_grants_grantor, newest first.
constexpr std::string_view kGivenFirst =
    TB_PROXY_SELECT " WHERE g.grantor_user_id = $1 ORDER BY g.created_at DESC, g.id DESC LIMIT $2";
constexpr std::string_view kGivenAfter =
    TB_PROXY_SELECT " WHERE g.grantor_user_id = $1 AND (g.created_at < $3 OR (g.created_at = $3 AND g.id < $4))"
                    " ORDER BY g.created_at DESC, g.id DESC LIMIT $2";
// Through proxy_grants_proxy_until: the live ones only.
constexpr std::string_view kHeld =
    TB_PROXY_SELECT " WHERE g.proxy_user_id = $1 AND g.valid_until > $2 AND g.withdrawn_at IS NULL"
                    " ORDER BY g.valid_until, g.id LIMIT $3";
// Through proxy_grants_proxy.
constexpr std::string_view kLiveFor =
    TB_PROXY_SELECT " WHERE g.proxy_user_id = $1 AND g.grantor_person_id = $2 AND g.valid_until > $3"
                    " AND g.withdrawn_at IS NULL ORDER BY g.valid_until, g.id LIMIT 100";
// Through proxy_grants_proxy.
constexpr std::string_view kEver =
    "SELECT 1 FROM proxy_grants WHERE proxy_user_id = $1 AND grantor_person_id = $2 LIMIT 1";
#undef TB_PROXY_SELECT

Result<domain::ProxyGrant> ReadGrant(Statement& statement) {
  Columns c(statement);
  domain::ProxyGrant g;
  g.id = c.Text();
  g.grantor_user_id = c.Text();
  g.grantor_person_id = c.Text();
  g.proxy_user_id = c.Text();
  TB_ASSIGN_OR_RETURN(g.items, ParseStringList(c.Text(), "proxy_grants.items"));
  g.valid_until = FromSeconds(c.Int());
  g.created_at = FromSeconds(c.Int());
  if (const auto withdrawn = c.OptionalInt()) g.withdrawn_at = FromSeconds(*withdrawn);
  g.grantor_name = c.Text();
  g.proxy_name = c.Text();
  g.proxy_username = c.Text();
  return g;
}

}  // namespace

Status SqlProxies::InsertProxyGrant(const domain::ProxyGrant& g) {
  TB_ASSIGN_OR_RETURN(const std::string items, StringListJson(g.items, "an item code"));
  return sql_.Run(kInsert, [&](Binder& b) {
    b.Text(g.id)
        .Text(g.grantor_user_id)
        .Text(g.grantor_person_id)
        .Text(g.proxy_user_id)
        .Text(items)
        .Int(Seconds(g.valid_until))
        .Int(Seconds(g.created_at));
  });
}

Result<domain::ProxyGrant> SqlProxies::GetProxyGrant(const std::string& id) {
  return sql_.One<domain::ProxyGrant>(kGet, [&](Binder& b) { b.Text(id); }, "error.proxy.not_found", ReadGrant);
}

Result<bool> SqlProxies::WithdrawProxyGrant(const std::string& id, Timestamp at) {
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kWithdraw, [&](Binder& b) { b.Text(id).Int(Seconds(at)); }));
  return changed > 0;
}

Result<std::vector<domain::ProxyGrant>> SqlProxies::ListProxyGrantsGiven(const std::string& grantor_user_id,
                                                                        const ports::ProxyCursor& cursor, int limit) {
  const int n = std::clamp(limit, 1, ports::kMaxProxyPage);
  if (cursor.id.empty()) {
    return sql_.All<domain::ProxyGrant>(kGivenFirst, [&](Binder& b) { b.Text(grantor_user_id).Int(n); }, ReadGrant);
  }
  return sql_.All<domain::ProxyGrant>(
      kGivenAfter, [&](Binder& b) { b.Text(grantor_user_id).Int(n).Int(Seconds(cursor.created_at)).Text(cursor.id); },
      ReadGrant);
}

Result<std::vector<domain::ProxyGrant>> SqlProxies::ListLiveProxyGrantsHeld(const std::string& proxy_user_id,
                                                                           Timestamp at, int limit) {
  const int n = std::clamp(limit, 1, ports::kMaxProxyPage);
  return sql_.All<domain::ProxyGrant>(kHeld, [&](Binder& b) { b.Text(proxy_user_id).Int(Seconds(at)).Int(n); },
                                      ReadGrant);
}

Result<std::vector<domain::ProxyGrant>> SqlProxies::LiveProxyGrantsFor(const std::string& proxy_user_id,
                                                                      const std::string& grantor_person_id,
                                                                      Timestamp at) {
  return sql_.All<domain::ProxyGrant>(
      kLiveFor, [&](Binder& b) { b.Text(proxy_user_id).Text(grantor_person_id).Int(Seconds(at)); }, ReadGrant);
}

Result<bool> SqlProxies::EverProxyFor(const std::string& proxy_user_id, const std::string& grantor_person_id) {
  TB_ASSIGN_OR_RETURN(const auto rows, sql_.All<int64_t>(
                                           kEver, [&](Binder& b) { b.Text(proxy_user_id).Text(grantor_person_id); },
                                           [](Statement& st) -> Result<int64_t> { return Columns(st).Int(); }));
  return !rows.empty();
}

}  // namespace tongban::storage
