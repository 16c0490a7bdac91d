// The homepages (issue 12 items 1 and 2; docs/product.md C5, C10): what a person, or an agent for
// the enterprise they act for, sees after signing in: their latest applications with state and
// deadline, their licences with status, what expires within kExpiringDays with the item that
// renews it, the unread messages, and the suggestions chosen by the catalogue's rules
// (catalogue/suggestions.yaml) over their data and licences. Every query is bounded and indexed.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/application.h"
#include "services/context.h"
#include "services/licences.h"
#include "services/proactive.h"

namespace tongban::services {

// How far ahead the expiring list looks, and how many rows each list shows at most.
inline constexpr int kExpiringDays = 90;
inline constexpr int kHomeApplications = 5;
inline constexpr int kHomeLicences = 20;
inline constexpr int kHomeExpiring = 10;

// A licence that expires soon, with the item a holder applies for to renew it ("" when the
// catalogue names none).
struct ExpiringView {
  LicenceView licence;
  std::string renewed_by;
  int days_left = 0;
};

// A suggestion a rule made: what it suggests (an item or a bundle) and the values its reason
// text is filled with ("date", "age", "licence_type").
struct SuggestionView {
  std::string rule;
  std::string item;    // an item code, or ""
  std::string bundle;  // a bundle code, or ""
  std::vector<std::pair<std::string, std::string>> values;
  domain::LocalText reason;  // the rule's reason text, placeholders not yet filled
};

struct HomeView {
  std::string enterprise;  // the credit code when this is an enterprise's homepage
  bool administrator = false;  // the caller administers that enterprise (links the rights page)
  std::vector<domain::Application> applications;  // newest first, at most kHomeApplications
  bool more_applications = false;
  std::vector<LicenceView> licences;  // newest first, at most kHomeLicences
  bool more_licences = false;
  std::vector<ExpiringView> expiring;  // soonest first, at most kHomeExpiring
  std::vector<SuggestionView> suggestions;
  // Benefits without applying (services/proactive.h): cases the city prepared for the person,
  // waiting for them to confirm or decline; a person's homepage only.
  std::vector<OfferView> offers;
  int unread = 0;  // up to ports::kUnreadCountCap
};

// The actor's homepage, or with `enterprise` (a credit code) that enterprise's for its agent.
// kPermissionDenied (error.home.no_agent_rights) for an enterprise they do not act for;
// kPermissionDenied (error.home.no_home) for an official (they have a workbench, not a home).
Result<HomeView> Home(const Context& ctx, const Actor& actor, const std::string& enterprise);

// Fills `text` (a rule's reason) with the suggestion's values: "{date}" and the like.
std::string FillReason(const std::string& text, const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace tongban::services
