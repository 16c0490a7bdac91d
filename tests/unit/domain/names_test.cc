// Every enumerator has a name, and every name parses back (the API and the database rely on both).
#include <gtest/gtest.h>

#include "domain/account.h"
#include "domain/application.h"

namespace tongban::domain {
namespace {

TEST(EnumNamesTest, RolesRoundTrip) {
  for (Role r : {Role::kCitizen, Role::kEnterpriseAgent, Role::kClerk, Role::kReviewer, Role::kDataOwner,
                 Role::kSupervisor, Role::kAdmin}) {
    EXPECT_STRNE(RoleName(r), "unknown");
    EXPECT_EQ(ParseRole(RoleName(r)), r);
  }
  EXPECT_EQ(ParseRole("enterprise_agent"), Role::kEnterpriseAgent);
  EXPECT_FALSE(ParseRole("root"));
}

TEST(EnumNamesTest, UserKindsAndMaterialStatusesRoundTrip) {
  for (UserKind k : {UserKind::kPerson, UserKind::kOfficial}) EXPECT_EQ(ParseUserKind(UserKindName(k)), k);
  for (MaterialStatus s : {MaterialStatus::kProvided, MaterialStatus::kToBeFetched, MaterialStatus::kMissing}) {
    EXPECT_EQ(ParseMaterialStatus(MaterialStatusName(s)), s);
  }
  EXPECT_STREQ(MaterialStatusName(MaterialStatus::kToBeFetched), "to_be_fetched");
  EXPECT_FALSE(ParseUserKind("robot"));
  EXPECT_FALSE(ParseMaterialStatus("lost"));
}

}  // namespace
}  // namespace tongban::domain
