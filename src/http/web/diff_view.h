// The CSS class of a row of a side-by-side comparison (domain/line_diff.h), shared by the pages
// that compare catalogue versions and role assignments (decision_pages.cc, role_pages.cc).
#pragma once

#include "domain/line_diff.h"

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

}  // namespace tongban::http::web
