// Homepage suggestions (issue 12 item 1): the catalogue's rules (domain/suggestion.h) matched
// against the person's data and licences, less the ones they turned off. Reading the person's
// data for a rule goes through the access log like every read of personal data (purpose
// kSuggestionPurpose), in the homepage's transaction.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <string>
#include <vector>

#include "services/context.h"
#include "services/home.h"

namespace tongban::services {

inline constexpr char kSuggestionPurpose[] = "home_suggestions";

// The suggestions for the person `actor` in `tx` (a write transaction: the reads are logged).
// An enterprise's homepage has none yet (no rule is over an enterprise's data).
Result<std::vector<SuggestionView>> MatchSuggestions(const Context& ctx, ports::Transaction& tx, const Actor& actor);

// Turns the rule `rule` off (Dismiss) or on again (Restore) for the actor, or with `enterprise`
// for the enterprise they act for. Answers whether it changed. kNotFound (error.suggestion.unknown)
// for a rule the catalogue lacks; kPermissionDenied (error.home.no_agent_rights) for an enterprise
// they do not act for, (error.home.no_home) for an official or someone without a resident id.
Result<bool> DismissSuggestion(const Context& ctx, const Actor& actor, const std::string& enterprise,
                               const std::string& rule);
Result<bool> RestoreSuggestion(const Context& ctx, const Actor& actor, const std::string& enterprise,
                               const std::string& rule);

}  // namespace tongban::services
