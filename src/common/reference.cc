#include "common/reference.h"

#include <fmt/format.h>

namespace tongban {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr int kModulus = 36;

int ValueOf(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return c >= 'A' && c <= 'Z'; }

}  // namespace

char ReferenceCheckChar(std::string_view payload) {
  // ISO 7064 MOD 37,36: P starts at M; for each character S = (P + value) mod M (M when 0) and
  // P = 2S mod (M + 1); the check value makes (P + check) mod M equal 1.
  int p = kModulus;
  for (const char c : payload) {
    const int value = ValueOf(c);
    if (value < 0) continue;
    int s = (p + value) % kModulus;
    if (s == 0) s = kModulus;
    p = (2 * s) % (kModulus + 1);
  }
  return kAlphabet[static_cast<size_t>((kModulus + 1 - p) % kModulus)];
}

std::string FormatReference(std::string_view prefix, Date date, int64_t sequence) {
  const std::string body = fmt::format("{}-{:04d}-{:02d}{:02d}-{:04d}", prefix, date.year, date.month, date.day, sequence);
  return body + ReferenceCheckChar(body);
}

std::optional<ParsedReference> ParseReference(std::string_view text) {
  if (text.size() > 64) return std::nullopt;
  std::string compact;
  for (char c : text) {
    if (c == ' ' || c == '-') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!IsDigit(c) && !IsLetter(c)) return std::nullopt;
    compact += c;
  }
  size_t letters = 0;
  while (letters < compact.size() && IsLetter(compact[letters])) ++letters;
  if (letters < 2 || letters > 4) return std::nullopt;
  // Date (8 digits), a sequence of at least 4 digits, then the check character.
  const size_t digits_end = compact.size() - 1;
  if (compact.size() < letters + 8 + 4 + 1) return std::nullopt;
  for (size_t i = letters; i < digits_end; ++i) {
    if (!IsDigit(compact[i])) return std::nullopt;
  }
  const std::string_view all = compact;
  ParsedReference out;
  out.canonical = std::string(all.substr(0, letters)) + "-" + std::string(all.substr(letters, 4)) + "-" +
                  std::string(all.substr(letters + 4, 4)) + "-" + std::string(all.substr(letters + 8));
  out.check_ok = ReferenceCheckChar(all.substr(0, digits_end)) == compact.back();
  return out;
}

}  // namespace tongban
