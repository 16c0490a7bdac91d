// The view of pre-filled fields (issue 9 item 4), shared by the apply page, the bundle form and the
// window console (issue 11 item 3): each sourced field with its value and where it came from
// (dataset, as of when), or why it is empty (consent needed, source unavailable, or simply which
// dataset fills it at submission), for the _prefill partial.
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "http/web/page.h"
#include "services/data_access.h"

namespace tongban::http::web {

// "From <dataset>" / "From your <licence>" for a sourced field.
std::string SourcedFromText(const Site& site, const PageRequest& page, const domain::Field& field);

struct PrefillViewOptions {
  // Where the "give consent" form returns to; "" shows no consent form (a clerk cannot consent for
  // the person at the window: the field stays "needs consent").
  std::string consent_return_to;
  std::string consent_purpose;  // the consent's purpose (the item code); "" for the item's
  // The "this is wrong" links that flag a value to its data owner: the person's own, never a clerk's.
  bool flag_links = true;
};

// Sets "sourced", "has_sourced", "sources_unavailable", "has_sources_unavailable" and, when a
// sensitive field waits for consent and the options allow, "consent", for `fields` (the sourced
// ones are shown) filled from `values` (by field name).
void SetPrefillView(const Site& site, const PageRequest& page, Data& data, const std::vector<domain::Field>& fields,
                    const std::map<std::string, services::FieldRead>& values,
                    const std::vector<std::string>& needs_consent,
                    const std::map<std::string, std::string>& unavailable, const PrefillViewOptions& options);

// The same for one item's read.
void SetPrefillView(const Site& site, const PageRequest& page, Data& data, const domain::ServiceItem& item,
                    const services::ItemRead& read, const PrefillViewOptions& options);

}  // namespace tongban::http::web
