// fields.h names Date without including its header; until the header is fixed, include it first.
#include "common/time.h"
#include "domain/fields.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <regex>
#include <string_view>
#include <system_error>

#include "common/ids.h"
#include "domain/limits.h"

namespace tongban::domain {
namespace {

constexpr auto kAddressMaxCodePoints = static_cast<double>(kMaxAddressCodePoints);
constexpr size_t kEmailMaxLength = 254;  // RFC 5321 path limit
constexpr auto kPatternMaxCodePoints = static_cast<double>(kMaxPatternedCodePoints);

bool IsAsciiSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Trims ASCII whitespace, NO-BREAK SPACE and IDEOGRAPHIC SPACE (U+3000), which Chinese input
// methods type as an ordinary space.
std::string_view Trim(std::string_view s) {
  constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  constexpr std::string_view kNoBreakSpace = "\xC2\xA0";
  for (bool changed = true; changed && !s.empty();) {
    changed = false;
    if (IsAsciiSpace(static_cast<unsigned char>(s.front()))) { s.remove_prefix(1); changed = true; }
    else if (s.starts_with(kIdeographicSpace)) { s.remove_prefix(3); changed = true; }
    else if (s.starts_with(kNoBreakSpace)) { s.remove_prefix(2); changed = true; }
  }
  for (bool changed = true; changed && !s.empty();) {
    changed = false;
    if (IsAsciiSpace(static_cast<unsigned char>(s.back()))) { s.remove_suffix(1); changed = true; }
    else if (s.ends_with(kIdeographicSpace)) { s.remove_suffix(3); changed = true; }
    else if (s.ends_with(kNoBreakSpace)) { s.remove_suffix(2); changed = true; }
  }
  return s;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string ToUpperAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The shortest decimal that reads back as `v`, never in exponent form ("1000000", "0.5"), so
// stored values compare and display alike whatever the applicant typed ("1e6", "0.50").
std::string FormatNumber(double v) {
  if (v == 0) v = 0;  // drops the sign of -0
  char buf[512];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return res.ec == std::errc() ? std::string(buf, res.ptr) : std::to_string(v);
}

std::optional<double> ParseNumber(std::string_view s) {
  double v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (res.ec != std::errc() || res.ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Mainland mobile: 1[3-9] and nine more digits.
bool IsMobile(std::string_view s) { return s.size() == 11 && AllDigits(s) && s[0] == '1' && s[1] >= '3'; }

// Landline: area code 0 + 2-3 digits, a hyphen, a 7-8 digit local number (which never starts
// with 0: that would be another area code), optionally a hyphen and an extension of up to 6 digits: "021-12345678".
bool IsLandline(std::string_view s) {
  const size_t dash = s.find('-');
  if (dash == std::string_view::npos) return false;
  const std::string_view area = s.substr(0, dash);
  std::string_view local = s.substr(dash + 1);
  std::string_view extension;
  if (const size_t dash2 = local.find('-'); dash2 != std::string_view::npos) {
    extension = local.substr(dash2 + 1);
    local = local.substr(0, dash2);
    if (!AllDigits(extension) || extension.size() > 6) return false;
  }
  return (area.size() == 3 || area.size() == 4) && AllDigits(area) && area[0] == '0' &&
         (local.size() == 7 || local.size() == 8) && AllDigits(local) && local[0] != '0';
}

// Returns the canonical phone number, or nullopt. Mobiles lose spaces, hyphens and a +86 / 0086
// prefix ("+86 138-0013-8000" -> "13800138000"); landlines keep their hyphens.
std::optional<std::string> CanonicalPhone(std::string_view text) {
  std::string compact;
  for (char c : text) {
    if (c != ' ') compact.push_back(c);
  }
  if (IsLandline(compact)) return compact;
  std::string digits;
  for (char c : compact) {
    if (c != '-') digits.push_back(c);
  }
  std::string_view rest = digits;
  if (rest.starts_with("+86")) rest.remove_prefix(3);
  else if (rest.starts_with("0086")) rest.remove_prefix(4);
  if (IsMobile(rest)) return std::string(rest);
  return std::nullopt;
}

// A deliberately simple check: one '@', a non-empty local part, a dotted domain of letters,
// digits and hyphens, no whitespace. Whether the mailbox exists is for a confirmation mail.
bool IsEmail(std::string_view s) {
  if (s.size() > kEmailMaxLength) return false;
  const size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos) return false;
  for (unsigned char c : s.substr(0, at)) {
    if (c <= ' ' || c == 0x7F) return false;
  }
  const std::string_view domain = s.substr(at + 1);
  if (domain.empty() || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.' || domain.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : domain) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::optional<std::string> CanonicalBoolean(std::string_view s) {
  const std::string lower = ToLowerAscii(s);
  if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") return "true";
  if (lower == "false" || lower == "0" || lower == "no" || lower == "off") return "false";
  return std::nullopt;
}

bool PatternMatches(const std::string& pattern, const std::string& value) {
  // std::regex throws on a malformed pattern: that is a catalogue defect, and failing closed
  // (reporting the value as not matching) beats accepting anything.
  try {
    return std::regex_match(value, std::regex(pattern, std::regex::ECMAScript));
  } catch (const std::regex_error&) {
    return false;
  }
}

class Checker {
 public:
  explicit Checker(Date today) : today_(today) {}

  // Checks one trimmed, non-empty value; returns the canonical value or records an error.
  std::optional<std::string> Check(const Field& field, const std::string& value) {
    switch (field.type) {
      case FieldType::kText: return CheckText(field, value);
      case FieldType::kAddress: return CheckLength(field, value, std::nullopt, kAddressMaxCodePoints);
      case FieldType::kNumber: return CheckNumber(field, value);
      case FieldType::kDate:
        if (!ParseIsoDate(value)) return Fail(field, "error.field.date", "YYYY-MM-DD");
        return value;
      case FieldType::kSelect:
        for (const SelectOption& option : field.options) {
          if (option.value == value) return value;
        }
        return Fail(field, "error.field.select");
      case FieldType::kBoolean:
        if (auto b = CanonicalBoolean(value)) return b;
        return Fail(field, "error.field.boolean");
      case FieldType::kIdNumber: {
        std::string id = ToUpperAscii(value);
        const Status s = ValidateResidentId(id, today_);
        // The detail carries the precise reason key so a form can say which part is wrong.
        if (!s.ok()) return Fail(field, "error.field.id_number", s.error().message);
        return id;
      }
      case FieldType::kCreditCode: {
        std::string code = ToUpperAscii(value);
        const Status s = ValidateCreditCode(code);
        if (!s.ok()) return Fail(field, "error.field.credit_code", s.error().message);
        return code;
      }
      case FieldType::kPhone:
        if (auto phone = CanonicalPhone(value)) return phone;
        return Fail(field, "error.field.phone");
      case FieldType::kEmail: {
        if (!IsEmail(value)) return Fail(field, "error.field.email");
        // Domains are case-insensitive; the local part is left as typed (RFC 5321).
        const size_t at = value.find('@');
        return value.substr(0, at + 1) + ToLowerAscii(std::string_view(value).substr(at + 1));
      }
    }
    return Fail(field, "error.field.unknown");
  }

  std::vector<FieldError>& errors() { return errors_; }

  std::nullopt_t Fail(const Field& field, std::string key, std::string detail = {}) {
    errors_.push_back(FieldError{field.name, std::move(key), std::move(detail)});
    return std::nullopt;
  }

 private:
  std::optional<std::string> CheckLength(const Field& field, const std::string& value, std::optional<double> min,
                                         std::optional<double> max) {
    const auto length = static_cast<double>(CodePoints(value));
    if (min && length < *min) return Fail(field, "error.field.too_short", FormatNumber(*min));
    if (max && length > *max) return Fail(field, "error.field.too_long", FormatNumber(*max));
    return value;
  }

  std::optional<std::string> CheckText(const Field& field, const std::string& value) {
    // Code points, not bytes: a limit of 50 means 50 characters whether they are Latin or Han.
    constexpr auto kCap = static_cast<double>(kMaxFieldValueCodePoints);
    std::optional<double> max = std::min(field.max.value_or(kCap), kCap);
    if (!field.pattern.empty()) max = std::min(max.value_or(kPatternMaxCodePoints), kPatternMaxCodePoints);
    auto checked = CheckLength(field, value, field.min, max);
    if (checked && !field.pattern.empty() && !PatternMatches(field.pattern, value)) {
      return Fail(field, "error.field.pattern", field.pattern);
    }
    return checked;
  }

  std::optional<std::string> CheckNumber(const Field& field, const std::string& value) {
    const std::optional<double> v = ParseNumber(value);
    if (!v) return Fail(field, "error.field.number");
    if (field.min && *v < *field.min) return Fail(field, "error.field.min", FormatNumber(*field.min));
    if (field.max && *v > *field.max) return Fail(field, "error.field.max", FormatNumber(*field.max));
    return FormatNumber(*v);
  }

  Date today_;
  std::vector<FieldError> errors_;
};

const Field* FindField(const ServiceItem& item, std::string_view name) {
  for (const Field& field : item.fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

// The whole form against the bounds of domain/limits.h; one error naming "fields" when it is over
// them, so that nothing of an abusive form (a million unknown names) is echoed back.
std::optional<FieldError> FormOverBounds(const std::map<std::string, std::string>& values) {
  if (values.size() > kMaxFormFields) {
    return FieldError{"fields", "error.form.too_many_fields", std::to_string(kMaxFormFields)};
  }
  size_t bytes = 0;
  for (const auto& [name, value] : values) {
    if (name.size() > kMaxFieldNameBytes || !IsUtf8(name) || HasControlCharacters(name, false)) {
      return FieldError{"fields", "error.form.field_name", {}};
    }
    bytes += name.size() + value.size();
  }
  if (bytes > kMaxFormBytes) return FieldError{"fields", "error.form.too_large", {}};
  return std::nullopt;
}

}  // namespace

std::vector<FieldError> ValidateFields(const ServiceItem& item, std::map<std::string, std::string>& values,
                                       bool complete, Date today) {
  if (auto over = FormOverBounds(values)) return {std::move(*over)};
  Checker checker(today);
  for (auto& [name, value] : values) {
    const Field* field = FindField(item, name);
    if (field == nullptr) {
      checker.errors().push_back(FieldError{name, "error.field.unknown", {}});
      continue;
    }
    // Text that is not UTF-8, or holds control characters (NUL cannot even be stored), is junk
    // from a broken client or an attack, never an answer.
    if (!IsUtf8(value) || HasControlCharacters(value, /*line_breaks_allowed=*/true)) {
      checker.Fail(*field, "error.field.encoding");
      continue;
    }
    // Sourced fields are filled by the platform (C4, C5); a value from the applicant would let
    // them override shared data, so it is refused rather than silently dropped.
    if (field->source) {
      checker.Fail(*field, "error.field.not_asked");
      continue;
    }
    const std::string trimmed(Trim(value));
    if (trimmed.empty()) {
      value.clear();
      if (complete && field->required) checker.Fail(*field, "error.field.required");
      continue;
    }
    if (auto canonical = checker.Check(*field, trimmed)) {
      value = std::move(*canonical);
    } else {
      value = trimmed;
    }
  }
  if (complete) {
    for (const Field& field : item.fields) {
      if (field.required && !field.source && !values.contains(field.name)) {
        checker.Fail(field, "error.field.required");
      }
    }
  }
  return std::move(checker.errors());
}

}  // namespace tongban::domain
