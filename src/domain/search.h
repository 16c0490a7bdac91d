// The index behind Catalogue::Find (docs/product.md C1): items and bundles found by what people
// type: names and aliases ("社保", "开餐馆", "营业执照办理"), abbreviations, full pinyin or pinyin
// initials of names and aliases ("shebao", "yyzz", from the catalogue's pinyin table), keywords,
// descriptions and departments, and, last, words with one wrong character ("营业执找", "licence"
// for "license"). Ranking puts a name match first. In memory: the index is built once when the
// catalogue is built (a city's few thousand items) and each query scans its prepared entries.
// Thread-safety: immutable after construction; Find may run on any number of threads.
#pragma once

#include <functional>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/catalogue.h"

namespace tongban::domain {

// Unicode helpers for the catalogue's texts (UTF-8).
std::u32string DecodeUtf8(std::string_view text);  // invalid bytes become U+FFFD
std::string EncodeUtf8(std::u32string_view text);
bool IsHan(char32_t c);  // a Chinese character (CJK unified ideographs and their extensions)

class SearchIndex {
 public:
  // Indexes `data`, which must outlive the index unchanged (Catalogue owns both).
  explicit SearchIndex(const CatalogueData& data);
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;

  // Entries matching every word of the query and the filters, best first: by the worst word's
  // tier, then the sum of tiers, then bundles before items, then code. Returns the page and the
  // total count. With `bundle_offered`, a bundle it answers false for is left out.
  SearchPage Find(const SearchQuery& query, const std::function<bool(const Bundle&)>& bundle_offered = {}) const;

  // Who may apply for a bundle: the kinds of its items.
  bool BundleTakes(const Bundle& bundle, ApplicantKind kind) const;

 private:
  struct Text {
    std::u32string chars;  // folded: ASCII lower case, full-width forms as ASCII
    // Per character: its pinyin readings (Han), itself (ASCII letter or digit), or nullptr.
    std::vector<const std::vector<std::string>*> readings;
    std::vector<uint32_t> initials;  // per character: the first letters of its readings, as bits
  };
  struct Entry {
    const ServiceItem* item = nullptr;
    const Bundle* bundle = nullptr;
    std::vector<Text> names;               // zh and en names, then aliases
    std::u32string rest;                   // everything else, parts joined by '\n'
    std::vector<std::u32string> near;      // names, aliases, keywords: for one character off
    std::vector<std::u32string> tokens;    // their Latin words: for one letter off
    bool person = false;                   // who may apply
    bool enterprise = false;
    // Quick rejection, built once: a bit per character hash of all the entry's texts, and the
    // letters of its names' pinyin. A word with a character outside `chars` can only match with
    // one character off, and a word with a letter outside `pinyin_letters` not by pinyin.
    uint64_t chars = 0;
    uint32_t pinyin_letters = 0;
  };

  Text MakeText(std::string_view utf8) const;
  // The word's tier for the entry; `word_chars` is the word's CharBits.
  MatchTier Match(const Entry& entry, const std::u32string& word, uint64_t word_chars) const;
  static bool PinyinMatches(const Text& text, const std::u32string& word);
  static MatchTier Guess(const Entry& entry, const std::u32string& word);
  static void Summarise(Entry& entry);

  const CatalogueData& data_;
  std::unordered_map<char32_t, std::vector<std::string>> pinyin_;
  std::array<std::vector<std::string>, 128> ascii_;  // 'a' -> {"a"}, '7' -> {"7"}
  std::vector<Entry> entries_;  // bundles, then items, each in catalogue order
};

}  // namespace tongban::domain
