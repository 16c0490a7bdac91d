// Application reference numbers: the short, human number a person reads out on the phone to 12345
// (issue 8 point 9), beside the internal id. Format:
//
//   PREFIX-YYYY-MMDD-NNNNC     e.g. SH-2026-1129-0042K
//
// PREFIX is the platform's code (2 to 4 letters), YYYY-MMDD the city-local date the application
// was created, NNNN its sequence number that day (at least 4 digits, more when a day has more than
// 9999 applications), and C a check character over every letter and digit before it, computed
// with ISO 7064 MOD 37,36 (the hybrid system over 0-9 and A-Z): every single wrong character and
// every swap of two adjacent characters is detected, and the check character is always a digit or
// a capital letter (never the '*' of MOD 37-2, which cannot be read out).
// Parsing ignores case, spaces and hyphens, so "sh 2026 1129 0042 k" is the same number.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/time.h"

namespace tongban {

inline constexpr std::string_view kDefaultReferencePrefix = "SH";

// The check character (0-9 or A-Z) for `payload`, the letters and digits before it (upper case).
char ReferenceCheckChar(std::string_view payload);

// The reference of the `sequence`-th (1, 2, ...) application created on `date`.
std::string FormatReference(std::string_view prefix, Date date, int64_t sequence);

struct ParsedReference {
  std::string canonical;  // PREFIX-YYYY-MMDD-NNNNC, upper case, as FormatReference writes it
  bool check_ok = false;  // false: shaped like a reference, but the check character does not match
};

// `text` read as a reference number; nullopt when it is not shaped like one (an internal id, a
// name). A mistyped check character answers check_ok = false, so callers can give a hint.
std::optional<ParsedReference> ParseReference(std::string_view text);

}  // namespace tongban
