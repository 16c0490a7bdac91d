// The bounds on what a person or an official may write into an application (security review,
// finding 5): every text that reaches storage has a limit here, in one place, so that nothing is
// unbounded by omission. Lengths are in characters (Unicode code points), never bytes, so a limit
// means the same for Latin and Han text; the byte limits below only stop abuse before any parsing.
// Over-long input is refused with a 400 naming the field; the one exception is an upload's file
// name, which is informational and cut to its limit at a character boundary.
// Thread-safety: constants and pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tongban::domain {

// The reason or comment of a workflow action (reject, request-correction, refuse, and the
// optional note of every other action).
inline constexpr size_t kMaxReasonCodePoints = 2000;

// One answer of a form. A text field's catalogue `max` may be lower, never higher: the longest
// text the demo catalogue asks for (business scope) is 2000 characters. Addresses, e-mail
// addresses, ids and the other typed fields have their own, shorter formats.
inline constexpr size_t kMaxFieldValueCodePoints = 2000;
// An address is free text, but a bounded one: it is printed on licences and notices.
inline constexpr size_t kMaxAddressCodePoints = 200;
// libstdc++'s std::regex matches recursively, so a long enough value overflows the stack; a
// patterned field is a code or a name, never an essay, so longer values are refused unmatched.
inline constexpr size_t kMaxPatternedCodePoints = 1000;
// How many answers one form may send (known or not: unknown names are refused, but only after
// this check, so a request cannot make the server list a million unknown names back).
inline constexpr size_t kMaxFormFields = 100;
// The longest field name a form may send; catalogue names are short snake_case identifiers.
inline constexpr size_t kMaxFieldNameBytes = 64;
// All names and values of one form together, as sent (before trimming).
inline constexpr size_t kMaxFormBytes = 64 * 1024;

// An upload's file name is kept for display only: a longer one is cut to this many characters.
inline constexpr size_t kMaxFileNameCodePoints = 200;

// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool IsUtf8(std::string_view s);

// The number of code points of well-formed UTF-8 text.
size_t CodePoints(std::string_view s);

// The first `max` code points of well-formed UTF-8 text (all of it when shorter).
std::string_view CutToCodePoints(std::string_view s, size_t max);

// True when `s` holds a C0 control character or DEL; tab, CR and LF count only when
// `line_breaks_allowed` is false. NUL in particular cannot be stored in a PostgreSQL text column.
bool HasControlCharacters(std::string_view s, bool line_breaks_allowed);

}  // namespace tongban::domain
