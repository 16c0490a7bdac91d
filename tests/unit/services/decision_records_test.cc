// Decision records (issue 13 item 6): the catalogue's published versions listed with who, when and
// why, and two of them compared file by file; only the reform office and administrators read them.
#include "services/decision_records.h"

#include <nlohmann/json.hpp>

#include "services/catalogue.h"
#include "services_fixture.h"

namespace tongban::services::testing {
namespace {

class DecisionRecordsTest : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    admin_ = AddUser({.username = "admin", .role = domain::Role::kAdmin});
    citizen_ = AddUser({.username = "zhang.wei", .role = domain::Role::kCitizen, .person_id = "11010519491231002X"});
  }

  int64_t Publish(const std::map<std::string, std::string>& files, const std::string& by, const std::string& reason) {
    auto published = PublishCatalogue(ctx_, nlohmann::json(files).dump(), by, reason);
    EXPECT_TRUE(published.ok()) << published.error().message;
    clock_.Advance(std::chrono::hours(1));
    return published.ok() ? published->version : 0;
  }

  Actor admin_;
  Actor citizen_;
};

TEST_P(DecisionRecordsTest, VersionsAreListedNewestFirstWithWhoWhenAndWhy) {
  Publish({{"items/a.yaml", "a: 1\n"}}, "reform.office", "first catalogue");
  Publish({{"items/a.yaml", "a: 2\n"}}, "reform.office", "raise a");
  Publish({{"items/a.yaml", "a: 3\n"}}, "li.ming", "raise a again");
  auto page = ListDecisionRecords(ctx_, admin_, 0, 2);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->versions.size(), 2u);
  EXPECT_EQ(page->versions[0].version, 3);
  EXPECT_EQ(page->versions[0].published_by, "li.ming");
  EXPECT_EQ(page->versions[0].reason, "raise a again");
  EXPECT_TRUE(page->versions[0].files_json.empty());
  EXPECT_EQ(page->versions[1].version, 2);
  EXPECT_LT(page->versions[1].published_at, page->versions[0].published_at);
  ASSERT_EQ(page->next_before, 2);
  auto rest = ListDecisionRecords(ctx_, admin_, page->next_before, 2);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->versions.size(), 1u);
  EXPECT_EQ(rest->versions[0].version, 1);
  EXPECT_EQ(rest->next_before, 0);
}

TEST_P(DecisionRecordsTest, ComparisonShowsChangedAddedAndRemovedFilesOnly) {
  const int64_t v1 = Publish({{"items/a.yaml", "code: a\nlimit: 20\nfee: free\n"}, {"bundles.yaml", "b: 1\n"},
                              {"old.yaml", "x: 1\n"}},
                             "reform.office", "first");
  const int64_t v2 = Publish({{"items/a.yaml", "code: a\nlimit: 10\nfee: free\n"}, {"bundles.yaml", "b: 1\n"},
                              {"pilots.yaml", "p: pudong\n"}},
                             "reform.office", "promise 10 days");
  auto c = CompareCatalogueVersions(ctx_, admin_, v1, v2);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->from.reason, "first");
  EXPECT_EQ(c->to.reason, "promise 10 days");
  ASSERT_EQ(c->files.size(), 3u);  // bundles.yaml is unchanged
  EXPECT_EQ(c->files[0].path, "items/a.yaml");
  EXPECT_EQ(c->files[0].change, FileChange::kChanged);
  bool limit_changed = false;
  for (const auto& row : c->files[0].rows) {
    if (row.kind == domain::DiffRow::kChanged) {
      limit_changed = row.old_text == "limit: 20" && row.new_text == "limit: 10" && row.old_line == 2;
    }
  }
  EXPECT_TRUE(limit_changed);
  EXPECT_EQ(c->files[1].path, "old.yaml");
  EXPECT_EQ(c->files[1].change, FileChange::kRemoved);
  EXPECT_EQ(c->files[2].path, "pilots.yaml");
  EXPECT_EQ(c->files[2].change, FileChange::kAdded);
}

TEST_P(DecisionRecordsTest, CitizenCannotReadDecisionRecords) {
  const int64_t v1 = Publish({{"a.yaml", "a: 1\n"}}, "reform.office", "first");
  auto list = ListDecisionRecords(ctx_, citizen_, 0, 10);
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(list.error().message, "error.decisions.role");
  auto compare = CompareCatalogueVersions(ctx_, citizen_, v1, v1);
  ASSERT_FALSE(compare.ok());
  EXPECT_EQ(compare.error().code, ErrorCode::kPermissionDenied);
}

TEST_P(DecisionRecordsTest, ComparingAVersionThatDoesNotExistIsNotFound) {
  const int64_t v1 = Publish({{"a.yaml", "a: 1\n"}}, "reform.office", "first");
  auto c = CompareCatalogueVersions(ctx_, admin_, v1, v1 + 1);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Databases, DecisionRecordsTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::services::testing
