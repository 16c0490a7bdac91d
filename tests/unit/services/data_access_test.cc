// Purpose-bound reads (services/data_access.h, issue 9 items 3 and 4) on every database: an item
// reads only what it declares (a read outside is refused and logged as refused); a sensitive field
// only with the person's consent for the item (revoked: no read); every read is logged per dataset
// with its legal basis; submission fetches the materials with their provenance.
#include "services/data_access.h"

#include <nlohmann/json.hpp>

#include "services_fixture.h"

namespace tongban::services::testing {
namespace {

constexpr const char* kItem = "civil.test-reads";

class DataAccessTest : public ServicesTest {
 protected:
  void SetUp() override {
    ServicesTest::SetUp();
    domain::CatalogueData data = CatalogueData();
    domain::Dataset population;
    population.code = "population";
    population.name = {"人口基础信息", "Population register"};
    population.department = "market";
    auto field = [](std::string name, domain::DataClass c) {
      domain::DatasetField f;
      f.name = std::move(name);
      f.label = {"字段", "Field"};
      f.data_class = c;
      return f;
    };
    population.fields = {field("name", domain::DataClass::kPersonal), field("ethnicity", domain::DataClass::kSensitive),
                         field("photo_hash", domain::DataClass::kSensitive)};
    population.legal_bases = {{"resident-identity-card-law", {"身份证法", "Identity card law"}}};
    data.datasets = {population};

    domain::ServiceItem item = MakeItem(kItem, true, 5);
    item.fields[1].dataset_field = "name";  // applicant_name <- population.name
    domain::Field ethnicity;
    ethnicity.name = "ethnicity";
    ethnicity.label = {"民族", "Ethnicity"};
    ethnicity.source = domain::MaterialSource::kSharedData;
    ethnicity.dataset = "population";
    item.fields.push_back(ethnicity);
    item.data_bases = {{"population", "resident-identity-card-law"}};
    data.items.push_back(item);
    ServeCatalogue(std::move(data));

    ports::DatasetRecord record;
    record.dataset = "population";
    record.subject_id = citizen_.user.person_id;
    record.record_id = "1";
    record.fields_json = R"({"name":"张伟","ethnicity":"汉","photo_hash":"abc"})";
    record.as_of = Timestamp{std::chrono::seconds{1780000000}};
    ASSERT_TRUE(store_->Write([&](ports::Transaction& tx) {
                  return tx.datasets().InsertRecords({record}, ports::RecordWrite::kAppend);
                }).ok());
  }

  // The leaves queued so far, parsed.
  std::vector<nlohmann::json> Leaves() {
    std::vector<nlohmann::json> out;
    EXPECT_TRUE(store_->Write([&](ports::Transaction& tx) -> Status {
                  TB_ASSIGN_OR_RETURN(const auto rows, tx.access_log().ListQueuedAccessLogRows(100));
                  for (const auto& row : rows) out.push_back(nlohmann::json::parse(row.leaf));
                  return Ok();
                }).ok());
    return out;
  }
};

TEST_P(DataAccessTest, UndeclaredReadIsRefusedAndLoggedAsRefused) {
  auto read = Prefill(ctx_, citizen_, kItem, "", {{"population", "photo_hash"}});
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(read.error().message, "error.data.undeclared_read");
  const auto leaves = Leaves();
  ASSERT_EQ(leaves.size(), 1u);
  EXPECT_EQ(leaves[0].at("outcome"), "refused");
  EXPECT_EQ(leaves[0].at("dataset"), "population");
  EXPECT_EQ(leaves[0].at("fields"), nlohmann::json::array({"photo_hash"}));
  EXPECT_EQ(leaves[0].at("purpose"), kItem);
  // A dataset the item does not read at all is refused the same way.
  EXPECT_EQ(Prefill(ctx_, citizen_, kItem, "", {{"tax_records", "income"}}).error().message,
            "error.data.undeclared_read");
  EXPECT_EQ(Leaves().size(), 2u);
}

TEST_P(DataAccessTest, SensitiveFieldWithoutConsentIsLeftOut) {
  auto read = Prefill(ctx_, citizen_, kItem, "");
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->fields.count("applicant_name"), 1u);
  EXPECT_EQ(read->fields.at("applicant_name").value, "张伟");
  EXPECT_EQ(read->fields.at("applicant_name").source.dataset, "population");
  EXPECT_EQ(read->fields.at("applicant_name").source.record_id, "1");
  EXPECT_EQ(read->fields.count("ethnicity"), 0u);
  EXPECT_EQ(read->needs_consent, std::vector<std::string>{"ethnicity"});
  ASSERT_EQ(read->materials.size(), 1u);
  EXPECT_TRUE(read->materials[0].fetched);
  // One entry for the dataset, under the item's basis, with the fields read (never ethnicity).
  const auto leaves = Leaves();
  ASSERT_EQ(leaves.size(), 1u);
  EXPECT_FALSE(leaves[0].contains("outcome"));
  EXPECT_EQ(leaves[0].at("legal_basis"), "resident-identity-card-law");
  EXPECT_EQ(leaves[0].at("fields"), nlohmann::json::array({"name"}));
}

TEST_P(DataAccessTest, SensitiveFieldWithConsentIsReadAndRevokedConsentStopsTheRead) {
  auto consent = GiveConsent(ctx_, citizen_, kItem);
  ASSERT_TRUE(consent.ok()) << consent.error().message;
  // Asked twice, it is the same consent.
  EXPECT_EQ(GiveConsent(ctx_, citizen_, kItem)->id, consent->id);
  auto read = Prefill(ctx_, citizen_, kItem, "");
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->fields.count("ethnicity"), 1u);
  EXPECT_EQ(read->fields.at("ethnicity").value, "汉");
  EXPECT_TRUE(read->needs_consent.empty());
  auto leaves = Leaves();
  ASSERT_EQ(leaves.size(), 2u);
  bool by_consent = false;
  for (const auto& leaf : leaves) {
    if (leaf.at("legal_basis") == "consent:" + consent->id) {
      by_consent = true;
      EXPECT_EQ(leaf.at("fields"), nlohmann::json::array({"ethnicity"}));
    }
  }
  EXPECT_TRUE(by_consent);

  // Someone else cannot revoke it; its holder can, and it is kept with its time.
  EXPECT_EQ(RevokeConsent(ctx_, other_, consent->id).error().code, ErrorCode::kNotFound);
  auto revoked = RevokeConsent(ctx_, citizen_, consent->id);
  ASSERT_TRUE(revoked.ok()) << revoked.error().message;
  EXPECT_TRUE(revoked->revoked_at.has_value());
  auto mine = ListMyConsents(ctx_, citizen_, "", 10);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->consents.size(), 1u);
  EXPECT_TRUE(mine->consents[0].revoked_at.has_value());

  auto after = Prefill(ctx_, citizen_, kItem, "");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->fields.count("ethnicity"), 0u);
  EXPECT_EQ(after->needs_consent, std::vector<std::string>{"ethnicity"});
  leaves = Leaves();
  ASSERT_EQ(leaves.size(), 3u);
  for (size_t i = 2; i < leaves.size(); ++i) EXPECT_EQ(leaves[i].at("fields"), nlohmann::json::array({"name"}));
}

TEST_P(DataAccessTest, ConsentIsOnlyForAnItemThatReadsSensitiveData) {
  EXPECT_EQ(GiveConsent(ctx_, citizen_, "market.online").error().message, "error.consent.purpose");
  EXPECT_EQ(GiveConsent(ctx_, reviewer_, kItem).error().message, "error.consent.person_only");
}

TEST_P(DataAccessTest, SubmissionFetchesMaterialsWithTheirProvenance) {
  CreateApplicationRequest req;
  req.item = kItem;
  req.fields = {{"shop_name", "浦江小馆"}};
  auto app = CreateApplication(ctx_, citizen_, req);
  ASSERT_TRUE(app.ok()) << app.error().message;
  ASSERT_EQ(app->materials.size(), 1u);
  EXPECT_EQ(app->materials[0].status, domain::MaterialStatus::kFetched);
  EXPECT_EQ(app->materials[0].dataset, "population");
  EXPECT_EQ(app->materials[0].record_id, "1");
  ASSERT_TRUE(app->materials[0].as_of.has_value());
  EXPECT_EQ(*app->materials[0].as_of, Timestamp{std::chrono::seconds{1780000000}});
  // Stored: the view reads it back, and the fetch is in the log with the case.
  auto view = ViewApplication(ctx_, citizen_, app->id);
  ASSERT_TRUE(view.ok()) << view.error().message;
  ASSERT_EQ(view->materials.size(), 1u);
  EXPECT_EQ(view->materials[0].status, domain::MaterialStatus::kFetched);
  EXPECT_EQ(view->materials[0].record_id, "1");
  const auto leaves = Leaves();
  ASSERT_FALSE(leaves.empty());
  EXPECT_EQ(leaves.back().at("application"), app->id);
}

INSTANTIATE_TEST_SUITE_P(Databases, DataAccessTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::services::testing
