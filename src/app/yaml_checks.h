// The generic machinery the catalogue loader checks its YAML files with: a mapping read against the
// keys it may have, codes that must be unique across files, and every problem collected as
// "path:line: what is wrong" rather than stopping at the first. Internal to src/app.
// Thread-safety: none; each load makes its own objects and shares none of them.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <exception>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/catalogue.h"

namespace tongban::app::yaml_checks {

// yaml-cpp marks are 0-based; editors and compilers count lines from 1. Nodes that do not come
// from the text (absent keys) have no mark; they are reported at `fallback`.
int LineOf(const YAML::Node& node, int fallback = 1);

std::string Quote(std::string_view s);

// Every problem found, in the order found, as "path:line: what is wrong".
class Problems {
 public:
  void Add(const std::string& path, int line, const std::string& what) {
    lines_.push_back(path + ":" + std::to_string(line) + ": " + what);
  }
  bool empty() const { return lines_.empty(); }
  size_t size() const { return lines_.size(); }
  std::string Joined() const;

 private:
  std::vector<std::string> lines_;
};

// The file being read: where its problems go.
class FileContext {
 public:
  // `content` is the file's text, or nullptr when the file does not exist.
  FileContext(Problems& problems, std::string path, const std::string* content)
      : problems_(problems), path_(std::move(path)), content_(content) {}
  void Add(const YAML::Node& at, const std::string& what, int fallback = 1) {
    problems_.Add(path_, LineOf(at, fallback), what);
  }
  void AddLine(int line, const std::string& what) { problems_.Add(path_, line, what); }
  // How many problems have been found so far, in any file: a reader compares the counts before and
  // after an entry to tell whether the entry can be used.
  size_t problem_count() const { return problems_.size(); }
  const std::string& path() const { return path_; }
  const std::string* content() const { return content_; }

 private:
  Problems& problems_;
  std::string path_;
  const std::string* content_;
};

// One YAML mapping checked against the keys it may have. Unknown and repeated keys are reported
// on construction (a misspelt optional key would otherwise be silently ignored); each getter
// reports a missing required key or a value of the wrong type, and returns nullopt then.
class MapReader {
 public:
  MapReader(FileContext& file, const YAML::Node& node, std::string what, std::initializer_list<std::string_view> keys,
            int fallback_line = 1);

  bool ok() const { return is_map_; }
  int line() const { return line_; }
  const std::string& what() const { return what_; }

  // The value of `key`, or nullptr when absent (reported when `required`).
  const YAML::Node* Get(std::string_view key, bool required);

  // The line of `key`'s value, for problems found by comparing several values.
  int LineOfKey(std::string_view key) const;

  std::optional<std::string> String(std::string_view key, bool required = true);
  std::optional<bool> Bool(std::string_view key, bool required = false);
  std::optional<int> Int(std::string_view key, bool required = true);
  std::optional<double> Number(std::string_view key);
  // A bilingual text: a mapping with non-empty `zh` and `en`.
  std::optional<domain::LocalText> Text(std::string_view key, bool required = true);
  // A list; an absent optional list is an empty one.
  std::optional<YAML::Node> List(std::string_view key, bool required = true);

 private:
  struct Entry {
    std::string key;
    YAML::Node value;
    int line;
  };

  const Entry* Find(std::string_view key) const;

  FileContext& file_;
  YAML::Node node_;
  std::string what_;
  int line_;
  bool is_map_ = false;
  std::vector<Entry> entries_;
};

// Lower-case letters and digits in words joined by '-' or '.', e.g. "market.business-licence".
bool IsCode(std::string_view s);

// "applicant_name": starts with a letter; lower-case words joined by single underscores.
bool IsSnakeCase(std::string_view s);

// A telephone number as printed for people: 3 to 20 digits in groups separated by single '-' or
// spaces, optionally after a leading '+', e.g. "021-12345678", "12345", "+86 21 1234 5678".
bool IsPhoneNumber(std::string_view s);

// The code of an item in the national catalogue of government services (事项编码, GB/T 39554.1):
// 10 to 40 upper-case letters and digits, e.g. "000105001000" or "XK0010100Y".
bool IsStandardItemCode(std::string_view s);

// An absolute https:// address without spaces or control characters.
bool IsHttpsUrl(std::string_view s);

// The codes of one kind defined so far, and where each was first defined, to point at both places
// when one repeats.
class CodeRegistry {
 public:
  explicit CodeRegistry(std::string kind) : kind_(std::move(kind)) {}
  // Records `code`; reports it when it was already defined (in any file).
  bool Define(FileContext& file, int line, const std::string& code);
  bool Contains(const std::string& code) const { return defs_.contains(code); }

 private:
  struct Definition {
    std::string path;
    int line;
  };

  std::string kind_;
  std::map<std::string, Definition> defs_;
};

// Reads the optional `aliases` list of an item or bundle: other names people use for it, each
// non-empty and listed once.
std::vector<std::string> ReadAliases(FileContext& file, MapReader& m);

// Reads the mapping's `code`, checks its shape and records it; nullopt when it cannot be used.
std::optional<std::string> CheckedCode(FileContext& file, MapReader& m, CodeRegistry& registry);

// Reads the file and returns the list under its single top-level key, or nullopt after
// reporting why not.
std::optional<YAML::Node> ReadTopList(FileContext& file, std::string_view key);

// Runs `read` over the file, turning anything yaml-cpp throws into a problem at its mark.
template <typename Fn>
void Guarded(FileContext& file, Fn&& read) {
  try {
    read();
  } catch (const YAML::Exception& e) {
    file.AddLine(e.mark.line >= 0 ? e.mark.line + 1 : 1, std::string("cannot read the value: ") + e.msg);
  } catch (const std::exception& e) {
    file.AddLine(1, std::string("cannot read the file: ") + e.what());
  }
}

}  // namespace tongban::app::yaml_checks
