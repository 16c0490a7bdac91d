// Loads the service catalogue and the working-day calendar from YAML files (PRODUCT.md C1, C2, C4),
// the way a city's reform office writes them, and checks them thoroughly so that a typo in a
// catalogue file is found by `tongban catalogue check DIR` rather than by a citizen.
// Thread-safety: LoadCatalogue keeps no state; calls may run concurrently.
#pragma once

#include <memory>
#include <string>

#include "common/calendar.h"
#include "common/result.h"
#include "domain/catalogue.h"

namespace tongban::app {

struct LoadedCatalogue {
  std::shared_ptr<const domain::Catalogue> catalogue;
  Calendar calendar;
};

// Reads DIR/departments.yaml, districts.yaml, centres.yaml, items/*.yaml (sorted by name),
// bundles.yaml and calendar.yaml. The formats are documented at the top of each file in the demo
// catalogue/ folder.
//
// Returns the catalogue and calendar on success. On failure returns kInvalidArgument whose message
// lists every problem found (not just the first), one per line, as "path:line: what is wrong",
// path being DIR joined with the file's name; a problem with a whole file (missing, unreadable)
// is reported at line 1. Never throws.
Result<LoadedCatalogue> LoadCatalogue(const std::string& dir);

}  // namespace tongban::app
