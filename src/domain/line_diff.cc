#include "domain/line_diff.h"

#include <algorithm>
#include <cstdint>

namespace tongban::domain {
namespace {

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// The rows of the whole comparison, before folding. The common head and tail are matched first,
// so that the LCS table covers only the lines between them (a small change to a long file stays
// cheap); a middle longer than `max_lines` on either side is compared as a whole.
std::vector<SideBySideRow> Unfolded(const std::vector<std::string>& a, const std::vector<std::string>& b,
                                    std::size_t max_lines) {
  std::vector<SideBySideRow> rows;
  const auto same = [&](size_t i, size_t j) {
    rows.push_back({DiffRow::kSame, static_cast<int>(i + 1), static_cast<int>(j + 1), a[i], b[j], 0});
  };
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
  for (size_t k = 0; k < head; ++k) same(k, k);
  const size_t n = a.size() - tail;  // the middle is a[head, n) and b[head, m)
  const size_t m = b.size() - tail;
  std::vector<std::vector<uint32_t>> lcs;  // lcs[i - head][j - head]: LCS of a[i, n) and b[j, m)
  if (n - head <= max_lines && m - head <= max_lines) {
    lcs.assign(n - head + 1, std::vector<uint32_t>(m - head + 1, 0));
    for (size_t i = n; i-- > head;) {
      for (size_t j = m; j-- > head;) {
        lcs[i - head][j - head] = a[i] == b[j] ? lcs[i - head + 1][j - head + 1] + 1
                                               : std::max(lcs[i - head + 1][j - head], lcs[i - head][j - head + 1]);
      }
    }
  }
  std::vector<SideBySideRow> removed;
  std::vector<SideBySideRow> added;
  // A run of removals and additions between two common lines: paired row by row as changes.
  const auto flush = [&] {
    for (size_t k = 0; k < std::max(removed.size(), added.size()); ++k) {
      if (k < removed.size() && k < added.size()) {
        rows.push_back({DiffRow::kChanged, removed[k].old_line, added[k].new_line, removed[k].old_text,
                        added[k].new_text, 0});
      } else {
        rows.push_back(k < removed.size() ? removed[k] : added[k]);
      }
    }
    removed.clear();
    added.clear();
  };
  size_t i = head;
  size_t j = head;
  while (i < n || j < m) {
    if (i < n && j < m && !lcs.empty() && a[i] == b[j]) {
      flush();
      same(i, j);
      ++i;
      ++j;
    } else if (i < n && (j >= m || lcs.empty() || lcs[i - head + 1][j - head] >= lcs[i - head][j - head + 1])) {
      removed.push_back({DiffRow::kRemoved, static_cast<int>(i + 1), 0, a[i], "", 0});
      ++i;
    } else {
      added.push_back({DiffRow::kAdded, 0, static_cast<int>(j + 1), "", b[j], 0});
      ++j;
    }
  }
  flush();
  for (size_t k = 0; k < tail; ++k) same(n + k, m + k);
  return rows;
}

}  // namespace

std::vector<SideBySideRow> CompareLines(std::string_view before, std::string_view after, int context,
                                        std::size_t max_lines) {
  const std::vector<SideBySideRow> rows = Unfolded(SplitLines(before), SplitLines(after), max_lines);
  // Keep each unchanged row within `context` rows of a change; fold the rest run by run.
  std::vector<bool> keep(rows.size(), false);
  for (size_t k = 0; k < rows.size(); ++k) {
    if (rows[k].kind == DiffRow::kSame) continue;
    const size_t from = k >= static_cast<size_t>(context) ? k - context : 0;
    const size_t to = std::min(rows.size(), k + context + 1);
    for (size_t x = from; x < to; ++x) keep[x] = true;
  }
  std::vector<SideBySideRow> out;
  for (size_t k = 0; k < rows.size(); ++k) {
    if (keep[k]) {
      out.push_back(rows[k]);
    } else if (!out.empty() && out.back().kind == DiffRow::kFolded) {
      out.back().folded += 1;
    } else {
      out.push_back({DiffRow::kFolded, 0, 0, "", "", 1});
    }
  }
  return out;
}

std::string_view DiffRowName(DiffRow kind) {
  switch (kind) {
    case DiffRow::kSame: return "same";
    case DiffRow::kRemoved: return "removed";
    case DiffRow::kAdded: return "added";
    case DiffRow::kChanged: return "changed";
    case DiffRow::kFolded: return "folded";
  }
  return "same";
}

}  // namespace tongban::domain
