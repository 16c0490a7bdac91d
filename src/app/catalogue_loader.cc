#include "app/catalogue_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

#include "common/time.h"

namespace tongban::app {
namespace {

namespace d = domain;
namespace fs = std::filesystem;

// yaml-cpp marks are 0-based; editors and compilers count lines from 1. Nodes that do not come
// from the text (absent keys) have no mark; they are reported at `fallback`.
int LineOf(const YAML::Node& node, int fallback = 1) {
  const YAML::Mark mark = node.Mark();
  return mark.line >= 0 ? mark.line + 1 : fallback;
}

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

// Every problem found, in the order found, as "path:line: what is wrong".
class Problems {
 public:
  void Add(const std::string& path, int line, const std::string& what) {
    lines_.push_back(path + ":" + std::to_string(line) + ": " + what);
  }
  bool empty() const { return lines_.empty(); }
  size_t size() const { return lines_.size(); }
  std::string Joined() const {
    std::string out;
    for (const std::string& line : lines_) out += line + "\n";
    if (!out.empty()) out.pop_back();
    return out;
  }

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
            int fallback_line = 1)
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

  bool ok() const { return is_map_; }
  int line() const { return line_; }
  const std::string& what() const { return what_; }

  // The value of `key`, or nullptr when absent (reported when `required`).
  const YAML::Node* Get(std::string_view key, bool required) {
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

  // The line of `key`'s value, for problems found by comparing several values.
  int LineOfKey(std::string_view key) const {
    const Entry* e = Find(key);
    return e == nullptr ? line_ : LineOf(e->value, e->line);
  }

  std::optional<std::string> String(std::string_view key, bool required = true) {
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

  std::optional<bool> Bool(std::string_view key, bool required = false) {
    const YAML::Node* v = Get(key, required);
    if (v == nullptr) return std::nullopt;
    bool out = false;
    if (!v->IsScalar() || !YAML::convert<bool>::decode(*v, out)) {
      file_.Add(*v, Quote(key) + " must be true or false" + Got(*v), line_);
      return std::nullopt;
    }
    return out;
  }

  std::optional<int> Int(std::string_view key, bool required = true) {
    const YAML::Node* v = Get(key, required);
    if (v == nullptr) return std::nullopt;
    int out = 0;
    if (!v->IsScalar() || !YAML::convert<int>::decode(*v, out)) {
      file_.Add(*v, Quote(key) + " must be a whole number" + Got(*v), line_);
      return std::nullopt;
    }
    return out;
  }

  std::optional<double> Number(std::string_view key) {
    const YAML::Node* v = Get(key, false);
    if (v == nullptr) return std::nullopt;
    double out = 0;
    if (!v->IsScalar() || !YAML::convert<double>::decode(*v, out)) {
      file_.Add(*v, Quote(key) + " must be a number" + Got(*v), line_);
      return std::nullopt;
    }
    return out;
  }

  // A bilingual text: a mapping with non-empty `zh` and `en`.
  std::optional<d::LocalText> Text(std::string_view key, bool required = true) {
    const YAML::Node* v = Get(key, required);
    if (v == nullptr) return std::nullopt;
    MapReader text(file_, *v, Quote(key) + " (zh and en)", {"zh", "en"}, LineOfKey(key));
    if (!text.ok()) return std::nullopt;
    std::optional<std::string> zh = text.String("zh");
    std::optional<std::string> en = text.String("en");
    if (!zh || !en) return std::nullopt;
    return d::LocalText{*zh, *en};
  }

  // A list; an absent optional list is an empty one.
  std::optional<YAML::Node> List(std::string_view key, bool required = true) {
    const YAML::Node* v = Get(key, required);
    if (v == nullptr) return std::nullopt;
    if (!v->IsSequence()) {
      file_.Add(*v, Quote(key) + " must be a list", line_);
      return std::nullopt;
    }
    return *v;
  }

 private:
  struct Entry {
    std::string key;
    YAML::Node value;
    int line;
  };

  const Entry* Find(std::string_view key) const {
    for (const Entry& e : entries_) {
      if (e.key == key) return &e;
    }
    return nullptr;
  }

  static std::string Got(const YAML::Node& v) {
    return v.IsScalar() ? ", not " + Quote(v.Scalar()) : ", not a list or mapping";
  }

  FileContext& file_;
  YAML::Node node_;
  std::string what_;
  int line_;
  bool is_map_ = false;
  std::vector<Entry> entries_;
};

// Lower-case letters and digits in words joined by '-' or '.', e.g. "market.business-licence".
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

// "applicant_name": starts with a letter; lower-case words joined by single underscores.
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

// Where a code was first defined, to point at both places when it repeats.
struct Definition {
  std::string path;
  int line;
};

class CodeRegistry {
 public:
  explicit CodeRegistry(std::string kind) : kind_(std::move(kind)) {}
  // Records `code`; reports it when it was already defined (in any file).
  bool Define(FileContext& file, int line, const std::string& code) {
    auto [it, inserted] = defs_.emplace(code, Definition{file.path(), line});
    if (!inserted) {
      file.AddLine(line, "duplicate " + kind_ + " code " + Quote(code) + " (first defined at " + it->second.path + ":" +
                             std::to_string(it->second.line) + ")");
    }
    return inserted;
  }
  bool Contains(const std::string& code) const { return defs_.contains(code); }

 private:
  std::string kind_;
  std::map<std::string, Definition> defs_;
};

// Reads the file and returns the list under its single top-level key, or nullopt after
// reporting why not.
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

class Loader {
 public:
  Loader(const CatalogueFiles& files, std::string origin) : files_(files), origin_(std::move(origin)) {}

  Result<LoadedCatalogue> Run() {
    LoadDepartments();
    LoadDistricts();
    LoadCentres();
    LoadItems();
    LoadBundles();
    LoadCalendar();
    if (!problems_.empty()) return MakeError(ErrorCode::kInvalidArgument, problems_.Joined());
    // Everything Build checks was checked above with file and line; a failure here is a loader bug.
    Result<std::shared_ptr<const d::Catalogue>> built = d::Catalogue::Build(std::move(data_));
    if (!built.ok()) return built.take_error();
    return LoadedCatalogue{std::move(built).value(), std::move(calendar_)};
  }

 private:
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

  // The file `name` (relative to the catalogue folder), reported as origin/name.
  FileContext Open(const std::string& name) {
    auto it = files_.find(name);
    return FileContext(problems_, origin_ + "/" + name, it == files_.end() ? nullptr : &it->second);
  }

  void LoadDepartments() {
    FileContext file = Open("departments.yaml");
    Guarded(file, [&] {
      std::optional<YAML::Node> list = ReadTopList(file, "departments");
      if (!list) return;
      departments_loaded_ = true;
      for (const YAML::Node& node : *list) {
        MapReader m(file, node, "department", {"code", "name"});
        if (!m.ok()) continue;
        std::optional<std::string> code = CheckedCode(file, m, departments_);
        std::optional<d::LocalText> name = m.Text("name");
        if (code && name) data_.departments.push_back({*code, *name});
      }
    });
  }

  void LoadDistricts() {
    FileContext file = Open("districts.yaml");
    Guarded(file, [&] {
      std::optional<YAML::Node> list = ReadTopList(file, "districts");
      if (!list) return;
      districts_loaded_ = true;
      for (const YAML::Node& node : *list) {
        MapReader m(file, node, "district", {"code", "name"});
        if (!m.ok()) continue;
        std::optional<std::string> code = m.String("code");
        if (code) {
          const bool six_digits = code->size() == 6 && std::all_of(code->begin(), code->end(), [](char c) {
                                    return c >= '0' && c <= '9';
                                  });
          if (!six_digits) {
            file.AddLine(m.LineOfKey("code"), "district code " + Quote(*code) +
                                                  " must be the 6-digit administrative division code, e.g. 310115");
            code.reset();
          } else if (!districts_.Define(file, m.LineOfKey("code"), *code)) {
            code.reset();
          }
        }
        std::optional<d::LocalText> name = m.Text("name");
        if (code && name) data_.districts.push_back({*code, *name});
      }
    });
  }

  void LoadCentres() {
    FileContext file = Open("centres.yaml");
    Guarded(file, [&] {
      std::optional<YAML::Node> list = ReadTopList(file, "centres");
      if (!list) return;
      for (const YAML::Node& node : *list) {
        MapReader m(file, node, "service centre", {"code", "name", "district", "level", "address"});
        if (!m.ok()) continue;
        bool good = true;
        d::ServiceCentre centre;
        std::optional<std::string> code = CheckedCode(file, m, centres_);
        std::optional<d::LocalText> name = m.Text("name");
        std::optional<std::string> district = m.String("district");
        std::optional<std::string> level = m.String("level");
        std::optional<d::LocalText> address = m.Text("address");
        good = code && name && district && level && address;
        if (district && districts_loaded_ && !districts_.Contains(*district)) {
          file.AddLine(m.LineOfKey("district"), "unknown district " + Quote(*district) + "; use a code from districts.yaml");
          good = false;
        }
        if (level) {
          if (*level == "district") {
            centre.level = d::CentreLevel::kDistrict;
          } else if (*level == "community") {
            centre.level = d::CentreLevel::kCommunity;
          } else {
            file.AddLine(m.LineOfKey("level"), "'level' must be district or community, not " + Quote(*level));
            good = false;
          }
        }
        if (!good) continue;
        centre.code = *code;
        centre.name = *name;
        centre.district = *district;
        centre.address = *address;
        data_.centres.push_back(std::move(centre));
      }
    });
  }

  void LoadItems() {
    std::vector<std::string> names;  // sorted: the map is ordered
    for (const auto& [name, content] : files_) {
      if (name.rfind("items/", 0) == 0 && name.size() > 11 && name.compare(name.size() - 5, 5, ".yaml") == 0) {
        names.push_back(name);
      }
    }
    if (names.empty()) {
      problems_.Add(origin_ + "/items", 1, "no item files: expected one or more items/*.yaml");
      return;
    }
    for (const std::string& name : names) {
      FileContext file = Open(name);
      Guarded(file, [&] {
        std::optional<YAML::Node> list = ReadTopList(file, "items");
        if (!list) {
          items_incomplete_ = true;
          return;
        }
        for (const YAML::Node& node : *list) {
          if (std::optional<d::ServiceItem> item = ReadItem(file, node)) data_.items.push_back(std::move(*item));
        }
      });
    }
  }

  std::optional<d::ServiceItem> ReadItem(FileContext& file, const YAML::Node& node) {
    MapReader m(file, node, "item",
                {"code", "name", "description", "department", "legal_basis", "applicant", "instant", "legal_limit_days",
                 "promised_limit_days", "fully_online", "on_the_spot", "channels", "materials", "fields", "fee",
                 "keywords", "version"});
    if (!m.ok()) return std::nullopt;
    const size_t problems_before = problems_.size();
    d::ServiceItem item;

    std::optional<std::string> code = CheckedCode(file, m, items_);
    std::optional<d::LocalText> name = m.Text("name");
    std::optional<d::LocalText> description = m.Text("description");
    std::optional<std::string> department = m.String("department");
    std::optional<std::string> legal_basis = m.String("legal_basis");
    std::optional<std::string> applicant = m.String("applicant");
    std::optional<bool> instant = m.Bool("instant", true);
    std::optional<int> legal = m.Int("legal_limit_days");
    std::optional<int> promised = m.Int("promised_limit_days");
    std::optional<bool> fully_online = m.Bool("fully_online", true);
    std::optional<bool> on_the_spot = m.Bool("on_the_spot", true);
    std::optional<d::LocalText> fee = m.Text("fee");
    std::optional<int> version = m.Int("version", false);

    if (code) item.code = *code;
    if (name) item.name = *name;
    if (description) item.description = *description;
    if (legal_basis) item.legal_basis = *legal_basis;
    if (fee) item.fee = *fee;
    if (department) {
      item.department = *department;
      if (departments_loaded_ && !departments_.Contains(*department)) {
        file.AddLine(m.LineOfKey("department"),
                     "unknown department " + Quote(*department) + "; use a code from departments.yaml");
      }
    }
    if (applicant) {
      if (*applicant == "person") {
        item.applicant = d::ApplicantKind::kPerson;
      } else if (*applicant == "enterprise") {
        item.applicant = d::ApplicantKind::kEnterprise;
      } else {
        file.AddLine(m.LineOfKey("applicant"), "'applicant' must be person or enterprise, not " + Quote(*applicant));
      }
    }
    item.instant = instant.value_or(false);
    item.fully_online = fully_online.value_or(false);
    item.on_the_spot = on_the_spot.value_or(false);

    if (legal && *legal < 0) file.AddLine(m.LineOfKey("legal_limit_days"), "'legal_limit_days' must not be negative");
    if (promised && *promised < 0) {
      file.AddLine(m.LineOfKey("promised_limit_days"), "'promised_limit_days' must not be negative");
    }
    if (legal && promised && *promised > *legal) {
      file.AddLine(m.LineOfKey("promised_limit_days"),
                   "promised_limit_days (" + std::to_string(*promised) + ") is greater than legal_limit_days (" +
                       std::to_string(*legal) + "); a promise may only shorten the legal time limit");
    }
    if (instant && *instant && promised && *promised != 0) {
      file.AddLine(m.LineOfKey("promised_limit_days"),
                   "an instant item (instant: true) is done at once: promised_limit_days must be 0, not " +
                       std::to_string(*promised));
    }
    item.legal_limit_days = legal.value_or(0);
    item.promised_limit_days = promised.value_or(0);
    if (version) {
      if (*version < 1) file.AddLine(m.LineOfKey("version"), "'version' must be 1 or more");
      item.version = *version;
    }

    if (std::optional<YAML::Node> channels = m.List("channels")) {
      for (const YAML::Node& c : *channels) {
        std::optional<d::Channel> channel;
        if (c.IsScalar()) channel = d::ParseChannel(c.Scalar());
        if (!channel) {
          file.Add(c, "unknown channel" + (c.IsScalar() ? " " + Quote(c.Scalar()) : std::string()) +
                          "; channels are web, mobile, kiosk and window",
                   m.LineOfKey("channels"));
        } else if (item.HasChannel(*channel)) {
          file.Add(c, "channel " + Quote(c.Scalar()) + " repeats", m.LineOfKey("channels"));
        } else {
          item.channels.push_back(*channel);
        }
      }
      if (channels->size() == 0) file.AddLine(m.LineOfKey("channels"), "an item needs at least one channel");
    }
    if (item.fully_online && !item.HasChannel(d::Channel::kWeb)) {
      file.AddLine(m.LineOfKey("channels"), "a fully_online item must offer the web channel");
    }
    if (item.on_the_spot && !item.HasChannel(d::Channel::kWindow)) {
      file.AddLine(m.LineOfKey("channels"), "an on_the_spot item is done at a window: it must offer the window channel");
    }

    if (std::optional<YAML::Node> materials = m.List("materials", false)) {
      for (const YAML::Node& node : *materials) ReadMaterial(file, node, item, m.LineOfKey("materials"));
    }
    if (std::optional<YAML::Node> fields = m.List("fields", false)) {
      for (const YAML::Node& node : *fields) ReadField(file, node, item, m.LineOfKey("fields"));
    }
    if (std::optional<YAML::Node> keywords = m.List("keywords", false)) {
      for (const YAML::Node& k : *keywords) {
        if (!k.IsScalar() || k.Scalar().empty()) {
          file.Add(k, "a keyword must be a non-empty word", m.LineOfKey("keywords"));
        } else {
          item.keywords.push_back(k.Scalar());
        }
      }
    }
    if (problems_.size() != problems_before) return std::nullopt;
    return item;
  }

  void ReadMaterial(FileContext& file, const YAML::Node& node, d::ServiceItem& item, int list_line) {
    MapReader m(file, node, "material", {"code", "name", "source", "dataset", "required", "in_person"}, list_line);
    if (!m.ok()) return;
    d::Material material;
    std::optional<std::string> code = m.String("code");
    std::optional<d::LocalText> name = m.Text("name");
    std::optional<std::string> source = m.String("source");
    std::optional<std::string> dataset = m.String("dataset", false);
    std::optional<bool> required = m.Bool("required");
    // Not kept in the domain model: it only matters for the fully_online rule checked here.
    std::optional<bool> in_person = m.Bool("in_person");
    if (code) {
      if (!IsSnakeCase(*code)) {
        file.AddLine(m.LineOfKey("code"), "material code " + Quote(*code) + " must be snake_case, e.g. lease_contract");
      } else if (item.FindMaterial(*code) != nullptr) {
        file.AddLine(m.LineOfKey("code"), "material code " + Quote(*code) + " repeats in this item");
      }
      material.code = *code;
    }
    if (name) material.name = *name;
    if (source) {
      std::optional<d::MaterialSource> parsed = d::ParseMaterialSource(*source);
      if (!parsed) {
        file.AddLine(m.LineOfKey("source"), "unknown material source " + Quote(*source) +
                                                "; sources are shared_data, licence and upload");
      } else {
        material.source = *parsed;
        if (*parsed != d::MaterialSource::kUpload && !dataset) {
          file.AddLine(m.line(), "a " + *source + " material needs 'dataset': the " +
                                     (*parsed == d::MaterialSource::kLicence ? "licence type" : "dataset") +
                                     " it comes from");
        }
        if (*parsed == d::MaterialSource::kUpload && dataset) {
          file.AddLine(m.LineOfKey("dataset"), "an upload material has no dataset; remove 'dataset' or change 'source'");
        }
        if (in_person.value_or(false) && *parsed != d::MaterialSource::kUpload) {
          file.AddLine(m.LineOfKey("in_person"),
                       "only an uploaded material can be required in person; shared data and licences never are");
        }
      }
    }
    if (in_person.value_or(false) && item.fully_online) {
      file.AddLine(m.LineOfKey("in_person"), "material " + Quote(material.code) +
                                                 " must be shown in person, but the item is fully_online (全程网办), "
                                                 "which never requires presence");
    }
    if (dataset) material.dataset = *dataset;
    material.required = required.value_or(true);
    item.materials.push_back(std::move(material));
  }

  void ReadField(FileContext& file, const YAML::Node& node, d::ServiceItem& item, int list_line) {
    MapReader m(file, node, "field",
                {"name", "label", "hint", "type", "required", "options", "min", "max", "pattern", "source", "dataset"},
                list_line);
    if (!m.ok()) return;
    d::Field field;
    std::optional<std::string> name = m.String("name");
    std::optional<d::LocalText> label = m.Text("label");
    std::optional<d::LocalText> hint = m.Text("hint", false);
    std::optional<std::string> type = m.String("type");
    std::optional<bool> required = m.Bool("required");
    std::optional<double> min = m.Number("min");
    std::optional<double> max = m.Number("max");
    std::optional<std::string> pattern = m.String("pattern", false);
    std::optional<std::string> source = m.String("source", false);
    std::optional<std::string> dataset = m.String("dataset", false);

    if (name) {
      if (!IsSnakeCase(*name)) {
        file.AddLine(m.LineOfKey("name"), "field name " + Quote(*name) + " must be snake_case, e.g. applicant_name");
      } else if (item.FindField(*name) != nullptr) {
        file.AddLine(m.LineOfKey("name"), "field name " + Quote(*name) + " repeats in this item");
      }
      field.name = *name;
    }
    if (label) field.label = *label;
    if (hint) field.hint = *hint;
    field.required = required.value_or(false);
    if (type) {
      std::optional<d::FieldType> parsed = d::ParseFieldType(*type);
      if (!parsed) {
        file.AddLine(m.LineOfKey("type"), "unknown field type " + Quote(*type) +
                                              "; types are text, number, date, select, boolean, id_number, "
                                              "credit_code, phone, email and address");
      } else {
        field.type = *parsed;
      }
    }
    const bool typed = type && d::ParseFieldType(*type).has_value();
    const bool is_select = typed && field.type == d::FieldType::kSelect;
    const bool is_number = typed && field.type == d::FieldType::kNumber;
    const bool is_text = typed && field.type == d::FieldType::kText;

    std::optional<YAML::Node> options = m.List("options", false);
    if (options && typed && !is_select) {
      file.AddLine(m.LineOfKey("options"), "'options' applies only to select fields");
    } else if (is_select && (!options || options->size() == 0)) {
      file.AddLine(options ? m.LineOfKey("options") : m.line(), "a select field needs a non-empty 'options' list");
    } else if (options) {
      for (const YAML::Node& o : *options) {
        MapReader om(file, o, "option", {"value", "label"}, m.LineOfKey("options"));
        if (!om.ok()) continue;
        std::optional<std::string> value = om.String("value");
        std::optional<d::LocalText> option_label = om.Text("label");
        if (!value || !option_label) continue;
        const bool repeats = std::any_of(field.options.begin(), field.options.end(),
                                         [&](const d::SelectOption& x) { return x.value == *value; });
        if (repeats) file.AddLine(om.LineOfKey("value"), "option value " + Quote(*value) + " repeats");
        field.options.push_back({*value, *option_label});
      }
    }
    for (auto [key, bound] : {std::pair{"min", min}, std::pair{"max", max}}) {
      if (!bound || !typed) continue;
      if (!is_number && !is_text) {
        file.AddLine(m.LineOfKey(key), Quote(key) + " applies only to number and text fields");
      } else if (is_text && *bound < 0) {
        file.AddLine(m.LineOfKey(key), Quote(key) + " of a text field is a length and must not be negative");
      }
    }
    if (min && max && *min > *max) file.AddLine(m.LineOfKey("max"), "'max' is smaller than 'min'");
    field.min = min;
    field.max = max;
    if (pattern) {
      if (typed && !is_text) {
        file.AddLine(m.LineOfKey("pattern"), "'pattern' applies only to text fields");
      } else {
        try {
          std::regex compiled(*pattern, std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
          file.AddLine(m.LineOfKey("pattern"), "'pattern' is not a valid regular expression: " + std::string(e.what()));
        }
      }
      field.pattern = *pattern;
    }
    if (source) {
      std::optional<d::MaterialSource> parsed = d::ParseMaterialSource(*source);
      if (!parsed || *parsed == d::MaterialSource::kUpload) {
        file.AddLine(m.LineOfKey("source"), "a field's 'source' must be shared_data or licence, not " + Quote(*source) +
                                                "; leave it out for fields the applicant fills in");
      } else {
        field.source = parsed;
        if (!dataset) file.AddLine(m.line(), "a field filled from " + *source + " needs 'dataset'");
      }
    } else if (dataset) {
      file.AddLine(m.LineOfKey("dataset"), "'dataset' needs 'source' (shared_data or licence)");
    }
    if (dataset) field.dataset = *dataset;
    item.fields.push_back(std::move(field));
  }

  void LoadBundles() {
    FileContext file = Open("bundles.yaml");
    Guarded(file, [&] {
      std::optional<YAML::Node> list = ReadTopList(file, "bundles");
      if (!list) return;
      for (const YAML::Node& node : *list) {
        MapReader m(file, node, "bundle", {"code", "name", "description", "items", "routing", "industry_licence"});
        if (!m.ok()) continue;
        const size_t problems_before = problems_.size();
        d::Bundle bundle;
        std::optional<std::string> code = CheckedCode(file, m, bundles_);
        std::optional<d::LocalText> name = m.Text("name");
        std::optional<d::LocalText> description = m.Text("description");
        std::optional<std::string> routing = m.String("routing");
        std::optional<std::string> industry_licence = m.String("industry_licence", false);
        if (code) bundle.code = *code;
        if (name) bundle.name = *name;
        if (description) bundle.description = *description;
        if (industry_licence) bundle.industry_licence = *industry_licence;
        if (routing) {
          if (*routing == "parallel") {
            bundle.routing = d::BundleRouting::kParallel;
          } else if (*routing == "sequential") {
            bundle.routing = d::BundleRouting::kSequential;
          } else {
            file.AddLine(m.LineOfKey("routing"), "'routing' must be parallel or sequential, not " + Quote(*routing));
          }
        }
        if (std::optional<YAML::Node> items = m.List("items")) {
          for (const YAML::Node& i : *items) {
            if (!i.IsScalar() || i.Scalar().empty()) {
              file.Add(i, "a bundle's item must be an item code", m.LineOfKey("items"));
              continue;
            }
            const std::string& item_code = i.Scalar();
            if (std::find(bundle.items.begin(), bundle.items.end(), item_code) != bundle.items.end()) {
              file.Add(i, "item " + Quote(item_code) + " repeats in this bundle", m.LineOfKey("items"));
            } else if (!items_incomplete_ && !items_.Contains(item_code)) {
              file.Add(i, "unknown item " + Quote(item_code) + "; use a code from items/*.yaml", m.LineOfKey("items"));
            }
            bundle.items.push_back(item_code);
          }
          if (bundle.items.size() < 2) {
            file.AddLine(m.LineOfKey("items"), "a bundle (一件事) joins two or more items");
          }
          CheckMergedFields(file, m.LineOfKey("items"), bundle);
        }
        if (problems_.size() == problems_before) data_.bundles.push_back(std::move(bundle));
      }
    });
  }

  // A bundle asks each field once (C4b), so a field name shared by several items must mean the
  // same thing in all of them.
  void CheckMergedFields(FileContext& file, int line, const d::Bundle& bundle) {
    std::map<std::string, std::pair<d::FieldType, std::string>> seen;  // name -> (type, item code)
    for (const std::string& code : bundle.items) {
      auto it = std::find_if(data_.items.begin(), data_.items.end(), [&](const d::ServiceItem& x) { return x.code == code; });
      if (it == data_.items.end()) continue;
      for (const d::Field& f : it->fields) {
        auto [pos, inserted] = seen.emplace(f.name, std::pair{f.type, code});
        if (!inserted && pos->second.first != f.type) {
          file.AddLine(line, "field " + Quote(f.name) + " is " + d::FieldTypeName(pos->second.first) + " in " +
                                 Quote(pos->second.second) + " but " + d::FieldTypeName(f.type) + " in " + Quote(code) +
                                 "; a bundle asks each field once, so the types must agree");
        }
      }
    }
  }

  void LoadCalendar() {
    FileContext file = Open("calendar.yaml");
    Guarded(file, [&] {
      std::optional<YAML::Node> list = ReadTopList(file, "years");
      if (!list) return;
      std::set<Date> holidays;
      std::set<Date> workdays;
      std::set<int> years;
      const size_t problems_before = problems_.size();
      for (const YAML::Node& node : *list) {
        MapReader m(file, node, "year", {"year", "provisional", "holidays", "workdays"});
        if (!m.ok()) continue;
        std::optional<int> year = m.Int("year");
        (void)m.Bool("provisional");  // documentation for people; the calendar treats both alike
        std::optional<YAML::Node> holiday_list = m.List("holidays");
        std::optional<YAML::Node> workday_list = m.List("workdays");
        if (!year) continue;
        if (*year < 1970 || *year > 9999) {
          file.AddLine(m.LineOfKey("year"), "'year' " + std::to_string(*year) + " is out of range");
          continue;
        }
        if (!years.insert(*year).second) {
          file.AddLine(m.LineOfKey("year"), "year " + std::to_string(*year) + " repeats");
          continue;
        }
        auto read_dates = [&](const std::optional<YAML::Node>& dates, std::set<Date>& into, std::string_view kind,
                              int list_line) {
          if (!dates) return;
          for (const YAML::Node& n : *dates) {
            std::optional<Date> date;
            if (n.IsScalar()) date = ParseIsoDate(n.Scalar());
            if (!date) {
              file.Add(n, std::string(kind) + " " + (n.IsScalar() ? Quote(n.Scalar()) : std::string("entry")) +
                              " is not a date written as YYYY-MM-DD",
                       list_line);
            } else if (date->year != *year) {
              file.Add(n, std::string(kind) + " " + FormatIsoDate(*date) + " is not in " + std::to_string(*year),
                       list_line);
            } else if (!into.insert(*date).second) {
              file.Add(n, std::string(kind) + " " + FormatIsoDate(*date) + " repeats", list_line);
            } else if (kind == "workday" && IsoWeekday(*date) < 6) {
              file.Add(n, "workday " + FormatIsoDate(*date) +
                              " is a weekday; list only the weekend days that become working days",
                       list_line);
            }
          }
        };
        read_dates(holiday_list, holidays, "holiday", m.LineOfKey("holidays"));
        read_dates(workday_list, workdays, "workday", m.LineOfKey("workdays"));
      }
      for (const Date& date : workdays) {
        if (holidays.contains(date)) {
          file.AddLine(1, FormatIsoDate(date) + " is listed both as a holiday and as a workday");
        }
      }
      if (years.empty()) {
        if (problems_.size() == problems_before) file.AddLine(1, "the calendar lists no years");
        return;
      }
      // The calendar covers [first Jan 1, last Dec 31]; a missing year inside would silently
      // count that year's holidays as working days.
      if (*years.rbegin() - *years.begin() + 1 != static_cast<int>(years.size())) {
        file.AddLine(1, "the years must be consecutive; a year between " + std::to_string(*years.begin()) + " and " +
                            std::to_string(*years.rbegin()) + " is missing");
      }
      if (problems_.size() != problems_before) return;
      calendar_ = Calendar(std::move(holidays), std::move(workdays), Date{*years.begin(), 1, 1},
                           Date{*years.rbegin(), 12, 31});
    });
  }

  // Reads the mapping's `code`, checks its shape and records it; nullopt when it cannot be used.
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

  const CatalogueFiles& files_;
  std::string origin_;
  Problems problems_;
  d::CatalogueData data_;
  Calendar calendar_;
  CodeRegistry departments_{"department"};
  CodeRegistry districts_{"district"};
  CodeRegistry centres_{"service centre"};
  CodeRegistry items_{"item"};
  CodeRegistry bundles_{"bundle"};
  // When a file could not be read at all, references into it are not checked: every one of them
  // would be reported and bury the one real problem.
  bool departments_loaded_ = false;
  bool districts_loaded_ = false;
  bool items_incomplete_ = false;
};

}  // namespace

Result<CatalogueFiles> ReadCatalogueFiles(const std::string& dir) {
  CatalogueFiles files;
  auto read = [&](const fs::path& path, const std::string& name) -> Status {
    std::ifstream in(path, std::ios::binary);
    if (!in) return MakeError(ErrorCode::kInvalidArgument, path.string() + ":1: cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    files[name] = text.str();
    return Ok();
  };
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return MakeError(ErrorCode::kInvalidArgument, dir + ":1: is not a folder");
  for (const char* name : kTopFiles) {
    if (fs::is_regular_file(fs::path(dir) / name, ec)) TB_RETURN_IF_ERROR(read(fs::path(dir) / name, name));
  }
  for (fs::directory_iterator it(fs::path(dir) / "items", ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".yaml") {
      TB_RETURN_IF_ERROR(read(it->path(), "items/" + it->path().filename().string()));
    }
  }
  return files;
}

Result<LoadedCatalogue> LoadCatalogueFiles(const CatalogueFiles& files, const std::string& origin) {
  try {
    return Loader(files, origin).Run();
  } catch (const std::exception& e) {
    // Guarded() catches per file; this is for allocation failures and the like.
    return MakeError(ErrorCode::kInternal, std::string("loading the catalogue failed: ") + e.what());
  }
}

Result<LoadedCatalogue> LoadCatalogue(const std::string& dir) {
  TB_ASSIGN_OR_RETURN(CatalogueFiles files, ReadCatalogueFiles(dir));
  return LoadCatalogueFiles(files, dir);
}

}  // namespace tongban::app
