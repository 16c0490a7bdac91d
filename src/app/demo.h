// The demo city's people: a few accounts for every role, created when missing (`serve --demo`),
// and generated populations for measuring at scale (`demo generate`).
// Thread-safety: call from one thread at start.
#pragma once

#include <string>
#include <vector>

#include "domain/account.h"
#include "domain/catalogue.h"
#include "services/context.h"

namespace tongban::app {

struct DemoAccount {
  std::string username;
  std::string role;
  std::string scope;  // department, centre or enterprise
  std::string name;
};

// One demo account to create.
struct DemoAccountPlan {
  std::string username;
  domain::Role role = domain::Role::kCitizen;
  std::string name;
  std::string department;  // officials scoped to a department
  std::string centre;      // clerks at a service centre
  std::string person_id;   // citizens and agents
  std::string phone;
  std::string enterprise;  // agents: the enterprise's credit code
  std::string enterprise_name;
};

// The demo accounts for `catalogue`: citizens, enterprise agents, clerks at a district and at a
// community centre, an administrator and a reviewer for every department that has items (named
// reviewer.<department code> when the demo list has none). Officials whose department or centre
// the catalogue lacks are left out. kInvalidArgument when no demo clerk's centre exists.
// `today` dates the one person whose birth is relative to it: wang.xiuying turns 65 in today's
// month (born on its first day, 65 years earlier), so that the benefits-without-applying job
// offers her the elderly allowance on the demo's first start.
Result<std::vector<DemoAccountPlan>> PlanDemoAccounts(const domain::Catalogue& catalogue, Date today = Date{2026, 1, 1});

// Creates the demo accounts that do not exist yet; returns all of them for printing.
Result<std::vector<DemoAccount>> EnsureDemoAccounts(const services::Context& ctx);
// The password of every demo account (printed at start; demo mode only).
inline constexpr char kDemoPassword[] = "demo-password-1";

// The owners of the signing keys the demo needs: the access log's (purpose `log`) and one issuer
// per department that has items (every one of them may issue licences), in catalogue order.
std::vector<ports::KeyOwner> DemoKeyOwners(const domain::Catalogue& catalogue);
// Creates the keys of DemoKeyOwners that have none; answers how many were created.
Result<int> EnsureDemoSigningKeys(const services::Context& ctx);

// The licences the demo's people already hold, so the demo shows them: 王芳's enterprise holds a
// business licence (a material of the permits it applies for) and 张伟 a driving licence that
// expires within 90 days (a renewal to suggest). Issued through services::IssueHeldLicence
// (signed, with status list indexes), once: a restart issues nothing again. Answers how many were
// issued now. Needs the issuers' signing keys; a catalogue without a type skips that licence.
Result<int> EnsureDemoLicences(const services::Context& ctx);

// A valid resident id for the demo: region 310115 (Pudong), birth date, sequence; check char computed.
std::string DemoResidentId(int year, int month, int day, int sequence);
// A valid credit code for the demo: "91310115" + 9-character organisation code + check char.
std::string DemoCreditCode(int sequence);


}  // namespace tongban::app
