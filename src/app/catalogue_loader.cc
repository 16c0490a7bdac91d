#include "app/catalogue_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "app/bundle_reader.h"
#include "app/calendar_reader.h"
#include "app/dataset_reader.h"
#include "app/item_reader.h"
#include "app/pilot_reader.h"
#include "app/pinyin_reader.h"
#include "app/yaml_checks.h"
#include "common/time.h"
#include "domain/search.h"

namespace tongban::app {
namespace {

namespace d = domain;
namespace fs = std::filesystem;
using yaml_checks::CheckedCode;
using yaml_checks::CodeRegistry;
using yaml_checks::FileContext;
using yaml_checks::Guarded;
using yaml_checks::LineOf;
using yaml_checks::MapReader;
using yaml_checks::Problems;
using yaml_checks::Quote;
using yaml_checks::ReadTopList;

class Loader {
 public:
  Loader(const CatalogueFiles& files, std::string origin) : files_(files), origin_(std::move(origin)) {}

  Result<LoadedCatalogue> Run(int64_t published_version) {
    departments_loaded_ =
        ReadEntries("departments.yaml", "departments", "department", {"code", "name"}, &Loader::ReadDepartment);
    districts_loaded_ = ReadEntries("districts.yaml", "districts", "district", {"code", "name"}, &Loader::ReadDistrict);
    ReadEntries("centres.yaml", "centres", "service centre",
                {"code", "name", "district", "level", "address", "opening_hours", "phone", "appointments"},
                &Loader::ReadCentre);
    LoadDatasets();
    LoadItems();
    CheckDatasetReferences();
    ReadEntries("bundles.yaml", "bundles", "bundle",
                {"code", "name", "description", "items", "routing", "industry_licence", "aliases", "waits_for"},
                &Loader::ReadBundle);
    ReadEntries("popular.yaml", "popular", "popular list", {"audience", "items"}, &Loader::ReadPopular);
    // licence-types.yaml is optional (a catalogue without licences); when present, every
    // reference to a licence type must resolve.
    if (files_.contains("licence-types.yaml")) {
      licence_types_loaded_ = ReadEntries("licence-types.yaml", "licence_types", "licence type",
                                          {"code", "name", "issuer", "holder", "validity", "claims", "parts", "renewed_by"},
                                          &Loader::ReadLicenceType);
      if (licence_types_loaded_) CheckLicenceReferences();
    }
    // suggestions.yaml is optional (a catalogue without homepage suggestions).
    if (files_.contains("suggestions.yaml")) {
      ReadEntries("suggestions.yaml", "suggestions", "suggestion",
                  {"code", "when", "licence_type", "within_days", "within_months", "age", "item", "bundle", "reason"},
                  &Loader::ReadSuggestion);
    }
    // pilots.yaml is optional (a catalogue without pilots, 先行先试).
    if (files_.contains("pilots.yaml")) {
      ReadEntries("pilots.yaml", "pilots", "pilot",
                  {"code", "name", "description", "districts", "city", "ended", "item_variant", "bundle", "feature"},
                  &Loader::ReadPilotEntry);
    }
    if (LoadPinyin()) CheckPinyinCoverage();
    LoadCalendar();
    if (!problems_.empty()) return MakeError(ErrorCode::kInvalidArgument, problems_.Joined());
    data_.published_version = published_version;
    // Everything Build checks was checked above with file and line; a failure here is a loader bug.
    Result<std::shared_ptr<const d::Catalogue>> built = d::Catalogue::Build(std::move(data_));
    if (!built.ok()) return built.take_error();
    return LoadedCatalogue{std::move(built).value(), std::move(calendar_)};
  }

 private:
  // The file `name` (relative to the catalogue folder), reported as origin/name.
  FileContext Open(const std::string& name) {
    auto it = files_.find(name);
    return FileContext(problems_, origin_ + "/" + name, it == files_.end() ? nullptr : &it->second);
  }

  // Reads the list under `key` of the file `name` and hands each entry, a mapping of `what` with the
  // given keys, to `read`. Returns whether the list itself could be read.
  bool ReadEntries(const std::string& name, std::string_view key, const std::string& what,
                   std::initializer_list<std::string_view> keys, void (Loader::*read)(FileContext&, MapReader&)) {
    FileContext file = Open(name);
    bool listed = false;
    Guarded(file, [&] {
      std::optional<YAML::Node> list = ReadTopList(file, key);
      if (!list) return;
      listed = true;
      for (const YAML::Node& node : *list) {
        MapReader m(file, node, what, keys);
        if (m.ok()) (this->*read)(file, m);
      }
    });
    return listed;
  }

  void ReadDepartment(FileContext& file, MapReader& m) {
    std::optional<std::string> code = CheckedCode(file, m, departments_);
    std::optional<d::LocalText> name = m.Text("name");
    if (code && name) data_.departments.push_back({*code, *name});
  }

  void ReadDistrict(FileContext& file, MapReader& m) {
    std::optional<std::string> code = m.String("code");
    if (code) {
      const bool six_digits =
          code->size() == 6 && std::all_of(code->begin(), code->end(), [](char c) { return c >= '0' && c <= '9'; });
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

  void ReadCentre(FileContext& file, MapReader& m) {
    d::ServiceCentre centre;
    std::optional<std::string> code = CheckedCode(file, m, centres_);
    std::optional<d::LocalText> name = m.Text("name");
    std::optional<std::string> district = m.String("district");
    std::optional<std::string> level = m.String("level");
    std::optional<d::LocalText> address = m.Text("address");
    // Where to go includes when and whom to call (issue 8, finding 12): both are required.
    std::optional<d::LocalText> opening_hours = m.Text("opening_hours");
    std::optional<std::string> phone = m.String("phone");
    if (phone && !yaml_checks::IsPhoneNumber(*phone)) {
      file.AddLine(m.LineOfKey("phone"), "phone " + Quote(*phone) +
                                             " must be digits with '-' or spaces between groups, e.g. 021-12345678");
      phone.reset();
    }
    bool good = code && name && district && level && address && opening_hours && phone;
    if (const YAML::Node* node = m.Get("appointments", /*required=*/false)) {
      good = ReadAppointments(file, *node, m.LineOfKey("appointments"), centre.appointments) && good;
    }
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
    if (!good) return;
    centre.code = *code;
    centre.name = *name;
    centre.district = *district;
    centre.address = *address;
    centre.opening_hours = *opening_hours;
    centre.phone = *phone;
    data_.centres.push_back(std::move(centre));
  }

  // A centre's `appointments` (domain/queue.h): slot_minutes (5..240, dividing the hours),
  // capacity (1..1000), weekdays "HH:MM-HH:MM", optional saturday, optional horizon_days (1..90).
  bool ReadAppointments(FileContext& file, const YAML::Node& node, int line, d::AppointmentSchedule& out) {
    MapReader a(file, node, "appointments", {"slot_minutes", "capacity", "weekdays", "saturday", "horizon_days"}, line);
    if (!a.ok()) return false;
    std::optional<int> slot = a.Int("slot_minutes");
    std::optional<int> capacity = a.Int("capacity");
    std::optional<std::string> weekdays = a.String("weekdays");
    std::optional<std::string> saturday = a.String("saturday", /*required=*/false);
    std::optional<int> horizon = a.Int("horizon_days", /*required=*/false);
    bool good = slot && capacity && weekdays;
    if (slot && (*slot < 5 || *slot > 240)) {
      file.AddLine(a.LineOfKey("slot_minutes"), "'slot_minutes' must be between 5 and 240");
      good = false;
    }
    if (capacity && (*capacity < 1 || *capacity > 1000)) {
      file.AddLine(a.LineOfKey("capacity"), "'capacity' must be between 1 and 1000");
      good = false;
    }
    if (horizon && (*horizon < 1 || *horizon > 90)) {
      file.AddLine(a.LineOfKey("horizon_days"), "'horizon_days' must be between 1 and 90");
      good = false;
    }
    const auto hours = [&](const std::string& key, const std::optional<std::string>& text) -> std::optional<d::DayHours> {
      if (!text) return std::nullopt;
      std::optional<d::DayHours> parsed = d::ParseDayHours(*text);
      if (!parsed) {
        file.AddLine(a.LineOfKey(key), "'" + key + "' must be HH:MM-HH:MM with the opening before the closing, not " +
                                           Quote(*text));
      } else if (slot && *slot > 0 && (parsed->close_minute - parsed->open_minute) % *slot != 0) {
        file.AddLine(a.LineOfKey(key), "'" + key + "' " + Quote(*text) + " is not a whole number of slots");
        parsed.reset();
      }
      return parsed;
    };
    std::optional<d::DayHours> weekday_hours = hours("weekdays", weekdays);
    std::optional<d::DayHours> saturday_hours = hours("saturday", saturday);
    if (!weekday_hours || (saturday && !saturday_hours)) good = false;
    if (!good) return false;
    out.slot_minutes = *slot;
    out.capacity = *capacity;
    out.weekdays = *weekday_hours;
    out.saturday = saturday_hours;
    out.horizon_days = horizon.value_or(d::kDefaultHorizonDays);
    return true;
  }

  // The files under `folder`/ ending in .yaml, sorted by name (the map is ordered).
  std::vector<std::string> FilesUnder(const std::string& folder) const {
    std::vector<std::string> names;
    for (const auto& [name, content] : files_) {
      if (name.rfind(folder + "/", 0) == 0 && name.size() > folder.size() + 6 &&
          name.compare(name.size() - 5, 5, ".yaml") == 0) {
        names.push_back(name);
      }
    }
    return names;
  }

  // datasets/*.yaml: the city's datasets (issue 9 item 1). A catalogue without any is valid as
  // long as no item reads shared data.
  void LoadDatasets() {
    for (const std::string& name : FilesUnder("datasets")) {
      FileContext file = Open(name);
      Guarded(file, [&] {
        std::optional<YAML::Node> list = ReadTopList(file, "datasets");
        if (!list) {
          datasets_incomplete_ = true;
          return;
        }
        for (const YAML::Node& node : *list) {
          std::optional<d::Dataset> dataset =
              ReadDataset(file, node, datasets_, departments_loaded_ ? &departments_ : nullptr);
          if (dataset) {
            data_.datasets.push_back(std::move(*dataset));
          } else {
            datasets_incomplete_ = true;
          }
        }
      });
    }
  }

  // Every dataset an item reads shared data from exists and holds the field the item fills from
  // it (issue 9 item 1): reported at the material's or field's line.
  void CheckDatasetReferences() {
    if (datasets_incomplete_) return;  // the dataset file's own problems are reported already
    auto find = [&](const std::string& code) -> const d::Dataset* {
      for (const d::Dataset& ds : data_.datasets) {
        if (ds.code == code) return &ds;
      }
      return nullptr;
    };
    auto unknown = [&](const std::string& code) {
      return "unknown dataset " + Quote(code) + "; define it in datasets/*.yaml";
    };
    for (const d::ServiceItem& item : data_.items) {
      auto where = entry_lines_.find({true, item.code});
      if (where == entry_lines_.end()) continue;
      const std::string& path = where->second.first;
      auto line_of = [&](const std::string& key) {
        auto it = reference_lines_.find({item.code, key});
        return it == reference_lines_.end() ? where->second.second : it->second;
      };
      for (const d::Material& material : item.materials) {
        if (material.source != d::MaterialSource::kSharedData || find(material.dataset) != nullptr) continue;
        problems_.Add(path, line_of("material:" + material.code),
                      "item " + Quote(item.code) + " material " + Quote(material.code) + ": " + unknown(material.dataset));
      }
      // Every dataset read has a legal basis the dataset lists (issue 9 item 3), reported at the
      // first material or field reading it; a basis for a dataset the item does not read, too.
      std::set<std::string> read;
      auto check_basis = [&](const std::string& code, const std::string& where_key) {
        const d::Dataset* dataset = find(code);
        if (dataset == nullptr || !read.insert(code).second) return;
        auto basis = item.data_bases.find(code);
        if (basis == item.data_bases.end()) {
          std::string codes;
          for (const d::LegalBasis& b : dataset->legal_bases) codes += (codes.empty() ? "" : ", ") + b.code;
          problems_.Add(path, line_of(where_key),
                        "item " + Quote(item.code) + " reads dataset " + Quote(code) +
                            " without a legal basis; add it to 'data_bases' with one of: " + codes);
          return;
        }
        for (const d::LegalBasis& b : dataset->legal_bases) {
          if (b.code == basis->second) return;
        }
        std::string codes;
        for (const d::LegalBasis& b : dataset->legal_bases) codes += (codes.empty() ? "" : ", ") + b.code;
        problems_.Add(path, line_of("data_bases:" + code),
                      "item " + Quote(item.code) + " data_bases: dataset " + Quote(code) + " does not list the legal basis " +
                          Quote(basis->second) + "; use one of: " + codes);
      };
      for (const d::Material& material : item.materials) {
        if (material.source == d::MaterialSource::kSharedData) check_basis(material.dataset, "material:" + material.code);
      }
      for (const d::Field& field : item.fields) {
        if (field.source == d::MaterialSource::kSharedData) check_basis(field.dataset, "field:" + field.name);
      }
      for (const auto& [code, basis] : item.data_bases) {
        if (read.count(code) == 0) {
          problems_.Add(path, line_of("data_bases:" + code),
                        "item " + Quote(item.code) + " data_bases: the item reads nothing from dataset " + Quote(code) +
                            "; remove it");
        }
      }
      for (const d::Field& field : item.fields) {
        if (field.source != d::MaterialSource::kSharedData) continue;
        const d::Dataset* dataset = find(field.dataset);
        const std::string prefix = "item " + Quote(item.code) + " field " + Quote(field.name) + ": ";
        if (dataset == nullptr) {
          problems_.Add(path, line_of("field:" + field.name), prefix + unknown(field.dataset));
        } else if (dataset->FindField(field.DatasetFieldName()) == nullptr) {
          std::string names;
          for (const d::DatasetField& f : dataset->fields) names += (names.empty() ? "" : ", ") + f.name;
          problems_.Add(path, line_of("field:" + field.name),
                        prefix + "dataset " + Quote(dataset->code) + " has no field " + Quote(field.DatasetFieldName()) +
                            (field.dataset_field.empty() ? "; name one of its fields with 'dataset_field': " : "; its fields: ") +
                            names);
        }
      }
      for (const d::EligibilityRule& rule : item.eligibility) {
        const Status checked = d::CheckEligibilityRule(rule, find(rule.dataset));
        if (!checked.ok()) {
          problems_.Add(path, rule.line > 0 ? rule.line : where->second.second,
                        "item " + Quote(item.code) + " " + checked.error().message);
        }
      }
    }
  }

  // Where each material and field of an item was written, for CheckDatasetReferences.
  void NoteReferenceLines(const std::string& item_code, const YAML::Node& node) {
    if (!node.IsMap()) return;
    for (const auto& [list, key, prefix] : {std::tuple{"materials", "code", "material:"}, std::tuple{"fields", "name", "field:"}}) {
      const YAML::Node entries = node[list];
      if (!entries || !entries.IsSequence()) continue;
      for (const YAML::Node& entry : entries) {
        if (!entry.IsMap()) continue;
        const YAML::Node name = entry[key];
        if (name && name.IsScalar()) reference_lines_[{item_code, std::string(prefix) + name.Scalar()}] = LineOf(entry);
      }
    }
    const YAML::Node bases = node["data_bases"];
    if (bases && bases.IsMap()) {
      for (const auto& entry : bases) {
        if (entry.first.IsScalar()) reference_lines_[{item_code, "data_bases:" + entry.first.Scalar()}] = LineOf(entry.second);
      }
    }
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
          std::optional<d::ServiceItem> item =
              ReadItem(file, node, items_, standard_codes_, departments_loaded_ ? &departments_ : nullptr);
          if (item) {
            entry_lines_[{true, item->code}] = {file.path(), yaml_checks::LineOf(node)};
            NoteReferenceLines(item->code, node);
            data_.items.push_back(std::move(*item));
          }
        }
      });
    }
  }

  void ReadBundle(FileContext& file, MapReader& m) {
    const BundleReferences refs{&bundles_, items_incomplete_ ? nullptr : &items_, &data_.items};
    std::optional<d::Bundle> bundle = app::ReadBundle(file, m, refs);
    if (!bundle) return;
    entry_lines_[{false, bundle->code}] = {file.path(), m.line()};
    data_.bundles.push_back(std::move(*bundle));
  }

  // popular.yaml: the items most people come for (常办事项), one curated list per audience.
  void ReadPopular(FileContext& file, MapReader& m) {
    std::optional<std::string> audience = m.String("audience");
    std::optional<YAML::Node> list = m.List("items");
    if (!audience) return;
    std::vector<std::string>* into = nullptr;
    d::ApplicantKind kind = d::ApplicantKind::kPerson;
    if (*audience == "person") {
      into = &data_.popular_for_persons;
    } else if (*audience == "enterprise") {
      into = &data_.popular_for_enterprises;
      kind = d::ApplicantKind::kEnterprise;
    } else {
      file.AddLine(m.LineOfKey("audience"), "'audience' must be person or enterprise, not " + Quote(*audience));
      return;
    }
    if (!audiences_.insert(*audience).second) {
      file.AddLine(m.LineOfKey("audience"), "the " + *audience + " list repeats; keep one list per audience");
      return;
    }
    if (!list) return;
    std::vector<std::string> codes;
    for (const YAML::Node& i : *list) {
      if (!i.IsScalar() || i.Scalar().empty()) {
        file.Add(i, "a popular item must be an item code", m.LineOfKey("items"));
        continue;
      }
      const std::string& code = i.Scalar();
      const auto item = std::find_if(data_.items.begin(), data_.items.end(),
                                     [&](const d::ServiceItem& x) { return x.code == code; });
      if (std::find(codes.begin(), codes.end(), code) != codes.end()) {
        file.Add(i, "item " + Quote(code) + " repeats in this list", m.LineOfKey("items"));
      } else if (item == data_.items.end()) {
        if (!items_incomplete_ && !items_.Contains(code)) {
          file.Add(i, "unknown item " + Quote(code) + "; use a code from items/*.yaml", m.LineOfKey("items"));
        }
      } else if (item->applicant != kind) {
        file.Add(i, "item " + Quote(code) + " is for " + d::ApplicantKindName(item->applicant) + "s, not for " +
                        *audience + "s; list it under its own audience",
                 m.LineOfKey("items"));
      } else {
        codes.push_back(code);
      }
    }
    if (list->size() == 0) file.AddLine(m.LineOfKey("items"), "a popular list needs at least one item");
    *into = std::move(codes);
  }

  // suggestions.yaml: one homepage suggestion rule (domain/suggestion.h): a condition (`when` and
  // its numbers), what it suggests (exactly one of item, bundle) and its reason {zh, en}.
  void ReadSuggestion(FileContext& file, MapReader& m) {
    const size_t problems_before = problems_.size();
    d::SuggestionRule rule;
    std::optional<std::string> code = CheckedCode(file, m, suggestions_);
    std::optional<std::string> when = m.String("when");
    std::optional<d::LocalText> reason = m.Text("reason");
    if (code) rule.code = *code;
    if (reason) rule.reason = *reason;
    auto positive = [&](std::string_view key, int& into) {
      std::optional<int> n = m.Int(key);
      if (!n) return;
      if (*n <= 0 || *n > 1200) file.AddLine(m.LineOfKey(key), "'" + std::string(key) + "' must be 1 to 1200");
      into = *n;
    };
    if (when) {
      const auto condition = d::ParseSuggestionCondition(*when);
      if (!condition) {
        file.AddLine(m.LineOfKey("when"),
                     "'when' must be household_birth, licence_expiring or age_reaching, not " + Quote(*when));
      } else {
        rule.when = *condition;
        switch (*condition) {
          case d::SuggestionCondition::kHouseholdBirth:
            positive("within_months", rule.within_months);
            break;
          case d::SuggestionCondition::kLicenceExpiring: {
            positive("within_days", rule.within_days);
            if (std::optional<std::string> type = m.String("licence_type")) {
              rule.licence_type = *type;
              if (licence_types_loaded_ && data_.licence_types.end() ==
                                               std::find_if(data_.licence_types.begin(), data_.licence_types.end(),
                                                            [&](const d::LicenceType& t) { return t.code == *type; })) {
                file.AddLine(m.LineOfKey("licence_type"),
                             "unknown licence type " + Quote(*type) + "; use a code from licence-types.yaml");
              }
            }
            break;
          }
          case d::SuggestionCondition::kAgeReaching:
            positive("age", rule.age);
            positive("within_months", rule.within_months);
            break;
        }
      }
    }
    std::optional<std::string> item = m.String("item", false);
    std::optional<std::string> bundle = m.String("bundle", false);
    if (item.has_value() == bundle.has_value()) {
      file.AddLine(m.line(), "a suggestion names exactly one item or one bundle");
    } else if (item) {
      rule.item = *item;
      if (!items_incomplete_ && !items_.Contains(*item)) {
        file.AddLine(m.LineOfKey("item"), "unknown item " + Quote(*item) + "; use a code from items/*.yaml");
      }
    } else {
      rule.bundle = *bundle;
      if (!bundles_.Contains(*bundle)) {
        file.AddLine(m.LineOfKey("bundle"), "unknown bundle " + Quote(*bundle) + "; use a code from bundles.yaml");
      }
    }
    if (problems_.size() == problems_before) data_.suggestions.push_back(std::move(rule));
  }

  void ReadPilotEntry(FileContext& file, MapReader& m) {
    const PilotReferences refs{districts_loaded_ ? &districts_ : nullptr, &bundles_,
                               items_incomplete_ ? nullptr : &data_.items};
    if (std::optional<d::Pilot> pilot = ReadPilot(file, m, pilots_, refs)) data_.pilots.push_back(std::move(*pilot));
  }

  // licence-types.yaml: one kind of electronic licence (C6).
  void ReadLicenceType(FileContext& file, MapReader& m) {
    const size_t problems_before = problems_.size();
    d::LicenceType type;
    std::optional<std::string> code = m.String("code");
    if (code && !yaml_checks::IsSnakeCase(*code)) {
      file.AddLine(m.LineOfKey("code"), "licence type code " + Quote(*code) +
                                            " must be lower-case words joined by '_', e.g. business_licence");
    } else if (code && licence_types_.Define(file, m.LineOfKey("code"), *code)) {
      type.code = *code;
      entry_lines_licence_[*code] = {file.path(), m.line()};
    }
    if (std::optional<d::LocalText> name = m.Text("name")) type.name = *name;
    if (std::optional<std::string> issuer = m.String("issuer")) {
      if (departments_loaded_ && !departments_.Contains(*issuer)) {
        file.AddLine(m.LineOfKey("issuer"), "unknown department " + Quote(*issuer) + "; use a code from departments.yaml");
      }
      type.issuer = *issuer;
    }
    if (std::optional<std::string> holder = m.String("holder")) {
      if (std::optional<d::ApplicantKind> kind = d::ParseApplicantKind(*holder)) {
        type.holder = *kind;
      } else {
        file.AddLine(m.LineOfKey("holder"), "'holder' must be person or enterprise, not " + Quote(*holder));
      }
    }
    if (std::optional<std::string> validity = m.String("validity")) {
      // "none", "<n>y" or "<n>m".
      const std::string& v = *validity;
      int n = 0;
      const bool numbered = v.size() >= 2 && v.size() <= 4 &&
                            std::all_of(v.begin(), v.end() - 1, [](char c) { return c >= '0' && c <= '9'; }) &&
                            (v.back() == 'y' || v.back() == 'm');
      if (numbered) n = std::stoi(v.substr(0, v.size() - 1));
      if (v == "none") {
      } else if (numbered && n > 0 && v.back() == 'y') {
        type.validity_years = n;
      } else if (numbered && n > 0 && v.back() == 'm') {
        type.validity_months = n;
      } else {
        file.AddLine(m.LineOfKey("validity"), "'validity' must be none, years such as 5y or months such as 6m, not " +
                                                  Quote(v));
      }
    }
    if (std::optional<YAML::Node> claims = m.List("claims", false)) {
      for (const YAML::Node& node : *claims) {
        MapReader cm(file, node, "claim", {"name", "label", "field"}, m.LineOfKey("claims"));
        if (!cm.ok()) continue;
        std::optional<std::string> name = cm.String("name");
        std::optional<d::LocalText> label = cm.Text("label");
        std::optional<std::string> field = cm.String("field");
        if (name && !yaml_checks::IsSnakeCase(*name)) {
          file.AddLine(cm.LineOfKey("name"), "claim name " + Quote(*name) + " must be snake_case");
        } else if (name && std::any_of(type.claims.begin(), type.claims.end(),
                                       [&](const d::LicenceClaim& c) { return c.name == *name; })) {
          file.AddLine(cm.LineOfKey("name"), "claim " + Quote(*name) + " repeats");
        }
        if (name && label && field) type.claims.push_back({*name, *label, *field});
      }
    }
    if (std::optional<YAML::Node> parts = m.List("parts", false)) {
      for (const YAML::Node& p : *parts) {
        if (!p.IsScalar() || p.Scalar().empty()) {
          file.Add(p, "a part must be a licence type code", m.LineOfKey("parts"));
        } else {
          type.parts.push_back(p.Scalar());
        }
      }
      if (type.parts.size() == 1) file.AddLine(m.LineOfKey("parts"), "an industry licence joins two or more parts");
    }
    if (std::optional<std::string> renewed_by = m.String("renewed_by", false)) type.renewed_by = *renewed_by;
    if (problems_.size() == problems_before) data_.licence_types.push_back(std::move(type));
  }

  // Every reference to a licence type resolves: an item's licence_type (whose holder matches the
  // item's applicant and whose claims come from the item's fields), every `source: licence`
  // material and field, a bundle's industry_licence and an industry licence's parts.
  void CheckLicenceReferences() {
    auto find = [&](const std::string& code) -> const d::LicenceType* {
      for (const d::LicenceType& t : data_.licence_types) {
        if (t.code == code) return &t;
      }
      return nullptr;
    };
    auto unknown = [&](const std::string& code) {
      return "unknown licence type " + Quote(code) + "; use a code from licence-types.yaml";
    };
    for (const d::LicenceType& t : data_.licence_types) {
      const auto& [path, line] = entry_lines_licence_[t.code];
      for (const std::string& part : t.parts) {
        const d::LicenceType* p = find(part);
        if (p == nullptr) {
          problems_.Add(path, line, "licence type " + Quote(t.code) + ": part " + unknown(part));
        } else if (p->industry()) {
          problems_.Add(path, line, "licence type " + Quote(t.code) + ": part " + Quote(part) +
                                        " is itself an industry licence; list single permits");
        }
      }
      if (!t.renewed_by.empty() && std::none_of(data_.items.begin(), data_.items.end(), [&](const d::ServiceItem& item) {
            return item.code == t.renewed_by;
          })) {
        problems_.Add(path, line, "licence type " + Quote(t.code) + ": renewed_by names unknown item " + Quote(t.renewed_by));
      }
    }
    for (const d::ServiceItem& item : data_.items) {
      const auto where = entry_lines_.find({true, item.code});
      if (where == entry_lines_.end()) continue;
      const auto& [path, line] = where->second;
      auto report = [&](const std::string& what) { problems_.Add(path, line, "item " + Quote(item.code) + ": " + what); };
      for (const d::Material& material : item.materials) {
        if (material.source == d::MaterialSource::kLicence && find(material.dataset) == nullptr) {
          report("material " + Quote(material.code) + ": " + unknown(material.dataset));
        }
      }
      for (const d::Field& field : item.fields) {
        if (field.source == d::MaterialSource::kLicence && find(field.dataset) == nullptr) {
          report("field " + Quote(field.name) + ": " + unknown(field.dataset));
        }
      }
      if (item.licence_type.empty()) continue;
      const d::LicenceType* type = find(item.licence_type);
      if (type == nullptr) {
        report("licence_type: " + unknown(item.licence_type));
        continue;
      }
      if (type->industry()) {
        report("licence_type " + Quote(type->code) + " is an industry licence: it is issued from its parts, not by an item");
      }
      if (type->holder != item.applicant) {
        report("licence_type " + Quote(type->code) + " is held by a " + d::ApplicantKindName(type->holder) +
               " but the item is for a " + d::ApplicantKindName(item.applicant));
      }
      for (const d::LicenceClaim& claim : type->claims) {
        if (item.FindField(claim.field) == nullptr) {
          report("licence_type " + Quote(type->code) + ": claim " + Quote(claim.name) + " comes from field " +
                 Quote(claim.field) + ", which the item does not have");
        }
      }
    }
    for (const d::Bundle& bundle : data_.bundles) {
      if (bundle.industry_licence.empty()) continue;
      const auto where = entry_lines_.find({false, bundle.code});
      if (where == entry_lines_.end()) continue;
      const d::LicenceType* type = find(bundle.industry_licence);
      if (type == nullptr || !type->industry()) {
        problems_.Add(where->second.first, where->second.second,
                      "bundle " + Quote(bundle.code) + ": industry_licence " + Quote(bundle.industry_licence) +
                          " is not an industry licence type (one with parts) of licence-types.yaml");
      }
    }
  }

  // pinyin.yaml (app/pinyin_reader.h). Returns whether the table could be read.
  bool LoadPinyin() {
    FileContext file = Open("pinyin.yaml");
    bool loaded = false;
    Guarded(file, [&] { loaded = ReadPinyin(file, data_.pinyin); });
    return loaded;
  }

  // Every Chinese character of every item's and bundle's name and aliases has its pinyin, so that
  // each can be found by pinyin (issue 8, finding 11).
  void CheckPinyinCoverage() {
    auto check = [&](bool is_item, const std::string& code, const d::LocalText& name,
                     const std::vector<std::string>& aliases) {
      auto where = entry_lines_.find({is_item, code});
      if (where == entry_lines_.end()) return;
      std::vector<const std::string*> texts{&name.zh};
      for (const std::string& a : aliases) texts.push_back(&a);
      for (const std::string* text : texts) {
        std::string missing;
        for (char32_t c : d::DecodeUtf8(*text)) {
          const std::string character = d::EncodeUtf8(std::u32string(1, c));
          if (d::IsHan(c) && !data_.pinyin.contains(character) && missing.find(character) == std::string::npos) {
            missing += character;
          }
        }
        if (!missing.empty()) {
          problems_.Add(where->second.first, where->second.second,
                        std::string(is_item ? "item " : "bundle ") + Quote(code) + ": " + Quote(*text) + " has " +
                            missing + " without pinyin; add them to pinyin.yaml so it can be found by pinyin");
        }
      }
    };
    for (const d::ServiceItem& item : data_.items) check(true, item.code, item.name, item.aliases);
    for (const d::Bundle& bundle : data_.bundles) check(false, bundle.code, bundle.name, bundle.aliases);
  }

  // calendar.yaml (app/calendar_reader.h).
  void LoadCalendar() {
    FileContext file = Open("calendar.yaml");
    Guarded(file, [&] {
      if (auto calendar = ReadCalendar(file)) calendar_ = std::move(*calendar);
    });
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
  CodeRegistry standard_codes_{"standard item"};
  CodeRegistry bundles_{"bundle"};
  CodeRegistry licence_types_{"licence type"};
  CodeRegistry suggestions_{"suggestion"};
  CodeRegistry pilots_{"pilot"};
  bool licence_types_loaded_ = false;
  std::map<std::string, std::pair<std::string, int>> entry_lines_licence_;
  CodeRegistry datasets_{"dataset"};
  bool datasets_incomplete_ = false;
  // (item code, "material:CODE" or "field:NAME") -> the line it was written on.
  std::map<std::pair<std::string, std::string>, int> reference_lines_;
  // When a file could not be read at all, references into it are not checked: every one of them
  // would be reported and bury the one real problem.
  bool departments_loaded_ = false;
  bool districts_loaded_ = false;
  bool items_incomplete_ = false;
  std::set<std::string> audiences_;
  // Where each item (true) and bundle (false) was read: file and line, for later checks.
  std::map<std::pair<bool, std::string>, std::pair<std::string, int>> entry_lines_;
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
  for (const char* folder : {"items", "datasets"}) {
    ec.clear();
    for (fs::directory_iterator it(fs::path(dir) / folder, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec) && it->path().extension() == ".yaml") {
        TB_RETURN_IF_ERROR(read(it->path(), std::string(folder) + "/" + it->path().filename().string()));
      }
    }
  }
  return files;
}

Result<LoadedCatalogue> LoadCatalogueFiles(const CatalogueFiles& files, const std::string& origin,
                                           int64_t published_version) {
  try {
    return Loader(files, origin).Run(published_version);
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