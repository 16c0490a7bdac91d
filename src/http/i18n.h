// Texts a person reads, from web/i18n/{zh,en}.json (flat key -> text). Nothing a person reads is
// hard-coded in C++ or templates. Thread-safety: immutable after Load; safe from every thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "domain/text.h"
#include "http/message.h"

namespace tongban::http {

const std::vector<domain::Language>& AllLanguages();

class Translator {
 public:
  // Reads DIR/zh.json and DIR/en.json. kInvalidArgument when a file is missing or not a flat
  // object of strings, or when a key is in one language only (both lists are reported).
  static Result<Translator> Load(const std::string& dir);

  // The text of `key`; "{detail}" in it is replaced by `detail`. An unknown key answers the key
  // itself, so a missing text is visible rather than silent.
  std::string T(domain::Language lang, std::string_view key, std::string_view detail = "") const;
  bool Has(std::string_view key) const;
  // Every key -> text of one language (for templates).
  const std::map<std::string, std::string, std::less<>>& All(domain::Language lang) const;

  // The languages the site offers, the default first (`languages:` in the configuration,
  // `--languages`). Both, Chinese first, unless Offer says otherwise.
  const std::vector<domain::Language>& Offered() const { return offered_; }
  // Offers `languages` only. kInvalidArgument when the list is empty or names a language twice.
  Status Offer(std::vector<domain::Language> languages);

 private:
  std::vector<domain::Language> offered_ = AllLanguages();
  std::map<std::string, std::string, std::less<>> zh_;
  std::map<std::string, std::string, std::less<>> en_;
};

// Every language there are texts for, Chinese first.
const std::vector<domain::Language>& AllLanguages();

// The language of a request among the `offered` ones (Translator::Offered): the `lang` query
// parameter, then the `lang` cookie, when it names an offered language; then Accept-Language
// (PreferredLanguage among the offered); then the first offered.
domain::Language RequestLanguage(const Request& req, const std::vector<domain::Language>& offered = AllLanguages());

// The language an Accept-Language header prefers (RFC 9110, section 12.5.4): of the ranges that
// are Chinese ("zh", "zh-CN", "zh-TW", "zh-Hant-HK", ...) or English ("en", "en-US", "en-GB",
// ...), the one with the highest q-value, the first listed among equals. A range with q=0 is not
// acceptable; "*" and other languages do not count; a malformed q-value counts as 1. Only the
// `offered` languages count. Returns nullopt when none of them is acceptable.
std::optional<domain::Language> PreferredLanguage(std::string_view accept_language,
                                                  const std::vector<domain::Language>& offered = AllLanguages());
// "zh" or "en" as a language; nullopt for anything else.
std::optional<domain::Language> ParseLanguageCode(std::string_view code);

// How a browser shows the value of an <input type="date">. Browsers draw it in their own locale,
// not in the page's language: en-US shows mm/dd/yyyy, en-GB dd/mm/yyyy, zh-CN yyyy/mm/dd.
enum class DateOrder { kYearMonthDay, kMonthDayYear, kDayMonthYear };
struct DateInputFormat {
  DateOrder order = DateOrder::kYearMonthDay;
  char separator = '-';
  bool known = false;  // false: the locale is unknown; the format is ISO 8601 (what is sent)
};
// The format for the browser's locale, the most preferred range of its Accept-Language (a browser
// lists its own locale first).
DateInputFormat BrowserDateFormat(std::string_view accept_language);
// The key of the hint text for a date input in that format: "hint.date_mdy_slash",
// "hint.date_dmy_dot", ..., or "hint.date" (ISO year-month-day) when the locale is unknown.
std::string DateHintKey(const DateInputFormat& format);
const char* LanguageCode(domain::Language lang);  // "zh", "en"

}  // namespace tongban::http
