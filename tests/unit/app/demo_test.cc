#include "app/demo.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "app/catalogue_loader.h"

namespace tongban::app {
namespace {

std::shared_ptr<const domain::Catalogue> DemoCatalogue() {
  Result<LoadedCatalogue> loaded = LoadCatalogue(std::string(TONGBAN_SOURCE_DIR) + "/catalogue");
  EXPECT_TRUE(loaded.ok()) << loaded.error().message;
  return loaded.ok() ? loaded->catalogue : nullptr;
}

// The demo-accounts table of README.md: username -> role.
std::map<std::string, std::string> ReadmeAccounts() {
  std::ifstream in(std::string(TONGBAN_SOURCE_DIR) + "/README.md");
  std::map<std::string, std::string> out;
  bool in_section = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("## ", 0) == 0) in_section = line == "## Demo accounts";
    if (!in_section || line.rfind("| ", 0) != 0) continue;
    std::istringstream cells(line);
    std::string bar, username, role;
    cells >> bar >> username >> bar >> role;
    if (username == "username" || username.rfind("---", 0) == 0 || username.rfind("|-", 0) == 0) continue;
    out[username] = role;
  }
  return out;
}

// Issue 8, finding 2: every department with items has a demo reviewer, a clerk works at a district
// centre and one at a community centre, and the README's table lists them.
TEST(DemoAccountsTest, Finding2EveryDepartmentStaffed) {
  auto catalogue = DemoCatalogue();
  ASSERT_NE(catalogue, nullptr);
  Result<std::vector<DemoAccountPlan>> plan = PlanDemoAccounts(*catalogue);
  ASSERT_TRUE(plan.ok()) << plan.error().message;

  std::set<std::string> reviewed;
  bool district_clerk = false, community_clerk = false;
  for (const DemoAccountPlan& p : *plan) {
    if (p.role == domain::Role::kReviewer) reviewed.insert(p.department);
    if (p.role == domain::Role::kClerk && !p.centre.empty()) {
      const domain::ServiceCentre* centre = catalogue->FindCentre(p.centre);
      ASSERT_NE(centre, nullptr) << p.username;
      (centre->level == domain::CentreLevel::kDistrict ? district_clerk : community_clerk) = true;
    }
    // The product names supervisor, but it has no page or right yet (reform_office has: reform.office).
    EXPECT_NE(p.role, domain::Role::kSupervisor) << p.username;
  }
  for (const domain::ServiceItem& item : catalogue->items()) {
    EXPECT_TRUE(reviewed.contains(item.department)) << "no demo reviewer for " << item.department << " ("
                                                    << item.code << ")";
  }
  EXPECT_TRUE(district_clerk);
  EXPECT_TRUE(community_clerk);
  // The civil affairs and housing demos (elderly allowance, rental filing) have someone to decide.
  EXPECT_TRUE(reviewed.contains("civil"));
  EXPECT_TRUE(reviewed.contains("housing"));

  const std::map<std::string, std::string> readme = ReadmeAccounts();
  std::map<std::string, std::string> planned;
  for (const DemoAccountPlan& p : *plan) planned[p.username] = domain::RoleName(p.role);
  EXPECT_EQ(readme, planned) << "README.md's demo-accounts table differs from src/app/demo.cc";
}

TEST(DemoAccountsTest, ADepartmentMissingFromTheListGetsAReviewer) {
  auto catalogue = DemoCatalogue();
  ASSERT_NE(catalogue, nullptr);
  domain::CatalogueData data;
  data.departments = catalogue->departments();
  data.departments.push_back({"parks", {"公园管理处", "Parks Office"}});
  data.districts = catalogue->districts();
  data.centres = catalogue->centres();
  data.items = catalogue->items();
  domain::ServiceItem parks = catalogue->items().front();
  parks.code = "parks.annual-pass";
  parks.department = "parks";
  data.items.push_back(parks);
  auto built = domain::Catalogue::Build(std::move(data));
  ASSERT_TRUE(built.ok()) << built.error().message;
  Result<std::vector<DemoAccountPlan>> plan = PlanDemoAccounts(**built);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  auto it = std::find_if(plan->begin(), plan->end(), [](const auto& p) { return p.username == "reviewer.parks"; });
  ASSERT_NE(it, plan->end());
  EXPECT_EQ(it->role, domain::Role::kReviewer);
  EXPECT_EQ(it->department, "parks");
  EXPECT_NE(it->name.find("公园管理处"), std::string::npos);
}

}  // namespace
}  // namespace tongban::app
