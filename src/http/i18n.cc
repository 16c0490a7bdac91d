#include "http/i18n.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

namespace tongban::http {
namespace {

using TextMap = std::map<std::string, std::string, std::less<>>;

Result<TextMap> ReadFlat(const std::string& path) {
  std::ifstream in(path);
  if (!in) return MakeError(ErrorCode::kInvalidArgument, path + ": cannot be read");
  auto json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return MakeError(ErrorCode::kInvalidArgument, path + ": not a JSON object");
  TextMap out;
  for (const auto& [key, value] : json.items()) {
    if (!value.is_string()) return MakeError(ErrorCode::kInvalidArgument, path + ": " + key + " is not a string");
    out.emplace(key, value.get<std::string>());
  }
  return out;
}

}  // namespace

Result<Translator> Translator::Load(const std::string& dir) {
  Translator t;
  TB_ASSIGN_OR_RETURN(t.zh_, ReadFlat(dir + "/zh.json"));
  TB_ASSIGN_OR_RETURN(t.en_, ReadFlat(dir + "/en.json"));
  std::ostringstream missing;
  for (const auto& [key, _] : t.zh_) {
    if (!t.en_.count(key)) missing << "\n" << dir << "/en.json: missing " << key;
  }
  for (const auto& [key, _] : t.en_) {
    if (!t.zh_.count(key)) missing << "\n" << dir << "/zh.json: missing " << key;
  }
  if (!missing.str().empty()) return MakeError(ErrorCode::kInvalidArgument, "texts differ between languages:" + missing.str());
  return t;
}

std::string Translator::T(domain::Language lang, std::string_view key, std::string_view detail) const {
  const auto& texts = All(lang);
  auto it = texts.find(key);
  if (it == texts.end()) return std::string(key);
  std::string text = it->second;
  const auto pos = text.find("{detail}");
  if (pos != std::string::npos) text.replace(pos, 8, detail);
  return text;
}

bool Translator::Has(std::string_view key) const { return zh_.find(key) != zh_.end(); }

const std::map<std::string, std::string, std::less<>>& Translator::All(domain::Language lang) const {
  return lang == domain::Language::kEn ? en_ : zh_;
}

Status Translator::Offer(std::vector<domain::Language> languages) {
  if (languages.empty()) return MakeError(ErrorCode::kInvalidArgument, "languages: offer at least one of zh and en");
  for (size_t i = 0; i < languages.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (languages[i] == languages[j]) {
        return MakeError(ErrorCode::kInvalidArgument,
                         std::string("languages: ") + LanguageCode(languages[i]) + " is listed twice");
      }
    }
  }
  offered_ = std::move(languages);
  return Ok();
}

const std::vector<domain::Language>& AllLanguages() {
  static const std::vector<domain::Language> all = {domain::Language::kZh, domain::Language::kEn};
  return all;
}

std::optional<domain::Language> ParseLanguageCode(std::string_view code) {
  if (code == "zh") return domain::Language::kZh;
  if (code == "en") return domain::Language::kEn;
  return std::nullopt;
}

namespace {

// One language range of an Accept-Language header, lower-cased, with its q-value.
struct LanguageRange {
  std::string tag;      // "en-us"
  std::string primary;  // "en"
  double q = 1;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A qvalue is "0", "1" or "0." followed by up to three digits (RFC 9110, section 12.4.2); anything
// else is read as 1, so that a sloppy client still gets its first choice.
double ParseQ(std::string_view text) {
  if (text.empty() || text.size() > 5 || (text[0] != '0' && text[0] != '1')) return 1;
  if (text.size() == 1) return text[0] - '0';
  if (text[1] != '.') return 1;
  double value = text[0] - '0';
  double scale = 0.1;
  for (size_t i = 2; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return 1;
    value += (text[i] - '0') * scale;
    scale /= 10;
  }
  return value > 1 ? 1 : value;
}

// The ranges in the order listed.
std::vector<LanguageRange> ParseAcceptLanguage(std::string_view header) {
  std::vector<LanguageRange> ranges;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view element = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const size_t semicolon = element.find(';');
    LanguageRange range;
    for (const char c : Trim(element.substr(0, semicolon))) {
      range.tag.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
    if (range.tag.empty()) continue;
    range.primary = range.tag.substr(0, range.tag.find('-'));
    std::string_view params = semicolon == std::string_view::npos ? std::string_view() : element.substr(semicolon + 1);
    while (!params.empty()) {
      const size_t next = params.find(';');
      const std::string_view param = params.substr(0, next);
      params = next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
      const size_t eq = param.find('=');
      if (eq == std::string_view::npos) continue;
      const std::string_view name = Trim(param.substr(0, eq));
      if (name == "q" || name == "Q") range.q = ParseQ(Trim(param.substr(eq + 1)));
    }
    ranges.push_back(std::move(range));
  }
  return ranges;
}

// The most preferred range: highest q, first listed among equals; nullptr when none is acceptable.
template <typename Counts>
const LanguageRange* MostPreferred(const std::vector<LanguageRange>& ranges, Counts counts) {
  const LanguageRange* best = nullptr;
  for (const LanguageRange& r : ranges) {
    if (r.q <= 0 || !counts(r)) continue;
    if (best == nullptr || r.q > best->q) best = &r;
  }
  return best;
}

}  // namespace

std::optional<domain::Language> PreferredLanguage(std::string_view accept_language,
                                                  const std::vector<domain::Language>& offered) {
  const std::vector<LanguageRange> ranges = ParseAcceptLanguage(accept_language);
  const LanguageRange* best = MostPreferred(ranges, [&offered](const LanguageRange& r) {
    const auto lang = ParseLanguageCode(r.primary);
    return lang && std::find(offered.begin(), offered.end(), *lang) != offered.end();
  });
  if (best == nullptr) return std::nullopt;
  return ParseLanguageCode(best->primary);
}

domain::Language RequestLanguage(const Request& req, const std::vector<domain::Language>& offered) {
  const auto is_offered = [&offered](domain::Language lang) {
    return std::find(offered.begin(), offered.end(), lang) != offered.end();
  };
  for (const std::string& chosen : {req.Query("lang"), req.Cookie("lang")}) {
    const auto lang = ParseLanguageCode(chosen);
    if (lang && is_offered(*lang)) return *lang;
  }
  const auto fallback = offered.empty() ? domain::Language::kZh : offered.front();
  return PreferredLanguage(req.Header("accept-language"), offered).value_or(fallback);
}

DateInputFormat BrowserDateFormat(std::string_view accept_language) {
  const std::vector<LanguageRange> ranges = ParseAcceptLanguage(accept_language);
  const LanguageRange* locale =
      MostPreferred(ranges, [](const LanguageRange& r) { return r.tag != "*"; });
  if (locale == nullptr) return {};
  const std::string& lang = locale->primary;
  const std::string& tag = locale->tag;
  using enum DateOrder;
  // What Chromium and Firefox draw for these locales (ICU's short date pattern, padded).
  if (lang == "zh" || lang == "ja") return {kYearMonthDay, '/', true};
  if (lang == "en") {
    if (tag == "en" || tag == "en-us" || tag == "en-ph") return {kMonthDayYear, '/', true};
    if (tag == "en-ca") return {kYearMonthDay, '-', true};
    return {kDayMonthYear, '/', true};
  }
  if (lang == "sv" || lang == "lt") return {kYearMonthDay, '-', true};
  if (lang == "de" || lang == "ru" || lang == "pl" || lang == "tr" || lang == "fi" || lang == "nb" || lang == "uk") {
    return {kDayMonthYear, '.', true};
  }
  if (lang == "nl") return {kDayMonthYear, '-', true};
  if (lang == "fr" || lang == "es" || lang == "it" || lang == "pt") return {kDayMonthYear, '/', true};
  return {};
}

std::string DateHintKey(const DateInputFormat& format) {
  if (!format.known) return "hint.date";
  const char* sep = format.separator == '/' ? "slash" : format.separator == '.' ? "dot" : "dash";
  switch (format.order) {
    case DateOrder::kYearMonthDay:
      return format.separator == '-' ? "hint.date" : std::string("hint.date_ymd_") + sep;
    case DateOrder::kMonthDayYear: return std::string("hint.date_mdy_") + sep;
    case DateOrder::kDayMonthYear: return std::string("hint.date_dmy_") + sep;
  }
  return "hint.date";
}

const char* LanguageCode(domain::Language lang) { return lang == domain::Language::kEn ? "en" : "zh"; }

}  // namespace tongban::http
