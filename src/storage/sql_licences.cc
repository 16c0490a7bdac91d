#include "storage/sql_licences.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

namespace tongban::storage {
namespace {

using domain::Licence;
using domain::LicenceStatus;
using domain::LicenceStatusChange;

#define TB_LICENCE_COLUMNS                                                                                       \
  "id, type, holder_kind, holder_id, holder_name, issuer, application_id, issued_at, valid_until, delivered_at, " \
  "own_status, status, claims, parts, status_list, status_index, credential, qr_token, version"
constexpr std::string_view kInsertLicence =
    "INSERT INTO licences (" TB_LICENCE_COLUMNS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
    // A slot taken by a concurrent issuance is reported (no row), not an error that would abort a
    // PostgreSQL transaction: the service draws another index and retries.
    " ON CONFLICT (status_list, status_index) DO NOTHING";
constexpr std::string_view kInsertPart = "INSERT INTO licence_parts (part_id, industry_id) VALUES ($1, $2)";
constexpr std::string_view kUpdateLicence =
    "UPDATE licences SET own_status = $2, status = $3, delivered_at = $4, version = $5 WHERE id = $1 AND version = $6";
constexpr std::string_view kSelectLicence = "SELECT " TB_LICENCE_COLUMNS " FROM licences WHERE id = $1";
constexpr std::string_view kSelectLicenceForUpdate =
    "SELECT " TB_LICENCE_COLUMNS " FROM licences WHERE id = $1 FOR UPDATE";
constexpr std::string_view kListOfHolder =
    "SELECT " TB_LICENCE_COLUMNS
    " FROM licences WHERE holder_kind = $1 AND holder_id = $2 AND id < $3 ORDER BY id DESC LIMIT $4";
constexpr std::string_view kListOfHolderFirst =
    "SELECT " TB_LICENCE_COLUMNS
    " FROM licences WHERE holder_kind = $1 AND holder_id = $2 ORDER BY id DESC LIMIT $3";
// Index licences_holder_valid_until (V023).
constexpr std::string_view kHolderExpiring =
    "SELECT " TB_LICENCE_COLUMNS
    " FROM licences WHERE holder_kind = $1 AND holder_id = $2 AND valid_until > $3 AND valid_until <= $4"
    " AND status = 'valid' ORDER BY valid_until, id LIMIT $5";
constexpr std::string_view kLatestOfType =
    "SELECT " TB_LICENCE_COLUMNS
    " FROM licences WHERE holder_kind = $1 AND holder_id = $2 AND type = $3 ORDER BY id DESC LIMIT 1";
constexpr std::string_view kOfApplication =
    "SELECT " TB_LICENCE_COLUMNS " FROM licences WHERE application_id = $1 ORDER BY id";
constexpr std::string_view kIndustryWithPart =
    "SELECT l.id, l.type, l.holder_kind, l.holder_id, l.holder_name, l.issuer, l.application_id, l.issued_at,"
    " l.valid_until, l.delivered_at, l.own_status, l.status, l.claims, l.parts, l.status_list, l.status_index,"
    " l.credential, l.qr_token, l.version"
    " FROM licence_parts p JOIN licences l ON l.id = p.industry_id WHERE p.part_id = $1 ORDER BY l.id";
constexpr std::string_view kNewestList = "SELECT id, seq, used FROM licence_status_lists ORDER BY seq DESC LIMIT 1";
constexpr std::string_view kInsertList =
    "INSERT INTO licence_status_lists (id, seq, used, created_at) VALUES ($1, $2, 1, $3)";
constexpr std::string_view kTakeInList = "UPDATE licence_status_lists SET used = used + 1 WHERE id = $1";
constexpr std::string_view kListExists = "SELECT 1 FROM licence_status_lists WHERE id = $1";
constexpr std::string_view kSelectAtIndex =
    "SELECT " TB_LICENCE_COLUMNS " FROM licences WHERE status_list = $1 AND status_index = $2";
constexpr std::string_view kIndexTaken = "SELECT 1 FROM licences WHERE status_list = $1 AND status_index = $2";
constexpr std::string_view kIndexesWithStatus =
    "SELECT status_index FROM licences WHERE status_list = $1 AND status = $2 ORDER BY status_index";
constexpr std::string_view kInsertChange =
    "INSERT INTO licence_status_changes (licence_id, seq, status, action, actor_user_id, at, reason)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7)";
constexpr std::string_view kListChanges =
    "SELECT licence_id, seq, status, action, actor_user_id, at, reason FROM licence_status_changes"
    " WHERE licence_id = $1 ORDER BY seq";
#undef TB_LICENCE_COLUMNS

Result<LicenceStatus> StatusFrom(const std::string& name, std::string_view column) {
  const std::optional<LicenceStatus> status = domain::ParseLicenceStatus(name);
  if (!status) return Corrupt(std::string(column) + " '" + name + "'");
  return *status;
}

Result<Licence> ReadLicence(Statement& statement) {
  Columns c(statement);
  Licence l;
  l.id = c.Text();
  l.type = c.Text();
  const std::string kind = c.Text();
  const std::optional<domain::ApplicantKind> parsed_kind = domain::ParseApplicantKind(kind);
  if (!parsed_kind) return Corrupt("licences.holder_kind '" + kind + "'");
  l.holder_kind = *parsed_kind;
  l.holder_id = c.Text();
  l.holder_name = c.Text();
  l.issuer = c.Text();
  l.application_id = c.Text();
  l.issued_at = FromSeconds(c.Int());
  if (const std::optional<int64_t> until = c.OptionalInt()) l.valid_until = FromSeconds(*until);
  if (const std::optional<int64_t> delivered = c.OptionalInt()) l.delivered_at = FromSeconds(*delivered);
  TB_ASSIGN_OR_RETURN(l.own_status, StatusFrom(c.Text(), "licences.own_status"));
  TB_ASSIGN_OR_RETURN(l.status, StatusFrom(c.Text(), "licences.status"));
  const nlohmann::ordered_json claims = nlohmann::ordered_json::parse(c.Text(), nullptr, /*allow_exceptions=*/false);
  if (!claims.is_object()) return Corrupt("licences.claims of " + l.id);
  for (const auto& [name, value] : claims.items()) {
    if (!value.is_string()) return Corrupt("licences.claims of " + l.id);
    l.claims.emplace_back(name, value.get<std::string>());
  }
  const nlohmann::json parts = nlohmann::json::parse(c.Text(), nullptr, /*allow_exceptions=*/false);
  if (!parts.is_array()) return Corrupt("licences.parts of " + l.id);
  for (const auto& p : parts) {
    if (!p.is_string()) return Corrupt("licences.parts of " + l.id);
    l.parts.push_back(p.get<std::string>());
  }
  l.status_list = c.Text();
  l.status_index = c.Int();
  l.credential = c.Text();
  l.qr_token = c.Text();
  l.version = c.Int();
  return l;
}

Result<LicenceStatusChange> ReadChange(Statement& statement) {
  Columns c(statement);
  LicenceStatusChange change;
  change.licence_id = c.Text();
  change.seq = c.Int();
  TB_ASSIGN_OR_RETURN(change.status, StatusFrom(c.Text(), "licence_status_changes.status"));
  change.action = c.Text();
  change.actor_user_id = c.Text();
  change.at = FromSeconds(c.Int());
  change.reason = c.Text();
  return change;
}

std::optional<int64_t> OptionalSeconds(const std::optional<Timestamp>& at) {
  if (!at) return std::nullopt;
  return Seconds(*at);
}

}  // namespace

Status SqlLicences::InsertLicence(const Licence& l) {
  const std::string parts = nlohmann::json(l.parts).dump();
  nlohmann::ordered_json claims_object = nlohmann::ordered_json::object();
  for (const auto& [name, value] : l.claims) claims_object[name] = value;
  const std::string claims = claims_object.dump();
  TB_ASSIGN_OR_RETURN(const int64_t inserted, sql_.Execute(kInsertLicence, [&](Binder& b) {
    b.Text(l.id)
        .Text(l.type)
        .Text(domain::ApplicantKindName(l.holder_kind))
        .Text(l.holder_id)
        .Text(l.holder_name)
        .Text(l.issuer)
        .OptionalText(l.application_id)
        .Int(Seconds(l.issued_at))
        .OptionalInt(OptionalSeconds(l.valid_until))
        .OptionalInt(OptionalSeconds(l.delivered_at))
        .Text(domain::LicenceStatusName(l.own_status))
        .Text(domain::LicenceStatusName(l.status))
        .Text(claims)
        .Text(parts)
        .Text(l.status_list)
        .Int(l.status_index)
        .Text(l.credential)
        .Text(l.qr_token)
        .Int(l.version);
  }));
  if (inserted == 0) return MakeError(ErrorCode::kConflict, std::string(ports::kStatusSlotTaken));
  for (const std::string& part : l.parts) {
    TB_RETURN_IF_ERROR(sql_.Run(kInsertPart, [&](Binder& b) { b.Text(part).Text(l.id); }));
  }
  return Ok();
}

Status SqlLicences::UpdateLicence(const Licence& l) {
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kUpdateLicence, [&](Binder& b) {
    b.Text(l.id)
        .Text(domain::LicenceStatusName(l.own_status))
        .Text(domain::LicenceStatusName(l.status))
        .OptionalInt(OptionalSeconds(l.delivered_at))
        .Int(l.version)
        .Int(l.version - 1);
  }));
  if (changed == 0) return MakeError(ErrorCode::kConflict, "error.licence.changed");
  return Ok();
}

Result<Licence> SqlLicences::GetLicence(const std::string& id) {
  return sql_.One<Licence>(sql_.lock_reads() ? kSelectLicenceForUpdate : kSelectLicence,
                           [&](Binder& b) { b.Text(id); }, "error.licence.not_found", ReadLicence);
}

Result<std::vector<Licence>> SqlLicences::ListLicencesOfHolderExpiring(domain::ApplicantKind kind,
                                                                      const std::string& holder_id, Timestamp from,
                                                                      Timestamp to, int limit) {
  return sql_.All<Licence>(kHolderExpiring, [&](Binder& b) {
    b.Text(domain::ApplicantKindName(kind)).Text(holder_id).Int(Seconds(from)).Int(Seconds(to)).Int(
        std::clamp(limit, 1, ports::kMaxLicencePage));
  }, ReadLicence);
}

Result<ports::LicencePage> SqlLicences::ListLicencesOfHolder(domain::ApplicantKind kind, const std::string& holder_id,
                                                             const std::string& after, int limit) {
  const int page = std::clamp(limit, 1, ports::kMaxLicencePage);
  ports::LicencePage out;
  if (after.empty()) {
    TB_ASSIGN_OR_RETURN(out.licences, sql_.All<Licence>(kListOfHolderFirst, [&](Binder& b) {
      b.Text(domain::ApplicantKindName(kind)).Text(holder_id).Int(page + 1);
    }, ReadLicence));
  } else {
    TB_ASSIGN_OR_RETURN(out.licences, sql_.All<Licence>(kListOfHolder, [&](Binder& b) {
      b.Text(domain::ApplicantKindName(kind)).Text(holder_id).Text(after).Int(page + 1);
    }, ReadLicence));
  }
  if (static_cast<int>(out.licences.size()) > page) {
    out.licences.pop_back();
    out.next_after = out.licences.back().id;
  }
  return out;
}

Result<std::optional<Licence>> SqlLicences::LatestLicenceOfType(domain::ApplicantKind kind,
                                                                const std::string& holder_id,
                                                                const std::string& type) {
  TB_ASSIGN_OR_RETURN(std::vector<Licence> rows, sql_.All<Licence>(kLatestOfType, [&](Binder& b) {
    b.Text(domain::ApplicantKindName(kind)).Text(holder_id).Text(type);
  }, ReadLicence));
  if (rows.empty()) return std::optional<Licence>();
  return std::optional<Licence>(std::move(rows.front()));
}

Result<std::vector<Licence>> SqlLicences::LicencesOfApplication(const std::string& application_id) {
  return sql_.All<Licence>(kOfApplication, [&](Binder& b) { b.Text(application_id); }, ReadLicence);
}

Result<std::vector<Licence>> SqlLicences::IndustryLicencesWithPart(const std::string& part_id) {
  return sql_.All<Licence>(kIndustryWithPart, [&](Binder& b) { b.Text(part_id); }, ReadLicence);
}

Result<std::string> SqlLicences::TakeStatusListSlot(Timestamp at) {
  TB_RETURN_IF_ERROR(sql_.RequireWritable());
  struct ListRow {
    std::string id;
    int64_t seq = 0;
    int64_t used = 0;
  };
  TB_ASSIGN_OR_RETURN(std::vector<ListRow> newest, sql_.All<ListRow>(kNewestList, kNoParameters, [](Statement& s) {
    Columns c(s);
    ListRow row;
    row.id = c.Text();
    row.seq = c.Int();
    row.used = c.Int();
    return Result<ListRow>(std::move(row));
  }));
  if (!newest.empty() && newest.front().used < domain::kLicenceStatusListFill) {
    TB_RETURN_IF_ERROR(sql_.Run(kTakeInList, [&](Binder& b) { b.Text(newest.front().id); }));
    return newest.front().id;
  }
  const int64_t seq = newest.empty() ? 1 : newest.front().seq + 1;
  const std::string id = std::to_string(seq);
  TB_RETURN_IF_ERROR(sql_.Run(kInsertList, [&](Binder& b) { b.Text(id).Int(seq).Int(Seconds(at)); }));
  return id;
}

Result<Licence> SqlLicences::GetLicenceAtStatusIndex(const std::string& list, int64_t index) {
  return sql_.One<Licence>(kSelectAtIndex, [&](Binder& b) { b.Text(list).Int(index); }, "error.licence.not_found",
                           ReadLicence);
}

Result<bool> SqlLicences::StatusIndexTaken(const std::string& list, int64_t index) {
  TB_ASSIGN_OR_RETURN(std::vector<int> rows, sql_.All<int>(kIndexTaken, [&](Binder& b) { b.Text(list).Int(index); },
                                                          [](Statement&) { return Result<int>(1); }));
  return !rows.empty();
}

Result<std::vector<int64_t>> SqlLicences::StatusIndexes(const std::string& list, LicenceStatus status) {
  if (status == LicenceStatus::kValid) {
    return MakeError(ErrorCode::kInvalidArgument, "a status list holds suspended or revoked licences only");
  }
  return sql_.All<int64_t>(kIndexesWithStatus, [&](Binder& b) { b.Text(list).Text(domain::LicenceStatusName(status)); },
                           [](Statement& s) { return Result<int64_t>(Columns(s).Int()); });
}

Result<bool> SqlLicences::StatusListExists(const std::string& list) {
  TB_ASSIGN_OR_RETURN(std::vector<int> rows, sql_.All<int>(kListExists, [&](Binder& b) { b.Text(list); },
                                                          [](Statement&) { return Result<int>(1); }));
  return !rows.empty();
}

Status SqlLicences::AppendStatusChange(const LicenceStatusChange& c) {
  return sql_.Run(kInsertChange, [&](Binder& b) {
    b.Text(c.licence_id)
        .Int(c.seq)
        .Text(domain::LicenceStatusName(c.status))
        .Text(c.action)
        .Text(c.actor_user_id)
        .Int(Seconds(c.at))
        .Text(c.reason);
  });
}

Result<std::vector<LicenceStatusChange>> SqlLicences::ListStatusChanges(const std::string& licence_id) {
  return sql_.All<LicenceStatusChange>(kListChanges, [&](Binder& b) { b.Text(licence_id); }, ReadChange);
}

}  // namespace tongban::storage
