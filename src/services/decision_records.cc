#include "services/decision_records.h"

#include <map>
#include <set>

namespace tongban::services {

Status RequireDecisionReader(const Actor& actor) {
  if (!actor.user.HasRole(domain::Role::kAdmin) && !actor.user.HasRole(domain::Role::kReformOffice)) {
    return MakeError(ErrorCode::kPermissionDenied, "error.decisions.role");
  }
  return Ok();
}

Result<DecisionRecordPage> ListDecisionRecords(const Context& ctx, const Actor& actor, int64_t before, int limit) {
  TB_RETURN_IF_ERROR(RequireDecisionReader(actor));
  if (limit < 1 || limit > kDecisionRecordsPageMax) {
    return MakeError(ErrorCode::kInvalidArgument, "error.decisions.page_size");
  }
  DecisionRecordPage page;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(page.versions, tx.catalogue().ListCatalogueVersions(before, limit + 1));
    return Ok();
  }));
  if (page.versions.size() > static_cast<size_t>(limit)) {
    page.versions.resize(limit);
    page.next_before = page.versions.back().version;
  }
  return page;
}

Result<VersionComparison> CompareCatalogueVersions(const Context& ctx, const Actor& actor, int64_t from, int64_t to) {
  TB_RETURN_IF_ERROR(RequireDecisionReader(actor));
  VersionComparison out;
  std::map<std::string, std::string> before;
  std::map<std::string, std::string> after;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(out.from, tx.catalogue().GetCatalogueVersion(from));
    TB_ASSIGN_OR_RETURN(out.to, tx.catalogue().GetCatalogueVersion(to));
    TB_ASSIGN_OR_RETURN(before, tx.catalogue().GetCatalogueFiles(from));
    TB_ASSIGN_OR_RETURN(after, tx.catalogue().GetCatalogueFiles(to));
    return Ok();
  }));
  out.from.files_json.clear();
  out.to.files_json.clear();
  std::set<std::string> paths;
  for (const auto& [path, _] : before) paths.insert(path);
  for (const auto& [path, _] : after) paths.insert(path);
  for (const std::string& path : paths) {
    const auto old_file = before.find(path);
    const auto new_file = after.find(path);
    const std::string_view old_text = old_file == before.end() ? std::string_view() : old_file->second;
    const std::string_view new_text = new_file == after.end() ? std::string_view() : new_file->second;
    if (old_file != before.end() && new_file != after.end() && old_text == new_text) continue;
    FileComparison file;
    file.path = path;
    file.change = old_file == before.end()  ? FileChange::kAdded
                  : new_file == after.end() ? FileChange::kRemoved
                                            : FileChange::kChanged;
    file.rows = domain::CompareLines(old_text, new_text);
    out.files.push_back(std::move(file));
  }
  return out;
}

}  // namespace tongban::services
