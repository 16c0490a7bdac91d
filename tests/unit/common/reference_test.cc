#include "common/reference.h"

#include "common/ids.h"

#include <gtest/gtest.h>

#include <string>

namespace tongban {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

// Independent of reference.cc: ISO 7064 MOD 37,36 accepts a string (check character included)
// when the last step's S equals 1.
bool Iso7064Mod3736Valid(std::string_view with_check) {
  int p = 36;
  int s = 0;
  for (const char c : with_check) {
    if (c == '-') continue;
    const int value = static_cast<int>(kAlphabet.find(c));
    s = (p + value) % 36;
    if (s == 0) s = 36;
    p = (2 * s) % 37;
  }
  return s == 1;
}

TEST(ReferenceTest, FormatsPrefixDateSequenceAndCheck) {
  const std::string ref = FormatReference("SH", Date{2026, 11, 29}, 42);
  ASSERT_EQ(ref.size(), std::string("SH-2026-1129-0042K").size());
  EXPECT_EQ(ref.substr(0, 17), "SH-2026-1129-0042");
  EXPECT_TRUE(Iso7064Mod3736Valid(ref)) << ref;
  EXPECT_EQ(FormatReference("SH", Date{2026, 1, 2}, 123456).substr(0, 19), "SH-2026-0102-123456");
}

TEST(ReferenceTest, ParsesIgnoringCaseSpacesAndHyphens) {
  const std::string ref = FormatReference("SH", Date{2026, 11, 29}, 42);
  std::string typed;
  for (const char c : ref) typed += c == '-' ? ' ' : static_cast<char>(std::tolower(c));
  const auto parsed = ParseReference(typed);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->check_ok);
  EXPECT_EQ(parsed->canonical, ref);
}

TEST(ReferenceTest, NotShapedLikeAReference) {
  EXPECT_FALSE(ParseReference("01JDX3V8K9Q2W4E5R6T7Y8U9I0"));  // an internal id (ULID)
  EXPECT_FALSE(ParseReference("张伟"));
  EXPECT_FALSE(ParseReference("310115198801011013"));
  EXPECT_FALSE(ParseReference("SH-2026-1129-42K"));  // sequence shorter than 4 digits
  EXPECT_FALSE(ParseReference(""));
}

// point 9: every single-character error in a reference is detected.
TEST(ReferenceTest, Point9EverySingleCharacterErrorIsDetected) {
  for (const int64_t sequence : {1, 42, 9999, 123456}) {
    const std::string ref = FormatReference("SH", Date{2026, 11, 29}, sequence);
    for (size_t i = 0; i < ref.size(); ++i) {
      if (ref[i] == '-') continue;
      for (const char replacement : kAlphabet) {
        if (replacement == ref[i]) continue;
        std::string typo = ref;
        typo[i] = replacement;
        const auto parsed = ParseReference(typo);
        // Either no longer shaped like a reference (a letter in the date) or a failed check.
        if (parsed) {
          EXPECT_FALSE(parsed->check_ok) << typo << " passes for " << ref;
        }
      }
    }
  }
}

TEST(ReferenceTest, Point9AdjacentSwapsAreDetected) {
  const std::string ref = FormatReference("SH", Date{2026, 11, 29}, 4271);
  std::string compact;
  for (const char c : ref) {
    if (c != '-') compact += c;
  }
  for (size_t i = 0; i + 1 < compact.size(); ++i) {
    if (compact[i] == compact[i + 1]) continue;
    std::string swapped = compact;
    std::swap(swapped[i], swapped[i + 1]);
    const auto parsed = ParseReference(swapped);
    if (parsed) {
      EXPECT_FALSE(parsed->check_ok) << swapped;
    }
  }
}

}  // namespace
}  // namespace tongban

namespace tongban {
namespace {

// point 9: pages show a masked ID number, never the full one.
TEST(MaskResidentIdTest, Point9ShowsRegionAndLastFourOnly) {
  EXPECT_EQ(MaskResidentId("310115198801011013"), "310115********1013");
  EXPECT_EQ(MaskResidentId("12345678"), "****5678");
  EXPECT_EQ(MaskResidentId("123"), "***");
}

}  // namespace
}  // namespace tongban
