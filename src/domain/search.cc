#include "domain/search.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <utility>

namespace tongban::domain {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Folds what a person may type in several ways into one: ASCII letters to lower case, full-width
// forms (ＡＢＣ１２３, typed with a Chinese IME) to ASCII, the ideographic space to a space.
char32_t Fold(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
  if (c == 0x3000) c = U' ';
  if (c >= U'A' && c <= U'Z') c += U'a' - U'A';
  return c;
}

std::u32string Folded(std::string_view utf8) {
  std::u32string out = DecodeUtf8(utf8);
  for (char32_t& c : out) c = Fold(c);
  return out;
}

bool IsSpace(char32_t c) { return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == U'\f' || c == U'\v'; }
bool IsAsciiAlnum(char32_t c) { return (c >= U'a' && c <= U'z') || (c >= U'0' && c <= U'9'); }
bool IsLetter(char32_t c) { return c >= U'a' && c <= U'z'; }

std::vector<std::u32string> QueryWords(std::string_view q) {
  std::vector<std::u32string> words;
  std::u32string current;
  for (char32_t c : Folded(q)) {
    if (IsSpace(c)) {
      if (!current.empty()) words.push_back(std::exchange(current, {}));
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

// The Latin words of a text ("business licence (establishment)" -> business, licence, establishment).
void AddTokens(const std::u32string& text, std::vector<std::u32string>& tokens) {
  std::u32string current;
  for (char32_t c : text) {
    if (IsAsciiAlnum(c)) {
      current.push_back(c);
    } else if (!current.empty()) {
      tokens.push_back(std::exchange(current, {}));
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
}

// A Chinese abbreviation: the word's characters appear in the text in order, each within three
// characters of the one before ("社保" in 社会保障卡, "低保" in 最低生活保障).
bool IsAbbreviation(const std::u32string& text, const std::u32string& word) {
  constexpr size_t kMaxStep = 3;
  for (size_t start = 0; start < text.size(); ++start) {
    if (text[start] != word[0]) continue;
    size_t at = start;
    bool all = true;
    for (size_t k = 1; k < word.size() && all; ++k) {
      all = false;
      for (size_t next = at + 1; next < text.size() && next <= at + kMaxStep; ++next) {
        if (text[next] == word[k]) {
          at = next;
          all = true;
          break;
        }
      }
    }
    if (all) return true;
  }
  return false;
}

// Some window of the text equals the word but for one character (a wrong character typed or
// picked from the IME's list).
bool OneCharacterOff(const std::u32string& text, const std::u32string& word) {
  if (text.size() < word.size()) return false;
  for (size_t start = 0; start + word.size() <= text.size(); ++start) {
    int wrong = 0;
    for (size_t i = 0; i < word.size() && wrong <= 1; ++i) wrong += text[start + i] != word[i];
    if (wrong <= 1) return true;
  }
  return false;
}

// Optimal string alignment distance <= 1: one letter replaced, added, left out, or two
// neighbours swapped ("licence"/"license", "pasport", "pensoin").
bool OneLetterOff(const std::u32string& a, const std::u32string& b) {
  if (a == b) return true;
  const size_t n = a.size(), m = b.size();
  if (n + 1 < m || m + 1 < n) return false;
  size_t i = 0;
  while (i < n && i < m && a[i] == b[i]) ++i;
  if (n == m) {
    if (a.compare(i + 1, std::u32string::npos, b, i + 1, std::u32string::npos) == 0) return true;
    return i + 1 < n && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.compare(i + 2, std::u32string::npos, b, i + 2, std::u32string::npos) == 0;
  }
  if (n > m) return a.compare(i + 1, std::u32string::npos, b, i, std::u32string::npos) == 0;
  return a.compare(i, std::u32string::npos, b, i + 1, std::u32string::npos) == 0;
}

// A bit per character, by a multiplicative hash: the union over a text is a 64-bit summary in
// which every character of the text has its bit set.
uint64_t CharBit(char32_t c) { return uint64_t{1} << ((static_cast<uint32_t>(c) * 2654435761u) >> 26); }

uint64_t CharBits(const std::u32string& text) {
  uint64_t bits = 0;
  for (char32_t c : text) bits |= CharBit(c);
  return bits;
}

uint32_t LetterBits(const std::u32string& word) {
  uint32_t bits = 0;
  for (char32_t c : word) {
    if (c >= U'a' && c <= U'z') bits |= uint32_t{1} << (c - U'a');
  }
  return bits;
}

template <typename Pred>
bool AllOf(const std::u32string& word, Pred pred) {
  return std::all_of(word.begin(), word.end(), pred);
}

}  // namespace

std::u32string DecodeUtf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > text.size()) {
      out.push_back(kReplacement);
      ++i;
      continue;
    }
    char32_t c = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    bool valid = true;
    for (size_t k = 1; k < len; ++k) {
      const auto cont = static_cast<unsigned char>(text[i + k]);
      if ((cont >> 6) != 0x2) valid = false;
      c = (c << 6) | (cont & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not characters.
    const char32_t min = len == 1 ? 0 : len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (!valid || c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
      out.push_back(kReplacement);
      ++i;
      continue;
    }
    out.push_back(c);
    i += len;
  }
  return out;
}

std::string EncodeUtf8(std::u32string_view text) {
  std::string out;
  for (char32_t c : text) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

bool IsHan(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) ||    // CJK Unified Ideographs
         (c >= 0x3400 && c <= 0x4DBF) ||    // Extension A
         (c >= 0xF900 && c <= 0xFAFF) ||    // Compatibility Ideographs
         (c >= 0x20000 && c <= 0x3134F);    // Extensions B to G
}

SearchIndex::SearchIndex(const CatalogueData& data) : data_(data) {
  for (const auto& [character, readings] : data.pinyin) {
    const std::u32string c = DecodeUtf8(character);
    if (c.size() == 1) pinyin_.emplace(c[0], readings);
  }
  for (char c = 'a'; c <= 'z'; ++c) ascii_[static_cast<size_t>(c)] = {std::string(1, c)};
  for (char c = '0'; c <= '9'; ++c) ascii_[static_cast<size_t>(c)] = {std::string(1, c)};

  std::map<std::string_view, const ServiceItem*> items;
  for (const ServiceItem& item : data.items) items.emplace(item.code, &item);
  std::map<std::string_view, const Department*> departments;
  for (const Department& d : data.departments) departments.emplace(d.code, &d);

  auto add_near = [](Entry& e, std::string_view text) {
    e.near.push_back(Folded(text));
    AddTokens(e.near.back(), e.tokens);
  };
  entries_.reserve(data.bundles.size() + data.items.size());
  for (const Bundle& bundle : data.bundles) {
    Entry e;
    e.bundle = &bundle;
    std::string rest = bundle.description.zh + "\n" + bundle.description.en + "\n" + bundle.code + "\n";
    for (const std::string& code : bundle.items) {
      auto it = items.find(code);
      if (it == items.end()) continue;
      rest += it->second->name.zh + "\n" + it->second->name.en + "\n";
      (it->second->applicant == ApplicantKind::kEnterprise ? e.enterprise : e.person) = true;
    }
    e.rest = Folded(rest);
    for (const std::string* name : {&bundle.name.zh, &bundle.name.en}) {
      e.names.push_back(MakeText(*name));
      add_near(e, *name);
    }
    for (const std::string& alias : bundle.aliases) {
      e.names.push_back(MakeText(alias));
      add_near(e, alias);
    }
    Summarise(e);
    entries_.push_back(std::move(e));
  }
  for (const ServiceItem& item : data.items) {
    Entry e;
    e.item = &item;
    (item.applicant == ApplicantKind::kEnterprise ? e.enterprise : e.person) = true;
    std::string rest = item.description.zh + "\n" + item.description.en + "\n" + item.code + "\n";
    for (const std::string& k : item.keywords) rest += k + "\n";
    if (auto it = departments.find(item.department); it != departments.end()) {
      rest += it->second->code + "\n" + it->second->name.zh + "\n" + it->second->name.en;
    }
    e.rest = Folded(rest);
    for (const std::string* name : {&item.name.zh, &item.name.en}) {
      e.names.push_back(MakeText(*name));
      add_near(e, *name);
    }
    for (const std::string& alias : item.aliases) {
      e.names.push_back(MakeText(alias));
      add_near(e, alias);
    }
    for (const std::string& k : item.keywords) add_near(e, k);
    Summarise(e);
    entries_.push_back(std::move(e));
  }
}

void SearchIndex::Summarise(Entry& e) {
  e.chars = CharBits(e.rest);
  for (const Text& t : e.names) {
    e.chars |= CharBits(t.chars);
    for (const auto* readings : t.readings) {
      if (readings == nullptr) continue;
      for (const std::string& r : *readings) {
        for (char c : r) {
          if (c >= 'a' && c <= 'z') e.pinyin_letters |= uint32_t{1} << (c - 'a');
        }
      }
    }
  }
  for (const std::u32string& t : e.near) e.chars |= CharBits(t);
}

SearchIndex::Text SearchIndex::MakeText(std::string_view utf8) const {
  Text t;
  t.chars = Folded(utf8);
  t.readings.reserve(t.chars.size());
  for (char32_t c : t.chars) {
    const std::vector<std::string>* r = nullptr;
    if (c < 128 && IsAsciiAlnum(c)) {
      r = &ascii_[c];
    } else if (auto it = pinyin_.find(c); it != pinyin_.end() && !it->second.empty()) {
      r = &it->second;
    }
    t.readings.push_back(r);
    uint32_t initials = 0;
    if (r != nullptr) {
      for (const std::string& reading : *r) {
        if (!reading.empty() && reading[0] >= 'a' && reading[0] <= 'z') initials |= uint32_t{1} << (reading[0] - 'a');
      }
    }
    t.initials.push_back(initials);
  }
  return t;
}

// Whether the word spells consecutive characters of the text in pinyin, each character by a whole
// reading or by its first letter ("shebao", "sb", "yyzz", "yingyezz"); the last character may be
// typed only in part ("yingyezhiz"). Characters without a reading (punctuation) break a run.
bool SearchIndex::PinyinMatches(const Text& text, const std::u32string& word) {
  if (word.size() > 63 || word.empty() || !IsLetter(word[0])) return false;
  const uint64_t done = uint64_t{1} << word.size();
  const uint32_t first = uint32_t{1} << (word[0] - U'a');
  for (size_t start = 0; start < text.chars.size(); ++start) {
    if ((text.initials[start] & first) == 0) continue;  // most starts end here
    uint64_t states = 1;  // bit p: the first p letters of the word are spelt
    for (size_t j = start; j < text.chars.size() && states != 0; ++j) {
      const std::vector<std::string>* readings = text.readings[j];
      if (readings == nullptr) break;
      uint64_t next = 0;
      for (uint64_t pending = states; pending != 0; pending &= pending - 1) {
        const auto p = static_cast<size_t>(std::countr_zero(pending));
        if (!IsLetter(word[p]) || (text.initials[j] & (uint32_t{1} << (word[p] - U'a'))) == 0) continue;
        for (const std::string& r : *readings) {
          if (r.empty()) continue;
          size_t k = 0;
          while (k < r.size() && p + k < word.size() && word[p + k] == static_cast<unsigned char>(r[k])) ++k;
          if (p + k == word.size() && k > 0) return true;  // the word ends inside or at the end of r
          if (k == r.size()) next |= uint64_t{1} << (p + k);
          if (k >= 1) next |= uint64_t{1} << (p + 1);       // its first letter only
        }
      }
      states = next & (done - 1);
    }
  }
  return false;
}

MatchTier SearchIndex::Match(const Entry& entry, const std::u32string& word, uint64_t word_chars) const {
  // Characters of the word that the entry lacks: none for an exact, partial or abbreviated
  // match, at most one for a guess; pinyin needs the letters of the entry's readings.
  const int lacking = std::popcount(word_chars & ~entry.chars);
  if (lacking > 0) {
    if (AllOf(word, IsLetter) && word.size() >= 2 && (LetterBits(word) & ~entry.pinyin_letters) == 0) {
      for (const Text& t : entry.names) {
        if (PinyinMatches(t, word)) return MatchTier::kPinyin;
      }
    }
    if (lacking > 1) return MatchTier::kNone;
    return Guess(entry, word);
  }
  for (const Text& t : entry.names) {
    if (t.chars == word) return MatchTier::kExactName;
  }
  for (const Text& t : entry.names) {
    if (t.chars.find(word) != std::u32string::npos) return MatchTier::kInName;
  }
  const bool han = AllOf(word, IsHan);
  if (han && word.size() >= 2) {
    for (const Text& t : entry.names) {
      if (IsAbbreviation(t.chars, word)) return MatchTier::kAbbreviation;
    }
  }
  const bool letters = AllOf(word, IsLetter);
  if (letters && word.size() >= 2 && (LetterBits(word) & ~entry.pinyin_letters) == 0) {
    for (const Text& t : entry.names) {
      if (PinyinMatches(t, word)) return MatchTier::kPinyin;
    }
  }
  if (entry.rest.find(word) != std::u32string::npos) return MatchTier::kElsewhere;
  return Guess(entry, word);
}

// One character off: Chinese words of three or more characters (two leave too little), Latin
// words of five or more letters.
MatchTier SearchIndex::Guess(const Entry& entry, const std::u32string& word) {
  const bool han = AllOf(word, IsHan);
  if (han && word.size() >= 3) {
    for (const std::u32string& text : entry.near) {
      if (OneCharacterOff(text, word)) return MatchTier::kOneCharacterOff;
    }
  }
  if (AllOf(word, IsAsciiAlnum) && word.size() >= 5) {
    for (const std::u32string& token : entry.tokens) {
      if (OneLetterOff(token, word)) return MatchTier::kOneCharacterOff;
    }
  }
  return MatchTier::kNone;
}

bool SearchIndex::BundleTakes(const Bundle& bundle, ApplicantKind kind) const {
  for (const Entry& e : entries_) {
    if (e.bundle == &bundle) return kind == ApplicantKind::kEnterprise ? e.enterprise : e.person;
  }
  return false;
}

SearchPage SearchIndex::Find(const SearchQuery& query, const std::function<bool(const Bundle&)>& bundle_offered) const {
  const std::vector<std::u32string> words = QueryWords(query.q);
  std::vector<uint64_t> word_chars;
  for (const std::u32string& w : words) word_chars.push_back(CharBits(w));

  // District filter (C3): offered in a district that has a centre taking the applicant kind.
  bool district_centre = false;
  bool community_centre = false;
  if (!query.district.empty()) {
    for (const ServiceCentre& centre : data_.centres) {
      if (centre.district != query.district) continue;
      (centre.level == CentreLevel::kDistrict ? district_centre : community_centre) = true;
    }
  }
  const bool serves_person = district_centre || community_centre;
  const bool serves_enterprise = district_centre;

  struct Ranked {
    const Entry* entry;
    int worst;
    int sum;
  };
  std::vector<Ranked> ranked;
  for (const Entry& e : entries_) {
    if (e.bundle != nullptr && (!query.include_bundles || !query.department.empty())) continue;
    if (e.bundle != nullptr && bundle_offered && !bundle_offered(*e.bundle)) continue;
    if (e.item != nullptr && !query.department.empty() && e.item->department != query.department) continue;
    if (query.applicant) {
      if (*query.applicant == ApplicantKind::kPerson ? !e.person : !e.enterprise) continue;
    }
    if (!query.district.empty()) {
      const bool served = (e.person && serves_person) || (e.enterprise && serves_enterprise);
      if (!served) continue;
    }
    int worst = 0;
    int sum = 0;
    for (size_t i = 0; i < words.size(); ++i) {
      const int tier = static_cast<int>(Match(e, words[i], word_chars[i]));
      worst = std::max(worst, tier);
      sum += tier;
      if (tier == static_cast<int>(MatchTier::kNone)) break;
    }
    if (worst == static_cast<int>(MatchTier::kNone)) continue;
    ranked.push_back({&e, worst, sum});
  }
  auto code = [](const Entry* e) -> const std::string& { return e->item != nullptr ? e->item->code : e->bundle->code; };
  std::sort(ranked.begin(), ranked.end(), [&](const Ranked& a, const Ranked& b) {
    if (a.worst != b.worst) return a.worst < b.worst;
    if (a.sum != b.sum) return a.sum < b.sum;
    const bool a_bundle = a.entry->bundle != nullptr;
    if (a_bundle != (b.entry->bundle != nullptr)) return a_bundle;
    return code(a.entry) < code(b.entry);
  });

  SearchPage page;
  page.total = ranked.size();
  for (size_t i = query.offset; i < ranked.size() && page.hits.size() < query.limit; ++i) {
    page.hits.push_back({ranked[i].entry->item, ranked[i].entry->bundle, static_cast<MatchTier>(ranked[i].worst)});
  }
  return page;
}

}  // namespace tongban::domain
