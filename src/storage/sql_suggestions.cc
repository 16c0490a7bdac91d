#include "storage/sql_suggestions.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "storage/sql_columns.h"

namespace tongban::storage {
namespace {

constexpr std::string_view kDismiss =
    "INSERT INTO suggestion_dismissals (holder_kind, holder_id, rule, at) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (holder_kind, holder_id, rule) DO NOTHING";
constexpr std::string_view kRestore =
    "DELETE FROM suggestion_dismissals WHERE holder_kind = $1 AND holder_id = $2 AND rule = $3";
constexpr std::string_view kDismissed =
    "SELECT rule FROM suggestion_dismissals WHERE holder_kind = $1 AND holder_id = $2 ORDER BY rule LIMIT $3";
// Through the partial index dataset_records_household (V023): the dataset is written out, not
// bound, so that both databases see the index's condition.
constexpr std::string_view kHouseholdMembers =
    "SELECT subject_id FROM dataset_records WHERE dataset = 'household_registration' AND record_id = $1"
    " ORDER BY subject_id LIMIT $2";

Result<std::string> ReadText(Statement& statement) { return Columns(statement).Text(); }

}  // namespace

Result<bool> SqlSuggestions::DismissSuggestion(domain::ApplicantKind kind, const std::string& holder_id,
                                               const std::string& rule, Timestamp at) {
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kDismiss, [&](Binder& b) {
    b.Text(domain::ApplicantKindName(kind)).Text(holder_id).Text(rule).Int(Seconds(at));
  }));
  return changed > 0;
}

Result<bool> SqlSuggestions::RestoreSuggestion(domain::ApplicantKind kind, const std::string& holder_id,
                                               const std::string& rule) {
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kRestore, [&](Binder& b) {
    b.Text(domain::ApplicantKindName(kind)).Text(holder_id).Text(rule);
  }));
  return changed > 0;
}

Result<std::vector<std::string>> SqlSuggestions::DismissedSuggestions(domain::ApplicantKind kind,
                                                                      const std::string& holder_id) {
  return sql_.All<std::string>(kDismissed, [&](Binder& b) {
    b.Text(domain::ApplicantKindName(kind)).Text(holder_id).Int(ports::kMaxDismissals);
  }, ReadText);
}

Result<std::vector<std::string>> SqlSuggestions::HouseholdMembers(const std::string& household_id, int limit) {
  return sql_.All<std::string>(kHouseholdMembers, [&](Binder& b) {
    b.Text(household_id).Int(std::clamp(limit, 1, ports::kMaxHouseholdMembers));
  }, ReadText);
}

}  // namespace tongban::storage
