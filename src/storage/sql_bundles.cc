#include "storage/sql_bundles.h"

#include <string>
#include <string_view>

namespace tongban::storage {
namespace {

using domain::BundleCase;
using domain::BundleSubCase;

#define TB_BUNDLE_COLUMNS "id, bundle, applicant_user_id, person_id, enterprise, created_at, submitted_at, version"
constexpr std::string_view kInsertCase =
    "INSERT INTO bundle_cases (" TB_BUNDLE_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
constexpr std::string_view kSelectCase = "SELECT " TB_BUNDLE_COLUMNS " FROM bundle_cases WHERE id = $1";
constexpr std::string_view kSelectCaseForUpdate =
    "SELECT " TB_BUNDLE_COLUMNS " FROM bundle_cases WHERE id = $1 FOR UPDATE";
#undef TB_BUNDLE_COLUMNS
constexpr std::string_view kUpdateCase =
    "UPDATE bundle_cases SET submitted_at = $2, version = $3 WHERE id = $1 AND version = $4";
#define TB_SUB_COLUMNS "application_id, bundle_case_id, position, item, waits_for"
constexpr std::string_view kInsertSub = "INSERT INTO bundle_sub_cases (" TB_SUB_COLUMNS ") VALUES ($1, $2, $3, $4, $5)";
constexpr std::string_view kListSubs =
    "SELECT " TB_SUB_COLUMNS " FROM bundle_sub_cases WHERE bundle_case_id = $1 ORDER BY position";
constexpr std::string_view kSelectSub = "SELECT " TB_SUB_COLUMNS " FROM bundle_sub_cases WHERE application_id = $1";
#undef TB_SUB_COLUMNS

Result<BundleCase> ReadCase(Statement& statement) {
  Columns c(statement);
  BundleCase b;
  b.id = c.Text();
  b.bundle = c.Text();
  b.applicant_user_id = c.Text();
  b.person_id = c.Text();
  b.enterprise = c.Text();
  b.created_at = FromSeconds(c.Int());
  if (const std::optional<int64_t> at = c.OptionalInt()) b.submitted_at = FromSeconds(*at);
  b.version = c.Int();
  return b;
}

std::string JoinCodes(const std::vector<std::string>& codes) {
  std::string out;
  for (const std::string& code : codes) out += (out.empty() ? "" : ",") + code;
  return out;
}

std::vector<std::string> SplitCodes(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Result<BundleSubCase> ReadSub(Statement& statement) {
  Columns c(statement);
  BundleSubCase s;
  s.application_id = c.Text();
  s.bundle_case_id = c.Text();
  s.position = static_cast<int>(c.Int());
  s.item = c.Text();
  s.waits_for = SplitCodes(c.Text());
  return s;
}

std::optional<int64_t> OptionalSeconds(const std::optional<Timestamp>& at) {
  return at ? std::optional<int64_t>(Seconds(*at)) : std::nullopt;
}

}  // namespace

Status SqlBundles::InsertBundleCase(const BundleCase& b) {
  return sql_.Run(kInsertCase, [&](Binder& x) {
    x.Text(b.id)
        .Text(b.bundle)
        .Text(b.applicant_user_id)
        .Text(b.person_id)
        .Text(b.enterprise)
        .Int(Seconds(b.created_at))
        .OptionalInt(OptionalSeconds(b.submitted_at))
        .Int(b.version);
  });
}

Result<BundleCase> SqlBundles::GetBundleCase(const std::string& id) {
  return sql_.One<BundleCase>(sql_.lock_reads() ? kSelectCaseForUpdate : kSelectCase, [&](Binder& b) { b.Text(id); },
                              "error.application.not_found", ReadCase);
}

Status SqlBundles::UpdateBundleCase(const BundleCase& b) {
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kUpdateCase, [&](Binder& x) {
    x.Text(b.id).OptionalInt(OptionalSeconds(b.submitted_at)).Int(b.version).Int(b.version - 1);
  }));
  if (changed == 0) return MakeError(ErrorCode::kConflict, "error.application.changed");
  return Ok();
}

Status SqlBundles::InsertSubCase(const BundleSubCase& s) {
  return sql_.Run(kInsertSub, [&](Binder& b) {
    b.Text(s.application_id).Text(s.bundle_case_id).Int(s.position).Text(s.item).Text(JoinCodes(s.waits_for));
  });
}

Result<std::vector<BundleSubCase>> SqlBundles::ListSubCases(const std::string& bundle_case_id) {
  return sql_.All<BundleSubCase>(kListSubs, [&](Binder& b) { b.Text(bundle_case_id); }, ReadSub);
}

Result<BundleSubCase> SqlBundles::GetSubCase(const std::string& application_id) {
  return sql_.One<BundleSubCase>(kSelectSub, [&](Binder& b) { b.Text(application_id); }, "error.bundle.not_a_sub_case",
                                 ReadSub);
}

}  // namespace tongban::storage
