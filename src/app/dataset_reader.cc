#include "app/dataset_reader.h"

#include <set>
#include <string>

#include "domain/catalogue.h"
#include "domain/data_request.h"

namespace tongban::app {
namespace {

namespace d = domain;
using yaml_checks::FileContext;
using yaml_checks::MapReader;
using yaml_checks::Quote;

void ReadDatasetField(FileContext& file, const YAML::Node& node, d::Dataset& dataset, std::set<std::string>& names,
                      int list_line) {
  MapReader m(file, node, "dataset field", {"name", "label", "type", "class", "required"}, list_line);
  if (!m.ok()) return;
  const size_t before = file.problem_count();
  d::DatasetField field;
  std::optional<std::string> name = m.String("name");
  std::optional<d::LocalText> label = m.Text("label");
  std::optional<std::string> type = m.String("type");
  std::optional<std::string> data_class = m.String("class");
  std::optional<bool> required = m.Bool("required");
  if (name) {
    if (!yaml_checks::IsSnakeCase(*name)) {
      file.AddLine(m.LineOfKey("name"), "field name " + Quote(*name) + " must be snake_case, e.g. birth_date");
    } else if (*name == "subject_id" || *name == "record_id" || *name == "as_of") {
      file.AddLine(m.LineOfKey("name"), "field name " + Quote(*name) + " is reserved for every record; choose another");
    } else if (!names.insert(*name).second) {
      file.AddLine(m.LineOfKey("name"), "field " + Quote(*name) + " repeats in dataset " + Quote(dataset.code));
    }
    field.name = *name;
  }
  if (label) field.label = *label;
  if (type) {
    std::optional<d::FieldType> parsed = d::ParseFieldType(*type);
    if (!parsed || *parsed == d::FieldType::kSelect) {
      file.AddLine(m.LineOfKey("type"), "a dataset field's 'type' must be text, number, date, boolean, id_number, "
                                        "credit_code, phone, email or address, not " + Quote(*type));
    } else {
      field.type = *parsed;
    }
  }
  if (data_class) {
    std::optional<d::DataClass> parsed = d::ParseDataClass(*data_class);
    if (!parsed) {
      file.AddLine(m.LineOfKey("class"), "'class' must be public, internal, personal or sensitive, not " + Quote(*data_class));
    } else {
      field.data_class = *parsed;
    }
  }
  field.required = required.value_or(false);
  if (file.problem_count() == before && name && label && type && data_class) dataset.fields.push_back(std::move(field));
}

void ReadLegalBasis(FileContext& file, const YAML::Node& node, d::Dataset& dataset, std::set<std::string>& codes,
                    int list_line) {
  MapReader m(file, node, "legal basis", {"code", "citation"}, list_line);
  if (!m.ok()) return;
  std::optional<std::string> code = m.String("code");
  std::optional<d::LocalText> citation = m.Text("citation");
  if (code && !yaml_checks::IsCode(*code)) {
    file.AddLine(m.LineOfKey("code"), "legal basis code " + Quote(*code) +
                                          " must be lower-case words joined by '-', e.g. social-insurance-law");
    return;
  }
  if (code && !codes.insert(*code).second) {
    file.AddLine(m.LineOfKey("code"), "legal basis " + Quote(*code) + " repeats in dataset " + Quote(dataset.code));
    return;
  }
  if (code && citation) dataset.legal_bases.push_back({*code, *citation});
}

// `source:` absent or `table` (the platform's records table), or a map {url, timeout_ms} when the
// department serves the dataset from its own system (issue 9 item 8).
void ReadDatasetSource(FileContext& file, MapReader& m, d::Dataset& dataset) {
  const YAML::Node* node = m.Get("source", false);
  if (node == nullptr) return;
  if (node->IsScalar()) {
    if (node->Scalar() != "table") {
      file.AddLine(m.LineOfKey("source"), "'source' must be table or a map {url: http://..., timeout_ms: ...}, not " +
                                              Quote(node->Scalar()));
    }
    return;
  }
  MapReader s(file, *node, "dataset source", {"url", "timeout_ms"}, m.LineOfKey("source"));
  if (!s.ok()) return;
  dataset.source = d::DatasetSource::kHttp;
  if (std::optional<std::string> url = s.String("url")) {
    if (!d::IsSourceUrl(*url)) {
      file.AddLine(s.LineOfKey("url"), "source 'url' " + Quote(*url) +
                                           " must be an http:// or https:// address of the department's system");
    } else {
      dataset.url = *url;
    }
  }
  if (s.Get("timeout_ms", false) != nullptr) {
    if (std::optional<int> timeout = s.Int("timeout_ms")) {
      if (*timeout < d::kMinSourceTimeoutMs || *timeout > d::kMaxSourceTimeoutMs) {
        file.AddLine(s.LineOfKey("timeout_ms"), "source 'timeout_ms' must be " + std::to_string(d::kMinSourceTimeoutMs) +
                                                    ".." + std::to_string(d::kMaxSourceTimeoutMs) + ", not " +
                                                    std::to_string(*timeout));
      } else {
        dataset.timeout_ms = *timeout;
      }
    }
  }
}

}  // namespace

std::optional<d::Dataset> ReadDataset(FileContext& file, const YAML::Node& node, yaml_checks::CodeRegistry& datasets,
                                      const yaml_checks::CodeRegistry* departments) {
  MapReader m(file, node, "dataset", {"code", "name", "department", "subject", "source", "fields", "legal_bases",
                                         "federation_purposes"});
  if (!m.ok()) return std::nullopt;
  const size_t before = file.problem_count();
  d::Dataset dataset;
  std::optional<std::string> code = m.String("code");
  if (code) {
    if (!yaml_checks::IsSnakeCase(*code)) {
      file.AddLine(m.LineOfKey("code"), "dataset code " + Quote(*code) + " must be snake_case, e.g. household_registration");
    } else {
      datasets.Define(file, m.LineOfKey("code"), *code);
    }
    dataset.code = *code;
  }
  std::optional<d::LocalText> name = m.Text("name");
  if (name) dataset.name = *name;
  if (std::optional<std::string> department = m.String("department")) {
    if (departments != nullptr && !departments->Contains(*department)) {
      file.AddLine(m.LineOfKey("department"), "unknown department " + Quote(*department) +
                                                  "; the owner must be a code from departments.yaml");
    }
    dataset.department = *department;
  }
  if (std::optional<std::string> subject = m.String("subject")) {
    std::optional<d::SubjectKind> parsed = d::ParseSubjectKind(*subject);
    if (!parsed) {
      file.AddLine(m.LineOfKey("subject"), "'subject' must be person (by resident id) or enterprise (by credit code), not " +
                                               Quote(*subject));
    } else {
      dataset.subject = *parsed;
    }
  }
  ReadDatasetSource(file, m, dataset);
  if (std::optional<YAML::Node> fields = m.List("fields")) {
    std::set<std::string> names;
    for (const YAML::Node& f : *fields) ReadDatasetField(file, f, dataset, names, m.LineOfKey("fields"));
    if (fields->size() == 0) file.AddLine(m.LineOfKey("fields"), "a dataset needs at least one field");
  }
  if (std::optional<YAML::Node> bases = m.List("legal_bases")) {
    std::set<std::string> codes;
    for (const YAML::Node& b : *bases) ReadLegalBasis(file, b, dataset, codes, m.LineOfKey("legal_bases"));
    if (bases->size() == 0) {
      file.AddLine(m.LineOfKey("legal_bases"), "a dataset needs at least one legal basis under which items may read it");
    }
  }
  // The purposes other platforms may ask for a subject's record for (issue 14 item 5,
  // domain/data_request.h): codes, each once, of a person dataset kept in the records table.
  if (std::optional<YAML::Node> purposes = m.List("federation_purposes", false)) {
    const int line = m.LineOfKey("federation_purposes");
    if (dataset.subject != d::SubjectKind::kPerson || dataset.source != d::DatasetSource::kTable) {
      file.AddLine(line, "'federation_purposes' is for person datasets kept in the records table only");
    }
    std::set<std::string> seen;
    for (const YAML::Node& p : *purposes) {
      const std::string purpose = p.IsScalar() ? p.as<std::string>() : std::string();
      if (!d::IsDataPurpose(purpose)) {
        file.AddLine(line, "federation purpose " + Quote(purpose) +
                               " must be a code: a lower-case letter, then letters, digits, _ or -, at most 64");
      } else if (!seen.insert(purpose).second) {
        file.AddLine(line, "federation purpose " + Quote(purpose) + " is listed twice");
      } else {
        dataset.federation_purposes.push_back(purpose);
      }
    }
  }
  if (file.problem_count() != before) return std::nullopt;
  return dataset;
}

}  // namespace tongban::app
