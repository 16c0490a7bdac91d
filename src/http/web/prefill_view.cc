#include "http/web/prefill_view.h"

#include <algorithm>

namespace tongban::http::web {

std::string SourcedFromText(const Site& site, const PageRequest& page, const domain::Field& field) {
  const std::string key = field.source == domain::MaterialSource::kLicence ? "apply.from_licence" : "apply.from_dataset";
  return page.T(site, key, TextOr(site, page, "dataset." + field.dataset, field.dataset));
}

// Each value with where it came from and a "this is wrong" link to flag it to the data owner; a
// sensitive value not read for want of consent says so, with one button to give consent for this
// item and the alternative of uploading a document instead. A dataset served by its department's
// own system that could not be reached shows "source unavailable" with the plain reason, on its
// fields and above the form (its materials may be uploaded instead, issue 9 item 8).
void SetPrefillView(const Site& site, const PageRequest& page, Data& data, const std::vector<domain::Field>& fields,
                    const std::map<std::string, services::FieldRead>& values,
                    const std::vector<std::string>& needs_consent,
                    const std::map<std::string, std::string>& unavailable, const PrefillViewOptions& options) {
  const auto catalogue = site.ctx().Catalogue();
  Data unavailable_rows{Data::type::list};
  for (const auto& [dataset, reason] : unavailable) {
    const domain::Dataset* ds = catalogue->FindDataset(dataset);
    Data row;
    row.set("dataset", ds ? ds->name.In(page.lang) : dataset);
    row.set("reason", page.T(site, services::SourceUnavailableKey(reason)));
    unavailable_rows.push_back(row);
  }
  data.set("sources_unavailable", unavailable_rows);
  data.set("has_sources_unavailable", !unavailable_rows.is_empty_list());
  Data sourced{Data::type::list};
  std::vector<std::string> consent_names;
  for (const auto& field : fields) {
    if (!field.source) continue;
    Data row;
    row.set("label", field.label.In(page.lang));
    const auto value = values.find(field.name);
    if (value != values.end()) {
      row.set("value", value->second.value);
      const domain::Dataset* ds = catalogue->FindDataset(value->second.source.dataset);
      row.set("from", page.T(site, "apply.prefill_source",
                             (ds ? ds->name.In(page.lang) : value->second.source.dataset) + " · " +
                                 FormatIsoDate(LocalDate(value->second.source.as_of))));
      if (options.flag_links) {
        row.set("wrong_href", "/me/data/flags/new?dataset=" + value->second.source.dataset +
                                  "&field=" + field.DatasetFieldName());
      }
    } else if (std::find(needs_consent.begin(), needs_consent.end(), field.name) != needs_consent.end()) {
      row.set("from", page.T(site, "apply.prefill_needs_consent"));
      consent_names.push_back(field.label.In(page.lang));
    } else if (unavailable.count(field.dataset) > 0) {
      row.set("from", page.T(site, "apply.source_unavailable") + ": " +
                          page.T(site, services::SourceUnavailableKey(unavailable.at(field.dataset))));
    } else {
      row.set("from", SourcedFromText(site, page, field));
    }
    sourced.push_back(row);
  }
  data.set("sourced", sourced);
  data.set("has_sourced", !sourced.is_empty_list());
  if (!consent_names.empty() && !options.consent_return_to.empty()) {
    std::string names;
    for (const auto& n : consent_names) names += (names.empty() ? "" : page.lang == domain::Language::kZh ? "、" : ", ") + n;
    Data consent;
    consent.set("text", page.T(site, "apply.consent_needed", names));
    consent.set("purpose", options.consent_purpose);
    consent.set("return_to", options.consent_return_to);
    data.set("consent", consent);
  }
}

void SetPrefillView(const Site& site, const PageRequest& page, Data& data, const domain::ServiceItem& item,
                    const services::ItemRead& read, const PrefillViewOptions& options) {
  PrefillViewOptions with_purpose = options;
  if (with_purpose.consent_purpose.empty()) with_purpose.consent_purpose = item.code;
  SetPrefillView(site, page, data, item.fields, read.fields, read.needs_consent, read.unavailable, with_purpose);
}

}  // namespace tongban::http::web
