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
constexpr std::string_view kDeleteItems = "DELETE FROM federation_peer_items WHERE peer = $1";
#undef TB_PEER_SELECT

constexpr std::string_view kTakeMessage =
    "INSERT INTO federation_inbox (id, peer, kind, received_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING";

#define TB_CASE_SELECT                                                                                     \
  "SELECT application_id, side, peer, peer_application, peer_reference, item_name_zh, item_name_en,"     \
  " department_zh, department_en, delivery, delivery_address, forwarded_at, peer_seq FROM federated_cases"
constexpr std::string_view kInsertCase =
    "INSERT INTO federated_cases (application_id, side, peer, peer_application, peer_reference, item_name_zh,"
    " item_name_en, department_zh, department_en, delivery, delivery_address, forwarded_at, peer_seq)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
// Through the primary key.
constexpr std::string_view kGetCase = TB_CASE_SELECT " WHERE application_id = $1";
// Through federated_cases_peer_application.
constexpr std::string_view kFindHandled =
    TB_CASE_SELECT " WHERE peer = $1 AND peer_application = $2 AND side = 'handler' AND peer_application <> ''";
constexpr std::string_view kUpdateCase =
    "UPDATE federated_cases SET peer_application = $2, peer_reference = $3, forwarded_at = $4, peer_seq = $5"
    " WHERE application_id = $1";
#undef TB_CASE_SELECT

constexpr std::string_view kInsertItem =
    "INSERT INTO federation_peer_items (peer, code, document, fetched_at) VALUES ($1, $2, $3, $4)";
// Through the primary key.
constexpr std::string_view kListItems =
    "SELECT code, document FROM federation_peer_items WHERE peer = $1 AND code > $2 ORDER BY code LIMIT $3";
constexpr std::string_view kGetItem = "SELECT document FROM federation_peer_items WHERE peer = $1 AND code = $2";

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

Result<domain::FederatedCase> ReadCase(Statement& statement) {
  Columns c(statement);
  domain::FederatedCase f;
  f.application_id = c.Text();
  const std::string side = c.Text();
  f.side = domain::ParseCaseSide(side).value_or(domain::CaseSide::kOrigin);
  f.peer = c.Text();
  f.peer_application = c.Text();
  f.peer_reference = c.Text();
  f.item_name_zh = c.Text();
  f.item_name_en = c.Text();
  f.department_zh = c.Text();
  f.department_en = c.Text();
  const std::string delivery = c.Text();
  f.delivery = domain::ParseCaseSide(delivery).value_or(domain::CaseSide::kOrigin);
  f.delivery_address = c.Text();
  f.forwarded_at = OptionalTime(c.OptionalInt());
  f.peer_seq = c.Int();
  return f;
}

Result<std::pair<std::string, std::string>> ReadItem(Statement& statement) {
  Columns c(statement);
  std::string code = c.Text();
  std::string document = c.Text();
  return std::make_pair(std::move(code), std::move(document));
}

Result<std::string> ReadDocument(Statement& statement) {
  Columns c(statement);
  return c.Text();
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
  TB_RETURN_IF_ERROR(sql_.Run(kDeleteItems, [&](Binder& b) { b.Text(code); }));
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kDelete, [&](Binder& b) { b.Text(code); }));
  return changed > 0;
}

Result<bool> SqlFederation::TakeMessageId(const std::string& id, const std::string& peer, const std::string& kind,
                                          Timestamp at) {
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kTakeMessage, [&](Binder& b) {
    b.Text(id).Text(peer).Text(kind).Int(Seconds(at));
  }));
  return changed > 0;
}

Status SqlFederation::InsertFederatedCase(const domain::FederatedCase& f) {
  return sql_.Run(kInsertCase, [&](Binder& b) {
    b.Text(f.application_id)
        .Text(domain::CaseSideName(f.side))
        .Text(f.peer)
        .Text(f.peer_application)
        .Text(f.peer_reference)
        .Text(f.item_name_zh)
        .Text(f.item_name_en)
        .Text(f.department_zh)
        .Text(f.department_en)
        .Text(domain::CaseSideName(f.delivery))
        .Text(f.delivery_address)
        .OptionalInt(OptionalSeconds(f.forwarded_at))
        .Int(f.peer_seq);
  });
}

Result<domain::FederatedCase> SqlFederation::GetFederatedCase(const std::string& application_id) {
  return sql_.One<domain::FederatedCase>(kGetCase, [&](Binder& b) { b.Text(application_id); },
                                         "error.federation.unknown_case", ReadCase);
}

Status SqlFederation::UpdateFederatedCase(const domain::FederatedCase& f) {
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kUpdateCase, [&](Binder& b) {
    b.Text(f.application_id)
        .Text(f.peer_application)
        .Text(f.peer_reference)
        .OptionalInt(OptionalSeconds(f.forwarded_at))
        .Int(f.peer_seq);
  }));
  if (changed == 0) return MakeError(ErrorCode::kNotFound, "error.federation.unknown_case");
  return Ok();
}

Result<domain::FederatedCase> SqlFederation::FindHandledCase(const std::string& peer,
                                                             const std::string& peer_application) {
  return sql_.One<domain::FederatedCase>(kFindHandled, [&](Binder& b) { b.Text(peer).Text(peer_application); },
                                         "error.federation.unknown_case", ReadCase);
}

Status SqlFederation::ReplacePeerItems(const std::string& peer,
                                       const std::vector<std::pair<std::string, std::string>>& items, Timestamp at) {
  TB_RETURN_IF_ERROR(sql_.Run(kDeleteItems, [&](Binder& b) { b.Text(peer); }));
  for (const auto& [code, document] : items) {
    TB_RETURN_IF_ERROR(sql_.Run(kInsertItem, [&](Binder& b) { b.Text(peer).Text(code).Text(document).Int(Seconds(at)); }));
  }
  return Ok();
}

Result<std::vector<std::pair<std::string, std::string>>> SqlFederation::ListPeerItems(const std::string& peer,
                                                                                      const std::string& after_code,
                                                                                      int limit) {
  const int n = std::clamp(limit, 1, ports::kMaxPeerPage);
  return sql_.All<std::pair<std::string, std::string>>(
      kListItems, [&](Binder& b) { b.Text(peer).Text(after_code).Int(n); }, ReadItem);
}

Result<std::string> SqlFederation::GetPeerItem(const std::string& peer, const std::string& code) {
  return sql_.One<std::string>(kGetItem, [&](Binder& b) { b.Text(peer).Text(code); }, "error.federation.unknown_item",
                               ReadDocument);
}

}  // namespace tongban::storage
