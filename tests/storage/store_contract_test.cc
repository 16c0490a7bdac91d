// Instantiates the storage contract suites (store_contract.h) for every database the build can
// reach.
#include "store_contract.h"

namespace tongban::storage {
namespace {

std::vector<StoreTarget> ServerTargets() {
  std::vector<StoreTarget> targets = testing::StoreTargets();
  std::erase_if(targets, [](const StoreTarget& target) { return target.group_commit; });
  return targets;
}

INSTANTIATE_TEST_SUITE_P(Databases, StoreContractTest, ::testing::ValuesIn(testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<StoreTarget>& info) { return info.param.name; });
// Without TONGBAN_TEST_PG_URL there is no server to test: the suite is not instantiated at all.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ServerStoreTest);
INSTANTIATE_TEST_SUITE_P(Databases, ServerStoreTest, ::testing::ValuesIn(ServerTargets()),
                         [](const ::testing::TestParamInfo<StoreTarget>& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Databases, GroupCommitTest, ::testing::Values(testing::SqliteTarget()),
                         [](const ::testing::TestParamInfo<StoreTarget>& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::storage
