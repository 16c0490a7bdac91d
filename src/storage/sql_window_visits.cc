#include "storage/sql_window_visits.h"

#include <algorithm>
#include <string_view>

namespace tongban::storage {
namespace {

using ports::WindowVisit;

#define TB_VISIT_COLUMNS \
  "id, clerk_user_id, centre, person_id, person_user_id, code_jti, started_at, ends_at, closed, enterprise"
constexpr std::string_view kInsertVisit =
    "INSERT INTO window_visits (" TB_VISIT_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
constexpr std::string_view kSelectVisit = "SELECT " TB_VISIT_COLUMNS " FROM window_visits WHERE id = $1";
constexpr std::string_view kSelectVisitByCode = "SELECT " TB_VISIT_COLUMNS " FROM window_visits WHERE code_jti = $1";
// Through window_visits_clerk: the clerk's visits ending after now, newest first.
constexpr std::string_view kListOpen =
    "SELECT " TB_VISIT_COLUMNS " FROM window_visits WHERE clerk_user_id = $1 AND ends_at > $2 AND closed = 0"
    " ORDER BY ends_at DESC LIMIT $3";
#undef TB_VISIT_COLUMNS
constexpr std::string_view kCloseVisit = "UPDATE window_visits SET closed = 1, ends_at = $2 WHERE id = $1";

Result<WindowVisit> ReadVisit(Statement& statement) {
  Columns c(statement);
  WindowVisit v;
  v.id = c.Text();
  v.clerk_user_id = c.Text();
  v.centre = c.Text();
  v.person_id = c.Text();
  v.person_user_id = c.Text();
  v.code_jti = c.Text();
  v.started_at = FromSeconds(c.Int());
  v.ends_at = FromSeconds(c.Int());
  v.closed = c.Bool();
  v.enterprise = c.Text();
  return v;
}

}  // namespace

Status SqlWindowVisits::InsertVisit(const WindowVisit& v) {
  return sql_.Run(kInsertVisit, [&](Binder& b) {
    b.Text(v.id)
        .Text(v.clerk_user_id)
        .Text(v.centre)
        .Text(v.person_id)
        .Text(v.person_user_id)
        .Text(v.code_jti)
        .Int(Seconds(v.started_at))
        .Int(Seconds(v.ends_at))
        .Bool(v.closed)
        .Text(v.enterprise);
  });
}

Result<WindowVisit> SqlWindowVisits::GetVisit(const std::string& id) {
  return sql_.One<WindowVisit>(kSelectVisit, [&](Binder& b) { b.Text(id); }, "error.window.visit_not_found",
                               ReadVisit);
}

Result<WindowVisit> SqlWindowVisits::GetVisitByCode(const std::string& jti) {
  return sql_.One<WindowVisit>(kSelectVisitByCode, [&](Binder& b) { b.Text(jti); }, "error.window.visit_not_found",
                               ReadVisit);
}

Result<std::vector<WindowVisit>> SqlWindowVisits::ListOpenVisits(const std::string& clerk_user_id, Timestamp now,
                                                                 int limit) {
  const int page = std::clamp(limit, 1, ports::kMaxOpenVisits);
  return sql_.All<WindowVisit>(kListOpen, [&](Binder& b) { b.Text(clerk_user_id).Int(Seconds(now)).Int(page); },
                               ReadVisit);
}

Status SqlWindowVisits::CloseVisit(const std::string& id, Timestamp at) {
  return sql_.Run(kCloseVisit, [&](Binder& b) { b.Text(id).Int(Seconds(at)); });
}

}  // namespace tongban::storage
