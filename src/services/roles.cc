#include "services/roles.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "domain/limits.h"
#include "services/accounts.h"
#include "services/decision_records.h"

namespace tongban::services {
namespace {

std::string Trim(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const size_t last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

struct CheckedRequest {
  std::string username;
  domain::Role role = domain::Role::kClerk;
  std::string reason;
  std::string by;
};

Result<CheckedRequest> Check(const RoleChangeRequest& req) {
  CheckedRequest out;
  const auto role = domain::ParseRole(Trim(req.role));
  if (!role) return MakeError(ErrorCode::kInvalidArgument, "error.roles.unknown_role");
  if (!domain::IsOfficialRole(*role)) return MakeError(ErrorCode::kInvalidArgument, "error.roles.person_role");
  out.role = *role;
  out.reason = Trim(req.reason);
  if (out.reason.empty()) return MakeError(ErrorCode::kInvalidArgument, "error.roles.reason_required");
  if (!domain::IsUtf8(out.reason) || domain::HasControlCharacters(out.reason, true)) {
    return MakeError(ErrorCode::kInvalidArgument, "error.roles.reason_invalid");
  }
  if (domain::CodePoints(out.reason) > domain::kMaxRoleChangeReason) {
    Error e = MakeError(ErrorCode::kInvalidArgument, "error.roles.reason_long");
    e.fields.push_back({"reason", "error.roles.reason_long", std::to_string(domain::kMaxRoleChangeReason)});
    return e;
  }
  out.by = Trim(req.by);
  if (out.by.empty() || !domain::IsUtf8(out.by) || domain::HasControlCharacters(out.by, false) ||
      domain::CodePoints(out.by) > 100) {
    return MakeError(ErrorCode::kInvalidArgument, "error.roles.by_required");
  }
  out.username = NormaliseUsername(req.username);
  return out;
}

Result<domain::User> OfficialNamed(ports::Transaction& tx, const std::string& username) {
  TB_ASSIGN_OR_RETURN(domain::User user, tx.accounts().FindUserByUsername(username));
  if (user.kind != domain::UserKind::kOfficial) return MakeError(ErrorCode::kInvalidArgument, "error.roles.not_official");
  user.password_hash.clear();
  return user;
}

domain::RoleChange ChangeOf(const Context& ctx, const domain::User& user, domain::RoleChangeAction action,
                            domain::Role role, std::vector<domain::Role> roles_after, const std::string& by,
                            const std::string& reason) {
  domain::RoleChange change;
  change.id = ctx.ids->NewId();
  change.user_id = user.id;
  change.username = user.username;
  change.action = action;
  change.role = role;
  change.department = user.department;
  change.centre = user.centre;
  change.roles_after = std::move(roles_after);
  change.changed_by = by;
  change.changed_at = ctx.clock->Now();
  change.reason = reason;
  return change;
}

std::string PageToken(const domain::RoleChange& last) {
  return std::to_string(last.changed_at.time_since_epoch().count()) + "." + last.id;
}

Result<ports::RoleChangeCursor> ParsePageToken(const std::string& token) {
  ports::RoleChangeCursor cursor;
  if (token.empty()) return cursor;
  const size_t dot = token.find('.');
  int64_t seconds = 0;
  if (dot == std::string::npos || dot + 1 >= token.size() || token.size() > 100) {
    return MakeError(ErrorCode::kInvalidArgument, "error.roles.page_token");
  }
  auto [p, ec] = std::from_chars(token.data(), token.data() + dot, seconds);
  if (ec != std::errc() || p != token.data() + dot) return MakeError(ErrorCode::kInvalidArgument, "error.roles.page_token");
  cursor.at = Timestamp{std::chrono::seconds{seconds}};
  cursor.id = token.substr(dot + 1);
  return cursor;
}

Status CheckLimit(int limit) {
  if (limit < 1 || limit > kRoleChangePageMax) return MakeError(ErrorCode::kInvalidArgument, "error.roles.page_size");
  return Ok();
}

void Paginate(std::vector<domain::RoleChange>& rows, int limit, RoleChangePage& page) {
  if (rows.size() > static_cast<size_t>(limit)) {
    rows.resize(limit);
    page.next_page_token = PageToken(rows.back());
  }
  page.changes = std::move(rows);
}

std::string LinesOf(const domain::RoleChange& change) {
  return domain::RoleAssignmentLines(change.username, change.roles_after, change.department, change.centre);
}

// The latest change with changed_at <= at: "~" sorts after every id (ULIDs and "V031-...").
constexpr char kAfterEveryId[] = "~";

}  // namespace

Result<domain::RoleChange> GrantRole(const Context& ctx, const RoleChangeRequest& request) {
  TB_ASSIGN_OR_RETURN(const CheckedRequest req, Check(request));
  domain::RoleChange change;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const domain::User user, OfficialNamed(tx, req.username));
    if (user.HasRole(req.role)) return MakeError(ErrorCode::kConflict, "error.roles.already_held");
    if (domain::RoleNeedsDepartment(req.role) && user.department.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "error.roles.needs_department");
    }
    if (domain::RoleNeedsDepartmentOrCentre(req.role) && user.department.empty() && user.centre.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "error.roles.needs_scope");
    }
    change = ChangeOf(ctx, user, domain::RoleChangeAction::kGranted, req.role, domain::WithRole(user.roles, req.role),
                      req.by, req.reason);
    TB_RETURN_IF_ERROR(tx.role_changes().SetUserRoles(user.id, change.roles_after));
    TB_RETURN_IF_ERROR(tx.role_changes().AddRoleHolder(req.role));
    return tx.role_changes().InsertRoleChange(change);
  }));
  return change;
}

Result<domain::RoleChange> WithdrawRole(const Context& ctx, const RoleChangeRequest& request) {
  TB_ASSIGN_OR_RETURN(const CheckedRequest req, Check(request));
  domain::RoleChange change;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const domain::User user, OfficialNamed(tx, req.username));
    if (!user.HasRole(req.role)) return MakeError(ErrorCode::kConflict, "error.roles.not_held");
    const bool admin = req.role == domain::Role::kAdmin;
    TB_ASSIGN_OR_RETURN(const bool removed, tx.role_changes().RemoveRoleHolder(req.role, admin ? 1 : 0));
    if (!removed && admin) return MakeError(ErrorCode::kConflict, "error.roles.last_admin");
    change = ChangeOf(ctx, user, domain::RoleChangeAction::kWithdrawn, req.role,
                      domain::WithoutRole(user.roles, req.role), req.by, req.reason);
    TB_RETURN_IF_ERROR(tx.role_changes().SetUserRoles(user.id, change.roles_after));
    return tx.role_changes().InsertRoleChange(change);
  }));
  return change;
}

Status RecordAccountCreated(const Context& ctx, ports::Transaction& tx, const domain::User& user,
                            const std::string& by) {
  if (user.kind != domain::UserKind::kOfficial || user.roles.empty()) return Ok();
  for (const domain::Role role : user.roles) TB_RETURN_IF_ERROR(tx.role_changes().AddRoleHolder(role));
  domain::RoleChange change = ChangeOf(ctx, user, domain::RoleChangeAction::kCreated, user.roles.front(), user.roles,
                                       by.empty() ? "command line" : by, "account created");
  change.changed_at = user.created_at;
  return tx.role_changes().InsertRoleChange(change);
}

Status RequireRoleAdministrator(const Actor& actor) {
  if (!actor.user.HasRole(domain::Role::kAdmin)) return MakeError(ErrorCode::kPermissionDenied, "error.roles.admin_only");
  return Ok();
}

Result<domain::RoleChange> GrantRoleAs(const Context& ctx, const Actor& actor, RoleChangeRequest request) {
  TB_RETURN_IF_ERROR(RequireRoleAdministrator(actor));
  request.by = actor.user.username;
  return GrantRole(ctx, request);
}

Result<domain::RoleChange> WithdrawRoleAs(const Context& ctx, const Actor& actor, RoleChangeRequest request) {
  TB_RETURN_IF_ERROR(RequireRoleAdministrator(actor));
  request.by = actor.user.username;
  return WithdrawRole(ctx, request);
}

Result<UserRoles> ListUserRoles(const Context& ctx, const Actor& actor, const std::string& username,
                                const std::string& page_token, int limit) {
  TB_RETURN_IF_ERROR(RequireRoleAdministrator(actor));
  TB_RETURN_IF_ERROR(CheckLimit(limit));
  TB_ASSIGN_OR_RETURN(const ports::RoleChangeCursor cursor, ParsePageToken(page_token));
  UserRoles out;
  std::vector<domain::RoleChange> rows;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(out.user, OfficialNamed(tx, NormaliseUsername(username)));
    TB_ASSIGN_OR_RETURN(rows, tx.role_changes().ListRoleChangesOfUser(out.user.id, cursor, limit + 1));
    return Ok();
  }));
  Paginate(rows, limit, out.changes);
  return out;
}

Result<RoleChangePage> ListRoleChangeRecords(const Context& ctx, const Actor& actor, const std::string& page_token,
                                             int limit) {
  TB_RETURN_IF_ERROR(RequireDecisionReader(actor));
  TB_RETURN_IF_ERROR(CheckLimit(limit));
  TB_ASSIGN_OR_RETURN(const ports::RoleChangeCursor cursor, ParsePageToken(page_token));
  std::vector<domain::RoleChange> rows;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(rows, tx.role_changes().ListRoleChanges(cursor, limit + 1));
    return Ok();
  }));
  RoleChangePage page;
  Paginate(rows, limit, page);
  return page;
}

Result<RoleComparison> CompareRoleChange(const Context& ctx, const Actor& actor, const std::string& change_id) {
  TB_RETURN_IF_ERROR(RequireDecisionReader(actor));
  RoleComparison out;
  std::optional<domain::RoleChange> previous;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(out.change, tx.role_changes().GetRoleChange(change_id));
    TB_ASSIGN_OR_RETURN(previous, tx.role_changes().LatestRoleChangeBefore(
                                      out.change->user_id, {out.change->changed_at, out.change->id}));
    return Ok();
  }));
  out.changes.push_back(*out.change);
  out.rows = domain::CompareLines(previous ? LinesOf(*previous) : "", LinesOf(*out.change));
  return out;
}

Result<RoleComparison> CompareRolesBetween(const Context& ctx, const Actor& actor, Date from, Date to) {
  TB_RETURN_IF_ERROR(RequireDecisionReader(actor));
  if (DaysSinceEpoch(to) < DaysSinceEpoch(from)) return MakeError(ErrorCode::kInvalidArgument, "error.roles.days");
  const Timestamp from_end = StartOfLocalDay(AddDays(from, 1)) - std::chrono::seconds{1};
  const Timestamp to_end = StartOfLocalDay(AddDays(to, 1)) - std::chrono::seconds{1};
  RoleComparison out;
  out.from_day = from;
  out.to_day = to;
  std::map<std::string, std::optional<domain::RoleChange>> before;  // by user id
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(out.changes, tx.role_changes().RoleChangesBetween(from_end, to_end, kMaxComparedRoleChanges + 1));
    if (out.changes.size() > static_cast<size_t>(kMaxComparedRoleChanges)) {
      return MakeError(ErrorCode::kInvalidArgument, "error.roles.too_many_changes");
    }
    for (const auto& change : out.changes) {
      if (before.count(change.user_id) > 0) continue;
      TB_ASSIGN_OR_RETURN(before[change.user_id],
                          tx.role_changes().LatestRoleChangeBefore(change.user_id, {from_end, kAfterEveryId}));
    }
    return Ok();
  }));
  // The state after: each account's last change in the range. Lines by username.
  std::map<std::string, const domain::RoleChange*> after;  // by user id
  std::map<std::string, std::string> username_of;
  for (const auto& change : out.changes) {
    after[change.user_id] = &change;
    username_of[change.user_id] = change.username;
  }
  std::map<std::string, std::string> before_lines;  // by username
  std::map<std::string, std::string> after_lines;
  for (const auto& [user_id, change] : after) {
    after_lines[change->username] = LinesOf(*change);
    const auto& old = before[user_id];
    before_lines[change->username] = old ? LinesOf(*old) : "";
  }
  std::string before_text;
  std::string after_text;
  for (const auto& [_, lines] : before_lines) before_text += lines;
  for (const auto& [_, lines] : after_lines) after_text += lines;
  out.rows = domain::CompareLines(before_text, after_text);
  return out;
}

}  // namespace tongban::services
