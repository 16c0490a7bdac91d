// Reads one pilot (先行先试, issue 13 item 5) of pilots.yaml: where it applies (districts, or city
// once promoted) and what it enables (an item variant, a bundle or a feature), checking every code
// it names and that a variant keeps its item's rules (the promise within the legal limit, a fully
// online item on the web, only materials the item has dropped).
// Internal to src/app: the catalogue loader calls it for each entry.
// Thread-safety: keeps no state; the objects passed in belong to one load.
#pragma once

#include <optional>
#include <vector>

#include "app/yaml_checks.h"
#include "domain/catalogue.h"

namespace tongban::app {

struct PilotReferences {
  const yaml_checks::CodeRegistry* districts = nullptr;  // nullptr: districts.yaml could not be read
  const yaml_checks::CodeRegistry* bundles = nullptr;
  const std::vector<domain::ServiceItem>* items = nullptr;  // nullptr: some item file could not be read
};

// The pilot of the entry `m`, its code defined in `pilots`; nullopt when a problem was reported.
std::optional<domain::Pilot> ReadPilot(yaml_checks::FileContext& file, yaml_checks::MapReader& m,
                                       yaml_checks::CodeRegistry& pilots, const PilotReferences& refs);

}  // namespace tongban::app
