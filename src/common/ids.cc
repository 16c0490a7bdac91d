#include "common/ids.h"

#include <array>

namespace tongban {
namespace {

constexpr size_t kIdLength = 18;

// GB 11643-1999: ISO 7064 MOD 11-2 weights for positions 1..17 (2^(18-i) mod 11) and the check
// character for each remainder of the weighted sum.
constexpr std::array<int, 17> kResidentIdWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kResidentIdCheckChars = "10X98765432";

// The earliest birth year accepted: nobody alive was born earlier, and a smaller year in a
// number is a typing error far more often than a supercentenarian.
constexpr int kEarliestBirthYear = 1900;

// GB 32100-2015: the 31-character alphabet (no I, O, S, V, Z, which read like digits) and the
// weights 3^(i-1) mod 31 for positions 1..17.
constexpr std::string_view kCreditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kCreditCodeWeights = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Error InvalidId(const char* key) { return MakeError(ErrorCode::kInvalidArgument, key); }

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool IsRealDate(Date d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d.month < 1 || d.month > 12 || d.day < 1) return false;
  const int days = d.month == 2 && IsLeap(d.year) ? 29 : kDays[d.month - 1];
  return d.day <= days;
}

int DigitsValue(std::string_view text) {
  int v = 0;
  for (char c : text) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

char ResidentIdCheckChar(std::string_view first17) {
  // Callers pass validated input; '\0' (never a valid check character) rather than a guess keeps
  // a misuse from producing a number that looks valid.
  if (first17.size() < 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    if (!IsDigit(first17[i])) return '\0';
    sum += (first17[i] - '0') * kResidentIdWeights[i];
  }
  return kResidentIdCheckChars[static_cast<size_t>(sum % 11)];
}

Date ResidentIdBirthDate(std::string_view id) {
  if (id.size() < 14) return Date{};
  return Date{DigitsValue(id.substr(6, 4)), DigitsValue(id.substr(10, 2)), DigitsValue(id.substr(12, 2))};
}

Status ValidateResidentId(std::string_view id, Date today) {
  if (id.size() != kIdLength) return InvalidId("error.id_number.length");
  for (size_t i = 0; i < 17; ++i) {
    if (!IsDigit(id[i])) return InvalidId("error.id_number.characters");
  }
  const char last = id[17];
  if (!IsDigit(last) && last != 'X' && last != 'x') return InvalidId("error.id_number.characters");
  // Administrative division codes (GB/T 2260) start with 1-8; 0 and 9 are not assigned. The header
  // names no region key, so a bad region is reported as a character error.
  if (id[0] < '1' || id[0] > '8') return InvalidId("error.id_number.characters");

  const Date birth = ResidentIdBirthDate(id);
  if (birth.year < kEarliestBirthYear || !IsRealDate(birth) || birth > today) {
    return InvalidId("error.id_number.birth_date");
  }
  const char expected = ResidentIdCheckChar(id.substr(0, 17));
  const char given = last == 'x' ? 'X' : last;
  if (given != expected) return InvalidId("error.id_number.check_digit");
  return Ok();
}

char CreditCodeCheckChar(std::string_view first17) {
  if (first17.size() < 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    const size_t value = kCreditCodeAlphabet.find(first17[i]);
    if (value == std::string_view::npos) return '\0';
    sum += static_cast<int>(value) * kCreditCodeWeights[i];
  }
  const int check = 31 - sum % 31;
  return kCreditCodeAlphabet[static_cast<size_t>(check == 31 ? 0 : check)];
}

Status ValidateCreditCode(std::string_view code) {
  if (code.size() != kIdLength) return InvalidId("error.credit_code.length");
  for (char c : code) {
    if (kCreditCodeAlphabet.find(c) == std::string_view::npos) return InvalidId("error.credit_code.characters");
  }
  if (code[17] != CreditCodeCheckChar(code.substr(0, 17))) return InvalidId("error.credit_code.check_digit");
  return Ok();
}

std::string MaskResidentId(std::string_view id) {
  if (id.size() == 18) return std::string(id.substr(0, 6)) + std::string(8, '*') + std::string(id.substr(14));
  if (id.size() <= 4) return std::string(id.size(), '*');
  return std::string(id.size() - 4, '*') + std::string(id.substr(id.size() - 4));
}

}  // namespace tongban
