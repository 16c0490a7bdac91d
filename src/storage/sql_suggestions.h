// The suggestions' rows in SQL (migrations/V023__homepages.sql). Internal to storage.
#pragma once

#include "ports/suggestion_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlSuggestions final : public ports::SuggestionRepository {
 public:
  explicit SqlSuggestions(const SqlAccess& sql) : sql_(sql) {}
  Result<bool> DismissSuggestion(domain::ApplicantKind kind, const std::string& holder_id, const std::string& rule,
                                 Timestamp at) override;
  Result<bool> RestoreSuggestion(domain::ApplicantKind kind, const std::string& holder_id,
                                 const std::string& rule) override;
  Result<std::vector<std::string>> DismissedSuggestions(domain::ApplicantKind kind,
                                                        const std::string& holder_id) override;
  Result<std::vector<std::string>> HouseholdMembers(const std::string& household_id, int limit) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
