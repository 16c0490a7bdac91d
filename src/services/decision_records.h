// Decision records (docs/product.md C14, issue 13 item 6): every published version of the
// catalogue (items, bundles, suggestion rules, centres, calendars, pilots as they come) is kept
// with who published it, when and why; the reform office lists them and compares any two side by
// side, file by file. Thread-safety: stateless functions over a Context; safe from every thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/line_diff.h"
#include "services/context.h"

namespace tongban::services {

inline constexpr int kDecisionRecordsPageMax = ports::kMaxCatalogueVersionPage;

struct DecisionRecordPage {
  std::vector<ports::CatalogueVersion> versions;  // newest first, without their files
  int64_t next_before = 0;                        // pass as `before` for the next page; 0: none
};

// Who may read decision records: the reform office and administrators. kPermissionDenied
// (error.decisions.role) otherwise.
Status RequireDecisionReader(const Actor& actor);

// Published versions below `before` (0: from the latest), `limit` (1..kDecisionRecordsPageMax) at a
// time. kInvalidArgument (error.decisions.page_size) for a limit out of range.
Result<DecisionRecordPage> ListDecisionRecords(const Context& ctx, const Actor& actor, int64_t before, int limit);

enum class FileChange { kAdded, kRemoved, kChanged };

struct FileComparison {
  std::string path;
  FileChange change = FileChange::kChanged;
  std::vector<domain::SideBySideRow> rows;  // side by side, unchanged runs folded
};

struct VersionComparison {
  ports::CatalogueVersion from;  // without files
  ports::CatalogueVersion to;
  std::vector<FileComparison> files;  // the files that differ, by path; unchanged ones are left out
};

// The files that differ between versions `from` and `to` (either order; equal is allowed and
// answers no file). kNotFound (error.catalogue.version_not_found) for a version that does not exist.
Result<VersionComparison> CompareCatalogueVersions(const Context& ctx, const Actor& actor, int64_t from, int64_t to);

}  // namespace tongban::services
