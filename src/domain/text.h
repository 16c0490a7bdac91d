// Bilingual text. Thread-safety: plain value type.
#pragma once

#include <string>
#include <string_view>

namespace tongban::domain {

enum class Language { kZh, kEn };

struct LocalText {
  std::string zh;
  std::string en;
  const std::string& In(Language lang) const { return lang == Language::kEn ? en : zh; }
};

}  // namespace tongban::domain
