#include "app/yaml_checks.h"

#include <algorithm>

namespace tongban::app::yaml_checks {
namespace {

std::string Got(const YAML::Node& v) {
  return v.IsScalar() ? ", not " + Quote(v.Scalar()) : ", not a list or mapping";
}

}  // namespace

int LineOf(const YAML::Node& node, int fallback) {
  const YAML::Mark mark = node.Mark();
  return mark.line >= 0 ? mark.line + 1 : fallback;
}

// Appended rather than `"'" + std::string(s) + "'"`, which GCC 12 wrongly warns about (-Wrestrict).
std::string Quote(std::string_view s) {
  std::string out = "'";
  out.append(s);
  out += '\'';
  return out;
}

std::string Problems::Joined() const {
  std::string out;
  for (const std::string& line : lines_) out += line + "\n";
  if (!out.empty()) out.pop_back();
  return out;
}

MapReader::MapReader(FileContext& file, const YAML::Node& node, std::string what,
                     std::initializer_list<std::string_view> keys, int fallback_line)
    : file_(file), node_(node), what_(std::move(what)), line_(LineOf(node, fallback_line)) {
  if (!node.IsMap()) {
    file_.AddLine(line_, what_ + " must be a mapping of keys to values");
    return;
  }
  is_map_ = true;
  // By value: yaml-cpp's iterator hands out temporaries, so a reference to it->first dangles.
  for (const auto& pair : node) {
    const YAML::Node key = pair.first;
    if (!key.IsScalar()) {
      file_.Add(key, "a key in " + what_ + " must be a plain word", line_);
      continue;
    }
    const std::string name = key.Scalar();
    if (std::find(keys.begin(), keys.end(), name) == keys.end()) {
      std::string expected;
      for (std::string_view k : keys) expected += (expected.empty() ? "" : ", ") + std::string(k);
      file_.Add(key, "unknown key " + Quote(name) + " in " + what_ + " (expected one of: " + expected + ")", line_);
      continue;
    }
    if (Find(name) != nullptr) {
      file_.Add(key, "key " + Quote(name) + " repeats in " + what_, line_);
      continue;
    }
    entries_.push_back({name, pair.second, LineOf(key, line_)});
  }
}

const YAML::Node* MapReader::Get(std::string_view key, bool required) {
  if (!is_map_) return nullptr;
  const Entry* e = Find(key);
  if (e == nullptr) {
    if (required) file_.AddLine(line_, "missing required key " + Quote(key) + " in " + what_);
    return nullptr;
  }
  if (e->value.IsNull()) {
    file_.AddLine(e->line, Quote(key) + " has no value");
    return nullptr;
  }
  return &e->value;
}

int MapReader::LineOfKey(std::string_view key) const {
  const Entry* e = Find(key);
  return e == nullptr ? line_ : LineOf(e->value, e->line);
}

std::optional<std::string> MapReader::String(std::string_view key, bool required) {
  const YAML::Node* v = Get(key, required);
  if (v == nullptr) return std::nullopt;
  if (!v->IsScalar()) {
    file_.Add(*v, Quote(key) + " must be a single value, not a list or mapping", line_);
    return std::nullopt;
  }
  if (v->Scalar().empty()) {
    file_.Add(*v, Quote(key) + " must not be empty", line_);
    return std::nullopt;
  }
  return v->Scalar();
}

std::optional<bool> MapReader::Bool(std::string_view key, bool required) {
  const YAML::Node* v = Get(key, required);
  if (v == nullptr) return std::nullopt;
  bool out = false;
  if (!v->IsScalar() || !YAML::convert<bool>::decode(*v, out)) {
    file_.Add(*v, Quote(key) + " must be true or false" + Got(*v), line_);
    return std::nullopt;
  }
  return out;
}

std::optional<int> MapReader::Int(std::string_view key, bool required) {
  const YAML::Node* v = Get(key, required);
  if (v == nullptr) return std::nullopt;
  int out = 0;
  if (!v->IsScalar() || !YAML::convert<int>::decode(*v, out)) {
    file_.Add(*v, Quote(key) + " must be a whole number" + Got(*v), line_);
    return std::nullopt;
  }
  return out;
}

std::optional<double> MapReader::Number(std::string_view key) {
  const YAML::Node* v = Get(key, false);
  if (v == nullptr) return std::nullopt;
  double out = 0;
  if (!v->IsScalar() || !YAML::convert<double>::decode(*v, out)) {
    file_.Add(*v, Quote(key) + " must be a number" + Got(*v), line_);
    return std::nullopt;
  }
  return out;
}

std::optional<domain::LocalText> MapReader::Text(std::string_view key, bool required) {
  const YAML::Node* v = Get(key, required);
  if (v == nullptr) return std::nullopt;
  MapReader text(file_, *v, Quote(key) + " (zh and en)", {"zh", "en"}, LineOfKey(key));
  if (!text.ok()) return std::nullopt;
  std::optional<std::string> zh = text.String("zh");
  std::optional<std::string> en = text.String("en");
  if (!zh || !en) return std::nullopt;
  return domain::LocalText{*zh, *en};
}

std::optional<YAML::Node> MapReader::List(std::string_view key, bool required) {
  const YAML::Node* v = Get(key, required);
  if (v == nullptr) return std::nullopt;
  if (!v->IsSequence()) {
    file_.Add(*v, Quote(key) + " must be a list", line_);
    return std::nullopt;
  }
  return *v;
}

const MapReader::Entry* MapReader::Find(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

bool IsCode(std::string_view s) {
  if (s.empty()) return false;
  bool after_separator = true;
  for (char c : s) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum) {
      after_separator = false;
    } else if ((c == '-' || c == '.') && !after_separator) {
      after_separator = true;
    } else {
      return false;
    }
  }
  return !after_separator;
}

bool IsSnakeCase(std::string_view s) {
  if (s.empty() || s[0] < 'a' || s[0] > 'z') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
    if (c == '_' && (i + 1 == s.size() || s[i + 1] == '_')) return false;
  }
  return true;
}

bool IsPhoneNumber(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  size_t digits = 0;
  bool after_separator = true;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      ++digits;
      after_separator = false;
    } else if ((c == '-' || c == ' ') && !after_separator) {
      after_separator = true;
    } else {
      return false;
    }
  }
  return !after_separator && digits >= 3 && digits <= 20;
}

bool IsStandardItemCode(std::string_view s) {
  if (s.size() < 10 || s.size() > 40) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); });
}

bool IsHttpsUrl(std::string_view s) {
  constexpr std::string_view kScheme = "https://";
  if (s.size() <= kScheme.size() + 3 || s.substr(0, kScheme.size()) != kScheme) return false;
  if (s[kScheme.size()] == '/') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) > 0x20 && c != 0x7F; });
}

bool CodeRegistry::Define(FileContext& file, int line, const std::string& code) {
  auto [it, inserted] = defs_.emplace(code, Definition{file.path(), line});
  if (!inserted) {
    file.AddLine(line, "duplicate " + kind_ + " code " + Quote(code) + " (first defined at " + it->second.path + ":" +
                           std::to_string(it->second.line) + ")");
  }
  return inserted;
}

std::vector<std::string> ReadAliases(FileContext& file, MapReader& m) {
  std::vector<std::string> aliases;
  std::optional<YAML::Node> list = m.List("aliases", false);
  if (!list) return aliases;
  for (const YAML::Node& a : *list) {
    if (!a.IsScalar() || a.Scalar().empty()) {
      file.Add(a, "an alias must be a non-empty name", m.LineOfKey("aliases"));
    } else if (std::find(aliases.begin(), aliases.end(), a.Scalar()) != aliases.end()) {
      file.Add(a, "alias " + Quote(a.Scalar()) + " repeats", m.LineOfKey("aliases"));
    } else {
      aliases.push_back(a.Scalar());
    }
  }
  return aliases;
}

std::optional<std::string> CheckedCode(FileContext& file, MapReader& m, CodeRegistry& registry) {
  std::optional<std::string> code = m.String("code");
  if (!code) return std::nullopt;
  if (!IsCode(*code)) {
    file.AddLine(m.LineOfKey("code"), m.what() + " code " + Quote(*code) +
                                          " must be lower-case words joined by '-' or '.', e.g. market.business-licence");
    return std::nullopt;
  }
  if (!registry.Define(file, m.LineOfKey("code"), *code)) return std::nullopt;
  return code;
}

std::optional<YAML::Node> ReadTopList(FileContext& file, std::string_view key) {
  if (file.content() == nullptr) {
    file.AddLine(1, "cannot read the file: it does not exist or is not a regular file");
    return std::nullopt;
  }
  YAML::Node root;
  try {
    root = YAML::Load(*file.content());
  } catch (const YAML::ParserException& e) {
    file.AddLine(e.mark.line >= 0 ? e.mark.line + 1 : 1, "YAML syntax error: " + e.msg);
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    file.AddLine(1, std::string("cannot read the file: ") + e.what());
    return std::nullopt;
  }
  if (!root.IsDefined() || root.IsNull()) {
    file.AddLine(1, "the file is empty; expected a mapping with the key " + Quote(key));
    return std::nullopt;
  }
  MapReader top(file, root, "the file", {key});
  return top.List(key);
}

}  // namespace tongban::app::yaml_checks
