// Reads one service item (docs/product.md C1) of an items/*.yaml file, with its materials and form
// fields, checking each value and the rules between them (time limits, channels, sources).
// Internal to src/app: the catalogue loader calls it for each entry of each item file.
// Thread-safety: keeps no state; the objects passed in belong to one load.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>

#include "app/yaml_checks.h"
#include "domain/catalogue.h"

namespace tongban::app {

// Reads the item at `node` and defines its code in `items` and its standard_code, when it has one,
// in `standard_codes`. `departments` holds the codes of
// departments.yaml, or is nullptr when that file could not be read (its references are then not
// checked). Returns the item, or nullopt when any problem with it was reported to `file`.
std::optional<domain::ServiceItem> ReadItem(yaml_checks::FileContext& file, const YAML::Node& node,
                                            yaml_checks::CodeRegistry& items,
                                            yaml_checks::CodeRegistry& standard_codes,
                                            const yaml_checks::CodeRegistry* departments);

}  // namespace tongban::app
