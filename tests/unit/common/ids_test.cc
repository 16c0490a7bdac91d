#include "common/ids.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tongban {
namespace {

constexpr Date kToday{2026, 11, 27};
constexpr std::string_view kCreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// Independent of ids.cc: the MOD 11-2 weights are 2^(17-i) mod 11 for i = 0..16 and the check
// value is (12 - sum mod 11) mod 11, written X when it is 10 (ISO 7064).
char ReferenceResidentCheck(std::string_view first17) {
  int sum = 0;
  int weight = 1;
  for (int i = 16; i >= 0; --i) {
    weight = (i == 16) ? 2 : weight * 2 % 11;
    sum += (first17[static_cast<size_t>(i)] - '0') * weight;
  }
  const int check = (12 - sum % 11) % 11;
  return check == 10 ? 'X' : static_cast<char>('0' + check);
}

// Independent of ids.cc: GB 32100 weights are 3^i mod 31.
char ReferenceCreditCheck(std::string_view first17) {
  int sum = 0;
  int weight = 1;
  for (size_t i = 0; i < 17; ++i) {
    sum += static_cast<int>(kCreditAlphabet.find(first17[i])) * weight;
    weight = weight * 3 % 31;
  }
  return kCreditAlphabet[static_cast<size_t>((31 - sum % 31) % 31)];
}

// Builds an id from a 17-digit body with the correct check char, so only the tested part is wrong.
std::string WithCheck(const std::string& body) { return body + ReferenceResidentCheck(body); }

std::string ErrorKey(const Status& s) { return s.ok() ? "ok" : s.error().message; }

// Replaces the check character with every other allowed one.
std::vector<std::string> Corruptions(const std::string& id, std::string_view allowed) {
  std::vector<std::string> out;
  for (char c : allowed) {
    if (c == id[17]) continue;
    std::string bad = id;
    bad[17] = c;
    out.push_back(bad);
  }
  return out;
}

TEST(ResidentIdTest, AcceptsKnownValidSamples) {
  EXPECT_EQ(ErrorKey(ValidateResidentId("11010519491231002X", kToday)), "ok");
  EXPECT_EQ(ErrorKey(ValidateResidentId("11010519491231002x", kToday)), "ok");  // lower-case accepted
  EXPECT_EQ(ResidentIdCheckChar("11010519491231002"), 'X');
}

TEST(ResidentIdTest, CheckCharMatchesIndependentComputation) {
  const std::vector<std::string> bodies = {"11010519491231002", "31011519900307123", "44030620000229456",
                                           "65010219991231987", "81000019000101000", "51010720261127001",
                                           "37020219850615432", "23010319770707770"};
  for (const std::string& body : bodies) {
    SCOPED_TRACE(body);
    const char check = ResidentIdCheckChar(body);
    EXPECT_EQ(check, ReferenceResidentCheck(body));
    EXPECT_EQ(ErrorKey(ValidateResidentId(body + check, kToday)), "ok");
  }
}

TEST(ResidentIdTest, RejectsCorruptedCheckDigit) {
  const std::vector<std::string> valid_ids = {"11010519491231002X", WithCheck("31011519900307123"),
                                              WithCheck("44030620000229456")};
  for (const std::string& valid : valid_ids) {
    for (const std::string& bad : Corruptions(valid, "0123456789X")) {
      SCOPED_TRACE(bad);
      EXPECT_EQ(ErrorKey(ValidateResidentId(bad, kToday)), "error.id_number.check_digit");
    }
  }
}

TEST(ResidentIdTest, RejectsSwappedOrChangedBodyDigit) {
  const std::string valid = "11010519491231002X";
  // A changed sequence digit keeps the date valid, so only the check can catch it.
  std::string changed = valid;
  changed[15] = '1';
  EXPECT_EQ(ErrorKey(ValidateResidentId(changed, kToday)), "error.id_number.check_digit");
  std::string swapped = valid;
  std::swap(swapped[14], swapped[16]);  // "002" -> "200"
  EXPECT_EQ(ErrorKey(ValidateResidentId(swapped, kToday)), "error.id_number.check_digit");
}

struct InvalidIdCase {
  std::string id;
  std::string key;
};

TEST(ResidentIdTest, RejectsMalformedNumbers) {
  const std::vector<InvalidIdCase> cases = {
      {"", "error.id_number.length"},
      {"11010519491231002", "error.id_number.length"},
      {"11010519491231002X1", "error.id_number.length"},
      {"110105194912310", "error.id_number.length"},
      {"1101051949123100AX", "error.id_number.characters"},
      {"11010519491231002Y", "error.id_number.characters"},
      {"11010519491231002 ", "error.id_number.characters"},
      {"X10105194912310021", "error.id_number.characters"},
      {WithCheck("01010519491231002"), "error.id_number.characters"},  // region 0
      {WithCheck("91010519491231002"), "error.id_number.characters"},  // region 9
      {WithCheck("11010519490230002"), "error.id_number.birth_date"},  // Feb 30
      {WithCheck("11010519491301002"), "error.id_number.birth_date"},  // month 13
      {WithCheck("11010519490100002"), "error.id_number.birth_date"},  // day 0
      {WithCheck("11010520230229002"), "error.id_number.birth_date"},  // 2023 not leap
      {WithCheck("11010518991231002"), "error.id_number.birth_date"},  // before 1900
      {WithCheck("11010520261128002"), "error.id_number.birth_date"},  // tomorrow
      {WithCheck("11010530000101002"), "error.id_number.birth_date"},
  };
  for (const InvalidIdCase& c : cases) {
    SCOPED_TRACE(c.id);
    const Status s = ValidateResidentId(c.id, kToday);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.error().message, c.key);
  }
}

TEST(ResidentIdTest, AcceptsBoundaryBirthDates) {
  for (const std::string& body : std::vector<std::string>{"11010519000101002", "11010520261127002",
                                                          "11010520240229002", "81000020000229000"}) {
    SCOPED_TRACE(body);
    EXPECT_EQ(ErrorKey(ValidateResidentId(WithCheck(body), kToday)), "ok");
  }
}

TEST(ResidentIdTest, ExtractsBirthDate) {
  EXPECT_EQ(ResidentIdBirthDate("11010519491231002X"), (Date{1949, 12, 31}));
  EXPECT_EQ(ResidentIdBirthDate(WithCheck("31011520000229123")), (Date{2000, 2, 29}));
}

TEST(CreditCodeTest, AcceptsKnownValidSample) {
  EXPECT_EQ(ErrorKey(ValidateCreditCode("91350100M000100Y43")), "ok");
  EXPECT_EQ(CreditCodeCheckChar("91350100M000100Y4"), '3');
}

TEST(CreditCodeTest, CheckCharMatchesIndependentComputation) {
  const std::vector<std::string> bodies = {"91350100M000100Y4", "91310115MA1K3ABC1", "12100000400000624",
                                           "92310000MA1FL0000", "5131000050000000X", "Y1310000000000000",
                                           "31310000000000000", "91110108MA01ABCDE"};
  bool saw_zero = false;
  for (const std::string& body : bodies) {
    SCOPED_TRACE(body);
    const char check = CreditCodeCheckChar(body);
    EXPECT_EQ(check, ReferenceCreditCheck(body));
    EXPECT_EQ(ErrorKey(ValidateCreditCode(body + check)), "ok");
    saw_zero = saw_zero || check == '0';
  }
  // The 31 -> '0' wrap: search for a body whose check value wraps and confirm both agree.
  std::string body = "9131011500000000";
  for (char c : kCreditAlphabet) {
    const std::string candidate = body + c;
    if (ReferenceCreditCheck(candidate) == '0') {
      EXPECT_EQ(CreditCodeCheckChar(candidate), '0');
      saw_zero = true;
    }
  }
  EXPECT_TRUE(saw_zero) << "no body exercised the 31 -> '0' case";
}

TEST(CreditCodeTest, RejectsCorruptedCheckDigit) {
  for (const std::string& bad : Corruptions("91350100M000100Y43", kCreditAlphabet)) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(ErrorKey(ValidateCreditCode(bad)), "error.credit_code.check_digit");
  }
  // A changed body character is caught by the check too.
  EXPECT_EQ(ErrorKey(ValidateCreditCode("91350100M000100Y53")), "error.credit_code.check_digit");
}

TEST(CreditCodeTest, RejectsMalformedCodes) {
  const std::vector<InvalidIdCase> cases = {
      {"", "error.credit_code.length"},
      {"91350100M000100Y4", "error.credit_code.length"},
      {"91350100M000100Y433", "error.credit_code.length"},
      {"91350100I000100Y43", "error.credit_code.characters"},  // I is not in the alphabet
      {"91350100O000100Y43", "error.credit_code.characters"},
      {"91350100S000100Y43", "error.credit_code.characters"},
      {"91350100V000100Y43", "error.credit_code.characters"},
      {"91350100Z000100Y43", "error.credit_code.characters"},
      {"91350100m000100y43", "error.credit_code.characters"},  // callers upper-case first
      {"91350100M000100Y4-", "error.credit_code.characters"},
  };
  for (const InvalidIdCase& c : cases) {
    SCOPED_TRACE(c.id);
    const Status s = ValidateCreditCode(c.id);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.error().message, c.key);
  }
}

}  // namespace
}  // namespace tongban
