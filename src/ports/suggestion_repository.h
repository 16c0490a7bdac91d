// The homepage suggestions' rows (issue 12 item 1): the rules a person (or an enterprise's agent,
// for the enterprise) turned off, and the members of a household, which the household_birth rule
// reads (an indexed read of the household_registration records that name the household).
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "domain/catalogue.h"

namespace tongban::ports {

// At most this many dismissals are read for a holder, and household members for a household.
inline constexpr int kMaxDismissals = 200;
inline constexpr int kMaxHouseholdMembers = 50;

class SuggestionRepository {
 public:
  virtual ~SuggestionRepository() = default;
  // Turns the rule off for the holder; true when it was on (false: it was off already).
  virtual Result<bool> DismissSuggestion(domain::ApplicantKind kind, const std::string& holder_id,
                                         const std::string& rule, Timestamp at) = 0;
  // Turns it on again; true when it was off.
  virtual Result<bool> RestoreSuggestion(domain::ApplicantKind kind, const std::string& holder_id,
                                         const std::string& rule) = 0;
  // The rules the holder turned off, at most kMaxDismissals, by code.
  virtual Result<std::vector<std::string>> DismissedSuggestions(domain::ApplicantKind kind,
                                                                const std::string& holder_id) = 0;
  // The resident ids of the household's members (household_registration records whose record id
  // is `household_id`), in id order, at most `limit` (clamped to 1..kMaxHouseholdMembers).
  virtual Result<std::vector<std::string>> HouseholdMembers(const std::string& household_id, int limit) = 0;
};

}  // namespace tongban::ports
