// Use cases for the catalogue as versioned data in the database (docs/product.md C1, C14): publishing a
// new version with who, when and why, and reading the latest, so that every server behind a load
// balancer serves the same catalogue and picks up a new one without a restart.
// Thread-safety: stateless functions over a Context; safe from every thread.
#pragma once

#include <optional>
#include <string>

#include "services/context.h"

namespace tongban::services {

struct PublishedCatalogue {
  int64_t version = 0;
  bool created = false;  // false when the latest version already had the same files
};

// Stores `files_json` (the catalogue's files, validated by the caller) as the next version, unless
// the latest version has the same content. kInvalidArgument for an empty reason.
Result<PublishedCatalogue> PublishCatalogue(const Context& ctx, const std::string& files_json,
                                            const std::string& published_by, const std::string& reason);

// The latest version's number, 0 when none was published. Cheap: servers poll it.
Result<int64_t> LatestCatalogueVersion(const Context& ctx);
// One version with its files. kNotFound when there is no such version.
Result<ports::CatalogueVersion> GetCatalogueVersion(const Context& ctx, int64_t version);

}  // namespace tongban::services
