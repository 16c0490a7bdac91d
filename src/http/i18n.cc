#include "http/i18n.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

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

domain::Language RequestLanguage(const Request& req) {
  for (const std::string& chosen : {req.Query("lang"), req.Cookie("lang")}) {
    if (chosen == "en") return domain::Language::kEn;
    if (chosen == "zh") return domain::Language::kZh;
  }
  // Accept-Language: the first listed of zh*/en* wins (q-values are rarely used to reorder).
  const std::string_view accept = req.Header("accept-language");
  const auto zh = accept.find("zh");
  const auto en = accept.find("en");
  if (en != std::string_view::npos && (zh == std::string_view::npos || en < zh)) return domain::Language::kEn;
  return domain::Language::kZh;
}

const char* LanguageCode(domain::Language lang) { return lang == domain::Language::kEn ? "en" : "zh"; }

}  // namespace tongban::http
