#include "app/item_reader.h"

#include <algorithm>
#include <regex>
#include <string>
#include <utility>

namespace tongban::app {
namespace {

namespace d = domain;
using yaml_checks::CodeRegistry;
using yaml_checks::FileContext;
using yaml_checks::IsSnakeCase;
using yaml_checks::MapReader;
using yaml_checks::Quote;

void ReadMaterial(FileContext& file, const YAML::Node& node, d::ServiceItem& item, int list_line) {
  MapReader m(file, node, "material", {"code", "name", "source", "dataset", "required", "in_person", "accepts_from_peers"},
              list_line);
  if (!m.ok()) return;
  d::Material material;
  std::optional<std::string> code = m.String("code");
  std::optional<d::LocalText> name = m.Text("name");
  std::optional<std::string> source = m.String("source");
  std::optional<std::string> dataset = m.String("dataset", false);
  std::optional<bool> required = m.Bool("required");
  // Not kept in the domain model: it only matters for the fully_online rule checked here.
  std::optional<bool> in_person = m.Bool("in_person");
  // A federation peer's licence may stand in for ours (issue 14 item 3): licence materials only.
  std::optional<bool> from_peers = m.Bool("accepts_from_peers");
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
  material.accepts_from_peers = from_peers.value_or(false);
  if (material.accepts_from_peers && material.source != d::MaterialSource::kLicence) {
    file.AddLine(m.LineOfKey("accepts_from_peers"),
                 "only a licence material (source: licence) can accept a peer platform's licence; remove "
                 "'accepts_from_peers' or change 'source'");
  }
  item.materials.push_back(std::move(material));
}

void ReadField(FileContext& file, const YAML::Node& node, d::ServiceItem& item, int list_line) {
  MapReader m(file, node, "field",
              {"name", "label", "hint", "type", "required", "options", "min", "max", "pattern", "source", "dataset",
               "dataset_field"},
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
  std::optional<std::string> dataset_field = m.String("dataset_field", false);

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
  if (dataset_field) {
    if (!dataset) file.AddLine(m.LineOfKey("dataset_field"), "'dataset_field' needs 'dataset'");
    field.dataset_field = *dataset_field;
  }
  item.fields.push_back(std::move(field));
}

}  // namespace

// One rule of `eligibility:` (domain/eligibility.h). The kind is checked here; the dataset and
// field once every dataset is read (catalogue_loader.cc), at the rule's line.
void ReadEligibilityRule(FileContext& file, const YAML::Node& node, d::ServiceItem& item, int list_line) {
  MapReader m(file, node, "eligibility rule", {"dataset", "field", "rule", "value", "values", "reason"}, list_line);
  if (!m.ok()) return;
  const size_t problems_before = file.problem_count();
  d::EligibilityRule rule;
  rule.line = m.line();
  std::optional<std::string> dataset = m.String("dataset");
  std::optional<std::string> field = m.String("field");
  std::optional<std::string> kind = m.String("rule");
  std::optional<d::LocalText> reason = m.Text("reason");
  if (kind) {
    if (auto parsed = d::ParseEligibilityRuleKind(*kind)) {
      rule.kind = *parsed;
    } else {
      file.AddLine(m.LineOfKey("rule"), "unknown rule kind " + Quote(*kind) +
                                            "; rules are present, equals, one_of, age_at_least, age_below, "
                                            "date_within_days");
    }
  }
  if (const YAML::Node* value = m.Get("value", false)) {
    if (!value->IsScalar()) {
      file.Add(*value, "'value' must be a single value; use 'values' for a list", m.line());
    } else {
      rule.values.push_back(value->Scalar());
    }
  }
  if (std::optional<YAML::Node> values = m.List("values", false)) {
    for (const YAML::Node& v : *values) {
      if (!v.IsScalar()) {
        file.Add(v, "each of 'values' must be a single value", m.LineOfKey("values"));
      } else {
        rule.values.push_back(v.Scalar());
      }
    }
  }
  if (dataset) rule.dataset = *dataset;
  if (field) rule.field = *field;
  if (reason) rule.reason = *reason;
  if (file.problem_count() == problems_before) item.eligibility.push_back(std::move(rule));
}

namespace {

// `proactive: {confirm: ask|proceed, decline_days: N, unanswered: lapse|proceed}` (domain/proactive.h),
// checked against the item's eligibility rules, which are read first.
void ReadProactive(FileContext& file, const YAML::Node& node, d::ServiceItem& item, int line) {
  MapReader m(file, node, "proactive", {"confirm", "decline_days", "unanswered"}, line);
  if (!m.ok()) return;
  const size_t problems_before = file.problem_count();
  d::ProactiveRule rule;
  if (std::optional<std::string> confirm = m.String("confirm")) {
    if (auto parsed = d::ParseProactiveConfirm(*confirm)) {
      rule.confirm = *parsed;
    } else {
      file.AddLine(m.LineOfKey("confirm"), "'confirm' must be ask or proceed, not " + Quote(*confirm));
    }
  }
  if (std::optional<int> days = m.Int("decline_days", false)) rule.decline_days = *days;
  if (std::optional<std::string> unanswered = m.String("unanswered", false)) {
    if (auto parsed = d::ParseProactiveUnanswered(*unanswered)) {
      rule.unanswered = *parsed;
      if (rule.confirm == d::ProactiveConfirm::kProceed) {
        file.AddLine(m.LineOfKey("unanswered"), "'unanswered' is for confirm: ask");
      }
    } else {
      file.AddLine(m.LineOfKey("unanswered"), "'unanswered' must be lapse or proceed, not " + Quote(*unanswered));
    }
  }
  if (file.problem_count() != problems_before) return;
  const Status checked = d::CheckProactiveRule(rule, item.eligibility);
  if (!checked.ok()) {
    file.AddLine(line, checked.error().message);
    return;
  }
  item.proactive = rule;
}

}  // namespace

std::optional<d::ServiceItem> ReadItem(FileContext& file, const YAML::Node& node, CodeRegistry& items,
                                       CodeRegistry& standard_codes, const CodeRegistry* departments) {
  MapReader m(file, node, "item",
              {"code", "name", "description", "department", "legal_basis", "applicant", "instant", "legal_limit_days",
               "promised_limit_days", "fully_online", "on_the_spot", "channels", "materials", "fields", "fee",
               "keywords", "version", "standard_code", "legal_texts", "aliases", "licence_type", "data_bases",
               "eligibility", "proactive", "cross_province"});
  if (!m.ok()) return std::nullopt;
  const size_t problems_before = file.problem_count();
  d::ServiceItem item;

  std::optional<std::string> code = yaml_checks::CheckedCode(file, m, items);
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
  std::optional<bool> cross_province = m.Bool("cross_province", false);
  std::optional<d::LocalText> fee = m.Text("fee");
  std::optional<int> version = m.Int("version", false);
  std::optional<std::string> standard_code = m.String("standard_code", false);
  // Checked against licence-types.yaml once every file is read (catalogue_loader.cc).
  if (std::optional<std::string> licence_type = m.String("licence_type", false)) item.licence_type = *licence_type;
  // Checked against datasets/*.yaml once every file is read (catalogue_loader.cc).
  if (const YAML::Node* bases = m.Get("data_bases", false)) {
    if (!bases->IsMap()) {
      file.AddLine(m.LineOfKey("data_bases"), "'data_bases' must be a map {dataset: legal basis code}");
    } else {
      for (const auto& entry : *bases) {
        if (!entry.first.IsScalar() || !entry.second.IsScalar()) {
          file.AddLine(m.LineOfKey("data_bases"), "'data_bases' must be a map {dataset: legal basis code}");
          continue;
        }
        item.data_bases[entry.first.as<std::string>()] = entry.second.as<std::string>();
      }
    }
  }

  if (code) item.code = *code;
  if (standard_code) {
    if (!yaml_checks::IsStandardItemCode(*standard_code)) {
      file.AddLine(m.LineOfKey("standard_code"),
                   "standard_code " + Quote(*standard_code) +
                       " must be the item's code in the national catalogue (事项编码): 10 to 40 upper-case letters "
                       "and digits, e.g. 000105001000");
    } else {
      standard_codes.Define(file, m.LineOfKey("standard_code"), *standard_code);
    }
    item.standard_code = *standard_code;
  }
  if (name) item.name = *name;
  if (description) item.description = *description;
  if (legal_basis) item.legal_basis = *legal_basis;
  if (fee) item.fee = *fee;
  if (department) {
    item.department = *department;
    if (departments != nullptr && !departments->Contains(*department)) {
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
  item.aliases = yaml_checks::ReadAliases(file, m);
  if (std::optional<YAML::Node> texts = m.List("legal_texts", false)) {
    for (const YAML::Node& t : *texts) {
      MapReader tm(file, t, "legal text", {"title", "url"}, m.LineOfKey("legal_texts"));
      if (!tm.ok()) continue;
      std::optional<std::string> title = tm.String("title");
      std::optional<std::string> url = tm.String("url");
      if (title && legal_basis && legal_basis->find(*title) == std::string::npos) {
        file.AddLine(tm.LineOfKey("title"), "legal text " + Quote(*title) +
                                                " is not cited in legal_basis; link only laws the legal basis names");
      }
      if (url && !yaml_checks::IsHttpsUrl(*url)) {
        file.AddLine(tm.LineOfKey("url"), "url " + Quote(*url) + " must be an https:// address of the law's text");
      }
      if (title && url) item.legal_texts.push_back({*title, *url});
    }
  }
  if (std::optional<YAML::Node> rules = m.List("eligibility", false)) {
    for (const YAML::Node& node : *rules) ReadEligibilityRule(file, node, item, m.LineOfKey("eligibility"));
  }
  if (const YAML::Node* proactive = m.Get("proactive", false)) ReadProactive(file, *proactive, item, m.LineOfKey("proactive"));
  item.cross_province = cross_province.value_or(false);
  if (item.cross_province) {
    // A person applies from another province's platform, which forwards the form and nothing else;
    // what this city's data holds for them is read here at submission, as for anyone.
    const int line = m.LineOfKey("cross_province");
    if (item.applicant != d::ApplicantKind::kPerson) {
      file.AddLine(line, "a cross_province item is applied for by persons: set 'applicant: person'");
    }
    for (const d::Material& material : item.materials) {
      if (material.required && material.source == d::MaterialSource::kUpload) {
        file.AddLine(line, "a cross_province item cannot require the upload " + Quote(material.code) +
                               ": another province's platform forwards the form only");
      }
    }
  }
  if (file.problem_count() != problems_before) return std::nullopt;
  return item;
}

}  // namespace tongban::app
