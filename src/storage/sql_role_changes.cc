#include "storage/sql_role_changes.h"

#include <algorithm>
#include <string_view>

namespace tongban::storage {
namespace {

#define TB_ROLE_CHANGE_SELECT                                                                            \
  "SELECT id, user_id, username, action, role, department, centre, roles_after, changed_by, changed_at," \
  " reason FROM role_changes"

constexpr std::string_view kInsert =
    "INSERT INTO role_changes (id, user_id, username, action, role, department, centre, roles_after, changed_by,"
    " changed_at, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
constexpr std::string_view kGet = TB_ROLE_CHANGE_SELECT " WHERE id = $1";
// Through role_changes_at, newest first.
constexpr std::string_view kListFirst = TB_ROLE_CHANGE_SELECT " ORDER BY changed_at DESC, id DESC LIMIT $1";
constexpr std::string_view kListAfter =
    TB_ROLE_CHANGE_SELECT " WHERE changed_at < $2 OR (changed_at = $2 AND id < $3)"
                          " ORDER BY changed_at DESC, id DESC LIMIT $1";
// Through role_changes_user.
constexpr std::string_view kListOfUserFirst =
    TB_ROLE_CHANGE_SELECT " WHERE user_id = $2 ORDER BY changed_at DESC, id DESC LIMIT $1";
constexpr std::string_view kListOfUserAfter =
    TB_ROLE_CHANGE_SELECT " WHERE user_id = $2 AND (changed_at < $3 OR (changed_at = $3 AND id < $4))"
                          " ORDER BY changed_at DESC, id DESC LIMIT $1";
// Through role_changes_at, oldest first.
constexpr std::string_view kBetween =
    TB_ROLE_CHANGE_SELECT " WHERE changed_at > $1 AND changed_at <= $2 ORDER BY changed_at, id LIMIT $3";
#undef TB_ROLE_CHANGE_SELECT

constexpr std::string_view kSetRoles = "UPDATE users SET roles = $2 WHERE id = $1";
constexpr std::string_view kAddHolder =
    "INSERT INTO role_holders (role, holders) VALUES ($1, 1)"
    " ON CONFLICT (role) DO UPDATE SET holders = role_holders.holders + 1";
constexpr std::string_view kRemoveHolder =
    "UPDATE role_holders SET holders = holders - 1 WHERE role = $1 AND holders > $2";

Result<domain::RoleChange> ReadChange(Statement& statement) {
  Columns c(statement);
  domain::RoleChange change;
  change.id = c.Text();
  change.user_id = c.Text();
  change.username = c.Text();
  const std::string action = c.Text();
  const auto parsed_action = domain::ParseRoleChangeAction(action);
  if (!parsed_action) return Corrupt("unknown role change action '" + action + "'");
  change.action = *parsed_action;
  const std::string role = c.Text();
  if (!role.empty()) {
    change.role = domain::ParseRole(role);
    if (!change.role) return Corrupt("unknown role '" + role + "'");
  }
  change.department = c.Text();
  change.centre = c.Text();
  TB_ASSIGN_OR_RETURN(change.roles_after, ParseRoles(c.Text()));
  change.changed_by = c.Text();
  change.changed_at = FromSeconds(c.Int());
  change.reason = c.Text();
  return change;
}

int Clamp(int limit) { return std::clamp(limit, 1, ports::kMaxRoleChangePage); }

}  // namespace

Status SqlRoleChanges::InsertRoleChange(const domain::RoleChange& change) {
  TB_ASSIGN_OR_RETURN(const std::string roles, RolesJson(change.roles_after));
  return sql_.Run(kInsert, [&](Binder& b) {
    b.Text(change.id)
        .Text(change.user_id)
        .Text(change.username)
        .Text(domain::RoleChangeActionName(change.action))
        .Text(change.role ? domain::RoleName(*change.role) : "")
        .Text(change.department)
        .Text(change.centre)
        .Text(roles)
        .Text(change.changed_by)
        .Int(Seconds(change.changed_at))
        .Text(change.reason);
  });
}

Result<domain::RoleChange> SqlRoleChanges::GetRoleChange(const std::string& id) {
  return sql_.One<domain::RoleChange>(kGet, [&](Binder& b) { b.Text(id); }, "error.roles.change_not_found",
                                      ReadChange);
}

Result<std::vector<domain::RoleChange>> SqlRoleChanges::ListRoleChanges(const ports::RoleChangeCursor& cursor,
                                                                        int limit) {
  if (cursor.id.empty()) {
    return sql_.All<domain::RoleChange>(kListFirst, [&](Binder& b) { b.Int(Clamp(limit)); }, ReadChange);
  }
  return sql_.All<domain::RoleChange>(
      kListAfter, [&](Binder& b) { b.Int(Clamp(limit)).Int(Seconds(cursor.at)).Text(cursor.id); }, ReadChange);
}

Result<std::vector<domain::RoleChange>> SqlRoleChanges::ListRoleChangesOfUser(const std::string& user_id,
                                                                              const ports::RoleChangeCursor& cursor,
                                                                              int limit) {
  if (cursor.id.empty()) {
    return sql_.All<domain::RoleChange>(kListOfUserFirst, [&](Binder& b) { b.Int(Clamp(limit)).Text(user_id); },
                                        ReadChange);
  }
  return sql_.All<domain::RoleChange>(
      kListOfUserAfter,
      [&](Binder& b) { b.Int(Clamp(limit)).Text(user_id).Int(Seconds(cursor.at)).Text(cursor.id); }, ReadChange);
}

Result<std::optional<domain::RoleChange>> SqlRoleChanges::LatestRoleChangeBefore(
    const std::string& user_id, const ports::RoleChangeCursor& before) {
  TB_ASSIGN_OR_RETURN(auto rows,
                      sql_.All<domain::RoleChange>(
                          kListOfUserAfter,
                          [&](Binder& b) { b.Int(1).Text(user_id).Int(Seconds(before.at)).Text(before.id); },
                          ReadChange));
  if (rows.empty()) return std::optional<domain::RoleChange>();
  return std::optional<domain::RoleChange>(std::move(rows.front()));
}

Result<std::vector<domain::RoleChange>> SqlRoleChanges::RoleChangesBetween(Timestamp from, Timestamp to, int limit) {
  // One more than a page, so that a caller asking for kMaxRoleChangePage + 1 can tell there are more.
  const int n = std::clamp(limit, 1, ports::kMaxRoleChangePage + 1);
  return sql_.All<domain::RoleChange>(
      kBetween, [&](Binder& b) { b.Int(Seconds(from)).Int(Seconds(to)).Int(n); }, ReadChange);
}

Status SqlRoleChanges::SetUserRoles(const std::string& user_id, const std::vector<domain::Role>& roles) {
  TB_ASSIGN_OR_RETURN(const std::string json, RolesJson(roles));
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kSetRoles, [&](Binder& b) { b.Text(user_id).Text(json); }));
  if (changed == 0) return MakeError(ErrorCode::kNotFound, "error.user.not_found");
  return Ok();
}

Status SqlRoleChanges::AddRoleHolder(domain::Role role) {
  return sql_.Run(kAddHolder, [&](Binder& b) { b.Text(domain::RoleName(role)); });
}

Result<bool> SqlRoleChanges::RemoveRoleHolder(domain::Role role, int64_t keep_at_least) {
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kRemoveHolder, [&](Binder& b) {
                        b.Text(domain::RoleName(role)).Int(keep_at_least);
                      }));
  return changed > 0;
}

}  // namespace tongban::storage
