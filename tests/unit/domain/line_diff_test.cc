#include "domain/line_diff.h"

#include <gtest/gtest.h>

#include <string>

namespace tongban::domain {
namespace {

std::string Kinds(const std::vector<SideBySideRow>& rows) {
  std::string out;
  for (const auto& r : rows) {
    switch (r.kind) {
      case DiffRow::kSame: out += '='; break;
      case DiffRow::kRemoved: out += '-'; break;
      case DiffRow::kAdded: out += '+'; break;
      case DiffRow::kChanged: out += '~'; break;
      case DiffRow::kFolded: out += '.'; break;
    }
  }
  return out;
}

TEST(LineDiffTest, IdenticalTextsFoldIntoOneRow) {
  const auto rows = CompareLines("a\nb\nc\nd\ne\n", "a\nb\nc\nd\ne\n", 1);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].kind, DiffRow::kFolded);
  EXPECT_EQ(rows[0].folded, 5);
}

TEST(LineDiffTest, ChangedLineIsPairedWithItsNumbersOnBothSides) {
  const auto rows = CompareLines("a\nb\nc\n", "a\nB\nc\n", 3);
  EXPECT_EQ(Kinds(rows), "=~=");
  EXPECT_EQ(rows[1].old_line, 2);
  EXPECT_EQ(rows[1].new_line, 2);
  EXPECT_EQ(rows[1].old_text, "b");
  EXPECT_EQ(rows[1].new_text, "B");
}

TEST(LineDiffTest, InsertionAndRemovalKeepLineNumbersOfEachSide) {
  const auto rows = CompareLines("a\nb\nc\nd\n", "a\nc\nx\nd\n", 3);
  EXPECT_EQ(Kinds(rows), "=-=+=");
  EXPECT_EQ(rows[1].old_line, 2);
  EXPECT_EQ(rows[1].new_line, 0);
  EXPECT_EQ(rows[3].new_line, 3);
  EXPECT_EQ(rows[3].new_text, "x");
  EXPECT_EQ(rows[4].old_line, 4);
  EXPECT_EQ(rows[4].new_line, 4);
}

TEST(LineDiffTest, UnchangedLinesFarFromAChangeAreFolded) {
  std::string before;
  for (int i = 1; i <= 20; ++i) before += "line " + std::to_string(i) + "\n";
  std::string after = before;
  after.replace(after.find("line 10\n"), 8, "line ten\n");
  const auto rows = CompareLines(before, after, 2);
  EXPECT_EQ(Kinds(rows), ".==~==.");
  EXPECT_EQ(rows.front().folded, 7);
  EXPECT_EQ(rows.back().folded, 8);
}

TEST(LineDiffTest, NewFileIsAllAdded) {
  EXPECT_EQ(Kinds(CompareLines("", "a\nb\n")), "++");
  EXPECT_EQ(Kinds(CompareLines("a\nb\n", "")), "--");
}

TEST(LineDiffTest, MiddleLongerThanTheLimitIsComparedAsAWhole) {
  const auto rows = CompareLines("h\na\nb\nt\n", "h\nb\nc\nt\n", 3, 1);
  EXPECT_EQ(Kinds(rows), "=~~=");
  EXPECT_EQ(rows[1].old_text, "a");
  EXPECT_EQ(rows[1].new_text, "b");
}

}  // namespace
}  // namespace tongban::domain
