// Reads one bundle (一件事, issue 11 item 1) of bundles.yaml: its items (two or more, each known),
// routing (parallel or sequential) and `waits_for` order (items of the bundle, no cycle), and
// that a field asked by several of its items has one type in all of them (the merged form asks it
// once). Internal to src/app: the catalogue loader calls it for each entry.
// Thread-safety: keeps no state; the objects passed in belong to one load.
#pragma once

#include <optional>
#include <vector>

#include "app/yaml_checks.h"
#include "domain/catalogue.h"

namespace tongban::app {

struct BundleReferences {
  yaml_checks::CodeRegistry* bundles = nullptr;                 // where the bundle's code is defined
  const yaml_checks::CodeRegistry* item_codes = nullptr;       // nullptr: some item file could not be read
  const std::vector<domain::ServiceItem>* items = nullptr;     // the items read so far
};

// The bundle of the entry `m`; nullopt when a problem was reported (each at its line).
std::optional<domain::Bundle> ReadBundle(yaml_checks::FileContext& file, yaml_checks::MapReader& m,
                                         const BundleReferences& refs);

}  // namespace tongban::app
