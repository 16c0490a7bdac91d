#include "app/pinyin_reader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "domain/search.h"

namespace tongban::app {

namespace d = domain;
using yaml_checks::LineOf;
using yaml_checks::MapReader;
using yaml_checks::Quote;

bool ReadPinyin(yaml_checks::FileContext& file, std::map<std::string, std::vector<std::string>, std::less<>>& pinyin) {
  if (file.content() == nullptr) {
    file.AddLine(1, "cannot read the file: it does not exist or is not a regular file");
    return false;
  }
  YAML::Node root;
  try {
    root = YAML::Load(*file.content());
  } catch (const YAML::ParserException& e) {
    file.AddLine(e.mark.line >= 0 ? e.mark.line + 1 : 1, "YAML syntax error: " + e.msg);
    return false;
  }
  if (!root.IsDefined() || root.IsNull()) {
    file.AddLine(1, "the file is empty; expected a mapping with the key 'pinyin'");
    return false;
  }
  MapReader top(file, root, "the file", {"pinyin"});
  const YAML::Node* table = top.Get("pinyin", true);
  if (table == nullptr) return false;
  if (!table->IsMap()) {
    file.Add(*table, "'pinyin' must map each character to its pinyin, e.g. 行: [xing, hang]");
    return false;
  }
  const size_t problems_before = file.problem_count();
  for (const auto& pair : *table) {
    const YAML::Node key = pair.first;
    const YAML::Node value = pair.second;
    const std::u32string c = key.IsScalar() ? d::DecodeUtf8(key.Scalar()) : std::u32string();
    if (c.size() != 1 || !d::IsHan(c[0])) {
      file.Add(key, "a key of 'pinyin' must be one Chinese character, not " +
                        (key.IsScalar() ? Quote(key.Scalar()) : std::string("a list or mapping")));
      continue;
    }
    const std::string& character = key.Scalar();
    if (pinyin.contains(character)) {
      file.Add(key, "character " + character + " repeats");
      continue;
    }
    std::vector<std::string> readings;
    auto add = [&](const YAML::Node& r) {
      const bool ok = r.IsScalar() && !r.Scalar().empty() && r.Scalar().size() <= 6 &&
                      std::all_of(r.Scalar().begin(), r.Scalar().end(), [](char ch) { return ch >= 'a' && ch <= 'z'; });
      if (!ok) {
        file.Add(r, "the pinyin of " + character + " must be lower-case letters without tones (ü as v), e.g. lv, not " +
                        (r.IsScalar() ? Quote(r.Scalar()) : std::string("a list or mapping")),
                 LineOf(key));
      } else if (std::find(readings.begin(), readings.end(), r.Scalar()) != readings.end()) {
        file.Add(r, "reading " + Quote(r.Scalar()) + " of " + character + " repeats", LineOf(key));
      } else {
        readings.push_back(r.Scalar());
      }
    };
    if (value.IsSequence()) {
      for (const YAML::Node& r : value) add(r);
      if (value.size() == 0) file.Add(key, character + " has no pinyin");
    } else {
      add(value);
    }
    pinyin.emplace(character, std::move(readings));
  }
  return file.problem_count() == problems_before;
}

}  // namespace tongban::app
