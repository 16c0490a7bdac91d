// Texts a person reads, from web/i18n/{zh,en}.json (flat key -> text). Nothing a person reads is
// hard-coded in C++ or templates. Thread-safety: immutable after Load; safe from every thread.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/result.h"
#include "domain/text.h"
#include "http/message.h"

namespace tongban::http {

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

 private:
  std::map<std::string, std::string, std::less<>> zh_;
  std::map<std::string, std::string, std::less<>> en_;
};

// The language of a request: `lang` query parameter, then the `lang` cookie, then
// Accept-Language (the first of zh/en by preference), then Chinese.
domain::Language RequestLanguage(const Request& req);
const char* LanguageCode(domain::Language lang);  // "zh", "en"

}  // namespace tongban::http
