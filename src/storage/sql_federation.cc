#include "storage/sql_federation.h"

#include <algorithm>
#include <optional>
#include <string_view>

namespace tongban::storage {
namespace {

#define TB_PEER_SELECT                                                                                   \
  "SELECT code, url, name_zh, name_en, fingerprint, list_key, list_jws, valid_until, fetched_at,"       \
  " refresh_at, last_error, last_error_detail, last_error_at, added_at FROM federation_peers"
constexpr std::string_view kInsert =
    "INSERT INTO federation_peers (code, url, name_zh, name_en, fingerprint, list_key, list_jws, valid_until,"
    " fetched_at, refresh_at, last_error, last_error_detail, last_error_at, added_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
// Through the primary key.
constexpr std::string_view kGet = TB_PEER_SELECT " WHERE code = $1";
constexpr std::string_view kList = TB_PEER_SELECT " WHERE code > $1 ORDER BY code LIMIT $2";
// Through federation_peers_refresh_at.
constexpr std::string_view kDue = TB_PEER_SELECT " WHERE refresh_at <= $1 ORDER BY refresh_at, code LIMIT $2";
constexpr std::string_view kUpdate =
    "UPDATE federation_peers SET url = $2, name_zh = $3, name_en = $4, fingerprint = $5, list_key = $6,"
    " list_jws = $7, valid_until = $8, fetched_at = $9, refresh_at = $10, last_error = $11,"
    " last_error_detail = $12, last_error_at = $13 WHERE code = $1";
constexpr std::string_view kDelete = "DELETE FROM federation_peers WHERE code = $1";
#undef TB_PEER_SELECT

std::optional<int64_t> OptionalSeconds(const std::optional<Timestamp>& at) {
  if (!at) return std::nullopt;
  return Seconds(*at);
}

std::optional<Timestamp> OptionalTime(std::optional<int64_t> s) {
  if (!s) return std::nullopt;
  return FromSeconds(*s);
}

Result<domain::Peer> ReadPeer(Statement& statement) {
  Columns c(statement);
  domain::Peer p;
  p.code = c.Text();
  p.url = c.Text();
  p.name_zh = c.Text();
  p.name_en = c.Text();
  p.fingerprint = c.Text();
  p.list_key = c.Text();
  p.list_jws = c.Text();
  p.valid_until = OptionalTime(c.OptionalInt());
  p.fetched_at = OptionalTime(c.OptionalInt());
  p.refresh_at = FromSeconds(c.Int());
  p.last_error = c.Text();
  p.last_error_detail = c.Text();
  p.last_error_at = OptionalTime(c.OptionalInt());
  p.added_at = FromSeconds(c.Int());
  return p;
}

// $1..$13 of kInsert and kUpdate: every column but added_at.
void BindPeer(Binder& b, const domain::Peer& p) {
  b.Text(p.code)
        .Text(p.url)
        .Text(p.name_zh)
        .Text(p.name_en)
        .Text(p.fingerprint)
        .Text(p.list_key)
        .Text(p.list_jws)
        .OptionalInt(OptionalSeconds(p.valid_until))
        .OptionalInt(OptionalSeconds(p.fetched_at))
        .Int(Seconds(p.refresh_at))
        .Text(p.last_error)
        .Text(p.last_error_detail)
        .OptionalInt(OptionalSeconds(p.last_error_at));
}

}  // namespace

Status SqlFederation::InsertPeer(const domain::Peer& p) {
  const Status inserted = sql_.Run(kInsert, [&](Binder& b) {
    BindPeer(b, p);
    b.Int(Seconds(p.added_at));
  });
  if (!inserted.ok() && inserted.error().code == ErrorCode::kConflict) {
    return MakeError(ErrorCode::kConflict, "error.federation.peer_exists");
  }
  return inserted;
}

Result<domain::Peer> SqlFederation::GetPeer(const std::string& code) {
  return sql_.One<domain::Peer>(kGet, [&](Binder& b) { b.Text(code); }, "error.federation.unknown_peer", ReadPeer);
}

Result<std::vector<domain::Peer>> SqlFederation::ListPeers(const std::string& after_code, int limit) {
  const int n = std::clamp(limit, 1, ports::kMaxPeerPage);
  return sql_.All<domain::Peer>(kList, [&](Binder& b) { b.Text(after_code).Int(n); }, ReadPeer);
}

Result<std::vector<domain::Peer>> SqlFederation::ListPeersDue(Timestamp now, int limit) {
  const int n = std::clamp(limit, 1, ports::kMaxPeerPage);
  return sql_.All<domain::Peer>(kDue, [&](Binder& b) { b.Int(Seconds(now)).Int(n); }, ReadPeer);
}

Status SqlFederation::UpdatePeer(const domain::Peer& p) {
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kUpdate, [&](Binder& b) { BindPeer(b, p); }));
  if (changed == 0) return MakeError(ErrorCode::kNotFound, "error.federation.unknown_peer");
  return Ok();
}

Result<bool> SqlFederation::DeletePeer(const std::string& code) {
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kDelete, [&](Binder& b) { b.Text(code); }));
  return changed > 0;
}

}  // namespace tongban::storage
