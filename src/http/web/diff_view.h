// One row of a side-by-side comparison (domain/line_diff.h) for the templates, shared by the pages
// that compare catalogue versions and role assignments (decision_pages.cc, role_pages.cc).
#pragma once

#include <string>

#include "domain/line_diff.h"
#include "http/web/page.h"

namespace tongban::http::web {

inline const char* DiffRowClass(domain::DiffRow kind) {
  switch (kind) {
    case domain::DiffRow::kRemoved: return "diff-row diff-row--removed";
    case domain::DiffRow::kAdded: return "diff-row diff-row--added";
    case domain::DiffRow::kChanged: return "diff-row diff-row--changed";
    case domain::DiffRow::kFolded: return "diff-row diff-row--folded";
    case domain::DiffRow::kSame: break;
  }
  return "diff-row";
}

// The row's class, and either how many lines it folds or both sides' texts with the words that
// say, for screen readers and for print, what the row is beside each side's text.
inline Data DiffRowData(const Site& site, const PageRequest& page, const domain::SideBySideRow& row) {
  using domain::DiffRow;
  Data r;
  r.set("class", DiffRowClass(row.kind));
  if (row.kind == DiffRow::kFolded) {
    r.set("folded", page.T(site, "decisions.folded", std::to_string(row.folded)));
    return r;
  }
  r.set("old_text", row.old_text);
  r.set("new_text", row.new_text);
  if (row.kind == DiffRow::kRemoved || row.kind == DiffRow::kChanged) {
    r.set("old_mark", page.T(site, row.kind == DiffRow::kRemoved ? "decisions.mark_removed" : "decisions.mark_changed_from"));
  }
  if (row.kind == DiffRow::kAdded || row.kind == DiffRow::kChanged) {
    r.set("new_mark", page.T(site, row.kind == DiffRow::kAdded ? "decisions.mark_added" : "decisions.mark_changed_to"));
  }
  return r;
}

}  // namespace tongban::http::web
