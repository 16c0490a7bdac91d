// Decision records (issue 13 item 6, docs/product.md C14): /office/decisions lists every published
// version of the catalogue with who, when and why, and a form to pick two of them;
// /office/decisions/compare?from=A&to=B shows what changed, file by file, the old text beside the
// new. For the reform office and administrators; plain GET forms, so they work without JavaScript.
#include <charconv>

#include "http/web/diff_view.h"
#include "http/web/page.h"
#include "http/web/render.h"
#include "http/web/role_view.h"
#include "services/decision_records.h"
#include "services/roles.h"

namespace tongban::http::web {
namespace {

int64_t NumberOr(const std::string& text, int64_t fallback) {
  int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  return ec == std::errc() && p == text.data() + text.size() && n > 0 ? n : fallback;
}

Data VersionData(const Site& site, const PageRequest& page, const ports::CatalogueVersion& v) {
  Data d;
  d.set("version", std::to_string(v.version));
  d.set("label", page.T(site, "decisions.version_label", std::to_string(v.version)));
  d.set("published_at", FormatTime(v.published_at));
  d.set("datetime", FormatRfc3339(v.published_at));
  d.set("published_by", v.published_by);
  d.set("reason", v.reason);
  return d;
}

Response DecisionsPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const int64_t before = NumberOr(req.Query("before"), 0);
  auto records = services::ListDecisionRecords(site.ctx(), page.caller->actor, before, ports::kDefaultPageSize);
  if (!records.ok()) return ErrorPageFor(site, page, records.error());
  Data data = BaseData(site, page, "page.decisions.title");
  Data rows{Data::type::list};
  Data options{Data::type::list};
  for (size_t i = 0; i < records->versions.size(); ++i) {
    const auto& v = records->versions[i];
    Data row = VersionData(site, page, v);
    if (v.version > 1) {
      row.set("compare_href", "/office/decisions/compare?from=" + std::to_string(v.version - 1) +
                                  "&to=" + std::to_string(v.version));
      row.set("compare_text", page.T(site, "decisions.compare_previous", std::to_string(v.version)));
    }
    rows.push_back(row);
    Data from = VersionData(site, page, v);
    from.set("selected_from", i == 1);
    from.set("selected_to", i == 0);
    options.push_back(from);
  }
  data.set("rows", rows);
  data.set("options", options);
  data.set("has_rows", !records->versions.empty());
  data.set("can_compare", records->versions.size() >= 2);
  if (records->next_before > 0) {
    Data pager;
    pager.set("next_href", "/office/decisions?before=" + std::to_string(records->next_before));
    if (before > 0) pager.set("first_href", "/office/decisions");
    data.set("pager", pager);
  }
  // The latest role changes beside the catalogue's versions (role_pages.cc lists them all).
  constexpr int kLatestRoleChanges = 5;
  auto changes = services::ListRoleChangeRecords(site.ctx(), page.caller->actor, "", kLatestRoleChanges);
  if (!changes.ok()) return ErrorPageFor(site, page, changes.error());
  data.set("changes", RoleChangeRows(site, page, changes->changes));
  data.set("has_changes", !changes->changes.empty());
  data.set("changes_caption", page.T(site, "decisions.role_changes_caption"));
  return RenderPage(site, page, "decisions", data);
}

Response ComparePage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const int64_t from = NumberOr(req.Query("from"), 0);
  const int64_t to = NumberOr(req.Query("to"), 0);
  if (from == 0 || to == 0) {
    return ErrorPageFor(site, page, MakeError(ErrorCode::kInvalidArgument, "error.decisions.version"));
  }
  auto comparison = services::CompareCatalogueVersions(site.ctx(), page.caller->actor, from, to);
  if (!comparison.ok()) return ErrorPageFor(site, page, comparison.error());
  const std::string title = page.T(site, "decisions.compare_title", std::to_string(from) + " → " + std::to_string(to));
  Data data = BaseData(site, page, "page.decisions_compare.title", title);
  data.set("heading", title);
  data.set("from", VersionData(site, page, comparison->from));
  data.set("to", VersionData(site, page, comparison->to));
  const std::string old_label = page.T(site, "decisions.old_text", std::to_string(from));
  const std::string new_label = page.T(site, "decisions.new_text", std::to_string(to));
  Data files{Data::type::list};
  int n = 0;
  for (const auto& file : comparison->files) {
    Data f;
    f.set("id", "file-" + std::to_string(++n));
    f.set("path", file.path);
    f.set("change", page.T(site, file.change == services::FileChange::kAdded     ? "decisions.file_added"
                                 : file.change == services::FileChange::kRemoved ? "decisions.file_removed"
                                                                                 : "decisions.file_changed"));
    Data rows{Data::type::list};
    for (const auto& row : file.rows) {
      Data r = DiffRowData(site, page, row);
      if (row.kind != domain::DiffRow::kFolded) {
        r.set("old_line", row.old_line > 0 ? std::to_string(row.old_line) : "");
        r.set("new_line", row.new_line > 0 ? std::to_string(row.new_line) : "");
      }
      rows.push_back(r);
    }
    f.set("rows", rows);
    files.push_back(f);
  }
  data.set("files", files);
  data.set("has_files", !comparison->files.empty());
  data.set("old_label", old_label);
  data.set("new_label", new_label);
  return RenderPage(site, page, "decision_compare", data);
}

}  // namespace

void RegisterDecisionPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/office/decisions", [site](Request& req) { return DecisionsPage(*site, req); });
  router.Add("GET", "/office/decisions/compare", [site](Request& req) { return ComparePage(*site, req); });
}

}  // namespace tongban::http::web
