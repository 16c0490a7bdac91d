// Role grants as decision records (issue 13 item 6; docs/api.md "Roles"):
// GET/POST /api/v1/admin/users/{username}/roles (an official's roles and the changes that led to
// them; grant one with a reason) and DELETE /api/v1/admin/users/{username}/roles/{role} (withdraw,
// the reason in the body or ?reason=), for administrators; GET /api/v1/decisions/role-changes (every
// change, newest first), GET /api/v1/decisions/role-changes/{id}/comparison (the account's roles
// before and after it, side by side) and GET /api/v1/decisions/role-comparison?from=&to= (every
// account changed between two days), for the reform office and administrators.
#include "http/api/handlers.h"
#include "services/roles.h"

namespace tongban::http::api {
namespace {

Json RolesJsonOf(const std::vector<domain::Role>& roles) {
  Json out = Json::array();
  for (const domain::Role role : roles) out.push_back(domain::RoleName(role));
  return out;
}

Json RoleChangeJson(const domain::RoleChange& c) {
  return Json{{"id", c.id},
              {"username", c.username},
              {"action", domain::RoleChangeActionName(c.action)},
              {"role", c.role ? Json(domain::RoleName(*c.role)) : Json(nullptr)},
              {"department", c.department.empty() ? Json(nullptr) : Json(c.department)},
              {"centre", c.centre.empty() ? Json(nullptr) : Json(c.centre)},
              {"roles_after", RolesJsonOf(c.roles_after)},
              {"changed_by", c.changed_by},
              {"changed_at", FormatRfc3339(c.changed_at)},
              {"reason", c.reason}};
}

Json PageJson(const services::RoleChangePage& page) {
  Json items = Json::array();
  for (const auto& c : page.changes) items.push_back(RoleChangeJson(c));
  return Json{{"items", std::move(items)},
              {"next_page_token", page.next_page_token.empty() ? Json(nullptr) : Json(page.next_page_token)}};
}

Json ComparisonJson(const services::RoleComparison& c) {
  Json rows = Json::array();
  for (const auto& row : c.rows) {
    Json r{{"kind", std::string(domain::DiffRowName(row.kind))}};
    if (row.kind == domain::DiffRow::kFolded) {
      r["folded"] = row.folded;
    } else {
      r["before"] = row.old_line > 0 ? Json(row.old_text) : Json(nullptr);
      r["after"] = row.new_line > 0 ? Json(row.new_text) : Json(nullptr);
    }
    rows.push_back(std::move(r));
  }
  Json changes = Json::array();
  for (const auto& change : c.changes) changes.push_back(RoleChangeJson(change));
  Json out{{"changes", std::move(changes)}, {"rows", std::move(rows)}};
  if (c.from_day) out["from"] = FormatIsoDate(*c.from_day);
  if (c.to_day) out["to"] = FormatIsoDate(*c.to_day);
  return out;
}

}  // namespace

void RegisterRoleRoutes(Router& router, const HttpDeps& deps) {
  router.Add("GET", "/api/v1/admin/users/{username}/roles", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto limit = PageSize(req, services::kRoleChangePageMax);
    if (!limit.ok()) return ErrorResponse(deps, req, limit.error());
    auto roles = services::ListUserRoles(*deps.ctx, caller->actor, req.Param("username"), req.Query("page_token"),
                                         *limit);
    if (!roles.ok()) return ErrorResponse(deps, req, roles.error());
    Json out = PageJson(roles->changes);
    out["username"] = roles->user.username;
    out["name"] = roles->user.display_name;
    out["department"] = roles->user.department.empty() ? Json(nullptr) : Json(roles->user.department);
    out["centre"] = roles->user.centre.empty() ? Json(nullptr) : Json(roles->user.centre);
    out["roles"] = RolesJsonOf(roles->user.roles);
    return NoStore(JsonResponse(200, out));
  });
  router.Add("POST", "/api/v1/admin/users/{username}/roles", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto body = ParseObject(req.body);
    if (!body.ok()) return ErrorResponse(deps, req, body.error());
    auto role = OptionalString(*body, "role");
    if (!role.ok()) return ErrorResponse(deps, req, role.error());
    auto reason = OptionalString(*body, "reason");
    if (!reason.ok()) return ErrorResponse(deps, req, reason.error());
    services::RoleChangeRequest change{req.Param("username"), *role, *reason, ""};
    auto granted = services::GrantRoleAs(*deps.ctx, caller->actor, change);
    if (!granted.ok()) return ErrorResponse(deps, req, granted.error());
    return NoStore(JsonResponse(201, RoleChangeJson(*granted)));
  });
  router.Add("DELETE", "/api/v1/admin/users/{username}/roles/{role}", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    std::string reason = req.Query("reason");
    if (!req.body.empty()) {
      auto body = ParseObject(req.body);
      if (!body.ok()) return ErrorResponse(deps, req, body.error());
      auto in_body = OptionalString(*body, "reason");
      if (!in_body.ok()) return ErrorResponse(deps, req, in_body.error());
      if (!in_body->empty()) reason = *in_body;
    }
    services::RoleChangeRequest change{req.Param("username"), req.Param("role"), reason, ""};
    auto withdrawn = services::WithdrawRoleAs(*deps.ctx, caller->actor, change);
    if (!withdrawn.ok()) return ErrorResponse(deps, req, withdrawn.error());
    return NoStore(JsonResponse(200, RoleChangeJson(*withdrawn)));
  });
  router.Add("GET", "/api/v1/decisions/role-changes", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto limit = PageSize(req, services::kRoleChangePageMax);
    if (!limit.ok()) return ErrorResponse(deps, req, limit.error());
    auto page = services::ListRoleChangeRecords(*deps.ctx, caller->actor, req.Query("page_token"), *limit);
    if (!page.ok()) return ErrorResponse(deps, req, page.error());
    return NoStore(JsonResponse(200, PageJson(*page)));
  });
  router.Add("GET", "/api/v1/decisions/role-changes/{id}/comparison", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto comparison = services::CompareRoleChange(*deps.ctx, caller->actor, req.Param("id"));
    if (!comparison.ok()) return ErrorResponse(deps, req, comparison.error());
    return NoStore(JsonResponse(200, ComparisonJson(*comparison)));
  });
  router.Add("GET", "/api/v1/decisions/role-comparison", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    const auto from = ParseIsoDate(req.Query("from"));
    const auto to = ParseIsoDate(req.Query("to"));
    if (!from || !to) return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.roles.days"));
    auto comparison = services::CompareRolesBetween(*deps.ctx, caller->actor, *from, *to);
    if (!comparison.ok()) return ErrorResponse(deps, req, comparison.error());
    return NoStore(JsonResponse(200, ComparisonJson(*comparison)));
  });
}

}  // namespace tongban::http::api
