// Reads one dataset (issue 9 item 1) of a datasets/*.yaml file: owner, subject, fields with their
// class, legal bases and source, checking each value. Internal to src/app: the catalogue loader
// calls it for each entry of each dataset file.
// Thread-safety: keeps no state; the objects passed in belong to one load.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>

#include "app/yaml_checks.h"
#include "domain/dataset.h"

namespace tongban::app {

// Reads the dataset at `node` and defines its code in `datasets`. `departments` holds the codes
// of departments.yaml, or is nullptr when that file could not be read. Returns the dataset, or
// nullopt when any problem with it was reported to `file`.
std::optional<domain::Dataset> ReadDataset(yaml_checks::FileContext& file, const YAML::Node& node,
                                           yaml_checks::CodeRegistry& datasets,
                                           const yaml_checks::CodeRegistry* departments);

}  // namespace tongban::app
