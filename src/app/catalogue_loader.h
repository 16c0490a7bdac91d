// Loads the service catalogue and the working-day calendar from YAML files (docs/product.md C1, C2, C4),
// the way a city's reform office writes them, and checks them thoroughly so that a typo in a
// catalogue file is found by `tongban catalogue check DIR` rather than by a citizen.
// Thread-safety: LoadCatalogue keeps no state; calls may run concurrently.
#pragma once

#include <map>
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

// Reads DIR/departments.yaml, districts.yaml, centres.yaml, items/*.yaml and datasets/*.yaml (each sorted by name),
// bundles.yaml, popular.yaml, pinyin.yaml and calendar.yaml. The formats are documented at the
// top of each file in the demo catalogue/ folder.
//
// Returns the catalogue and calendar on success. On failure returns kInvalidArgument whose message
// lists every problem found (not just the first), one per line, as "path:line: what is wrong",
// path being DIR joined with the file's name; a problem with a whole file (missing, unreadable)
// is reported at line 1. Never throws.
Result<LoadedCatalogue> LoadCatalogue(const std::string& dir);

// The catalogue's files by path relative to its folder ("departments.yaml", "items/market.yaml").
// This is what `tongban catalogue publish` stores in the database as one version.
using CatalogueFiles = std::map<std::string, std::string>;
inline constexpr const char* kTopFiles[] = {"departments.yaml", "districts.yaml", "centres.yaml", "bundles.yaml",
                                            "popular.yaml",     "pinyin.yaml",    "calendar.yaml",
                                            "licence-types.yaml", "suggestions.yaml",   "pilots.yaml"};

// Reads the files of the folder DIR (the top files above and items/*.yaml). A file that is missing
// is left out (the loader reports it); kInvalidArgument when DIR is no folder or a file is unreadable.
Result<CatalogueFiles> ReadCatalogueFiles(const std::string& dir);
// As LoadCatalogue, from files in memory; problems are reported as "origin/name:line: ...". The
// catalogue says it is `published_version` (0: not a published version).
Result<LoadedCatalogue> LoadCatalogueFiles(const CatalogueFiles& files, const std::string& origin,
                                           int64_t published_version = 0);

}  // namespace tongban::app
