// A side-by-side line comparison of two texts (issue 13 item 6: the reform office compares two
// versions of the catalogue's files): the rows of a two-column view, each a line of the old text,
// of the new text, or of both, with unchanged runs far from a change folded away.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tongban::domain {

enum class DiffRow { kSame, kRemoved, kAdded, kChanged, kFolded };

// "same", "removed", "added", "changed" or "folded" (the API's `kind` of a row).
std::string_view DiffRowName(DiffRow kind);

struct SideBySideRow {
  DiffRow kind = DiffRow::kSame;
  int old_line = 0;  // 1-based; 0 where the row has no old line (kAdded, kFolded)
  int new_line = 0;  // 1-based; 0 where the row has no new line (kRemoved, kFolded)
  std::string old_text;
  std::string new_text;
  int folded = 0;  // kFolded: how many unchanged lines the row stands for
};

// The longest-common-subsequence comparison of `before` and `after` split into lines. A removed
// line next to an added one is paired as kChanged. Unchanged lines more than `context` lines from
// a change are folded into one kFolded row. The common head and tail are matched first; a middle longer than `max_lines`
// lines on either side is compared as a whole (every old line removed, every new line added)
// rather than in quadratic time and memory.
std::vector<SideBySideRow> CompareLines(std::string_view before, std::string_view after, int context = 3,
                                        std::size_t max_lines = 2000);

}  // namespace tongban::domain
