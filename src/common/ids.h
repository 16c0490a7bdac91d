// National identifier checks: resident identity numbers (GB 11643-1999) and unified social
// credit codes (GB 32100-2015). Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "common/time.h"

namespace tongban {

// Validates an 18-character resident identity number: 6-digit region code, a real birth date
// (YYYYMMDD, not in the future of `today`), 3-digit sequence, ISO 7064 MOD 11-2 check character
// (0-9 or X; lower-case x accepted). Returns kInvalidArgument with message key
// "error.id_number.length", ".characters", ".birth_date" or ".check_digit".
Status ValidateResidentId(std::string_view id, Date today);
// The check character for the first 17 digits of a resident identity number.
char ResidentIdCheckChar(std::string_view first17);
// Birth date encoded in a valid resident identity number.
Date ResidentIdBirthDate(std::string_view id);

// A resident identity number as pages show it: the region code and the last four characters, the
// birth date and the rest hidden ("310115********1013"). Anything not 18 characters long is
// hidden all but its last four.
std::string MaskResidentId(std::string_view id);

// Validates an 18-character unified social credit code: characters from
// "0123456789ABCDEFGHJKLMNPQRTUWXY", MOD 31 check character. Returns kInvalidArgument with message
// key "error.credit_code.length", ".characters" or ".check_digit".
Status ValidateCreditCode(std::string_view code);
// The check character for the first 17 characters of a credit code (which must use the alphabet).
char CreditCodeCheckChar(std::string_view first17);

}  // namespace tongban
