// The demo city's people: a few accounts for every role, created when missing (`serve --demo`),
// and generated populations for measuring at scale (`demo generate`).
// Thread-safety: call from one thread at start.
#pragma once

#include <string>
#include <vector>

#include "services/context.h"

namespace tongban::app {

struct DemoAccount {
  std::string username;
  std::string role;
  std::string scope;  // department, centre or enterprise
  std::string name;
};

// Creates the demo accounts that do not exist yet; returns all of them for printing.
Result<std::vector<DemoAccount>> EnsureDemoAccounts(const services::Context& ctx);
// The password of every demo account (printed at start; demo mode only).
inline constexpr char kDemoPassword[] = "demo-password-1";

// A valid resident id for the demo: region 310115 (Pudong), birth date, sequence; check char computed.
std::string DemoResidentId(int year, int month, int day, int sequence);
// A valid credit code for the demo: "91310115" + 9-character organisation code + check char.
std::string DemoCreditCode(int sequence);

// Adds `persons` persons and `enterprises` enterprises with valid ids (no accounts).
Status GeneratePopulation(const services::Context& ctx, int persons, int enterprises);

}  // namespace tongban::app
