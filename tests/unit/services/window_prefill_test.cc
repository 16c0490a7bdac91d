// The clerk's pre-fill at the comprehensive window (services/window_prefill.h, issue 11 item 3) on
// every database: the person's data is read only in the clerk's own open visit, with the clerk as
// accessor and the visit as purpose (the person's consent for the visit recorded with it), so the
// person sees the read in their access log; a refusal reads and records nothing.
#include "services/window_prefill.h"
#include "services/window_handover.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "window_fixture.h"

namespace tongban::services::testing {
namespace {

class WindowPrefillTest : public WindowFixture {
 protected:
  void SetUp() override {
    WindowFixture::SetUp();
    domain::CatalogueData data = WindowCatalogue();
    domain::Dataset population;
    population.code = "population";
    population.name = {"人口基础信息", "Population register"};
    population.department = "market";
    domain::DatasetField name;
    name.name = "name";
    name.label = {"姓名", "Name"};
    name.data_class = domain::DataClass::kPersonal;
    population.fields = {name};
    population.legal_bases = {{"resident-identity-card-law", {"身份证法", "Identity card law"}}};
    data.datasets = {population};
    domain::Bundle bundle;
    bundle.code = "open-a-shop";
    bundle.name = {"开店一件事", "Open a shop"};
    bundle.items = {"market.online", "market.counter"};
    data.bundles = {bundle};
    for (auto& item : data.items) {
      item.fields[1].dataset_field = "name";  // applicant_name <- population.name
      item.data_bases = {{"population", "resident-identity-card-law"}};
    }
    ServeCatalogue(std::move(data));
    ports::DatasetRecord record;
    record.dataset = "population";
    record.subject_id = citizen_.user.person_id;
    record.record_id = "1";
    record.fields_json = R"({"name":"张伟"})";
    record.as_of = Timestamp{std::chrono::seconds{1780000000}};
    ASSERT_TRUE(store_->Write([&](ports::Transaction& tx) {
                  return tx.datasets().InsertRecords({record}, ports::RecordWrite::kAppend);
                }).ok());
  }

  bool HasVisitConsent(const std::string& visit_id) {
    bool found = false;
    EXPECT_TRUE(store_->Read([&](ports::Transaction& tx) -> Status {
                  auto c = tx.consents().ActiveConsent(citizen_.user.person_id, WindowVisitPurpose(visit_id));
                  found = c.ok();
                  return Ok();
                }).ok());
    return found;
  }
};

TEST_P(WindowPrefillTest, WindowPrefillIsLoggedWithTheClerkAsAccessor) {
  auto visit = OpenVisit(ctx_, clerk_, Code(citizen_));
  ASSERT_TRUE(visit.ok()) << visit.error().message;
  const std::string id = visit->visit.id;
  const size_t before = QueuedLeaves().size();  // the visit's own read of the identity

  auto read = WindowPrefill(ctx_, clerk_, id, "market.online");
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->fields.count("applicant_name"), 1u);
  EXPECT_EQ(read->fields.at("applicant_name").value, "张伟");
  EXPECT_EQ(read->fields.at("applicant_name").source.dataset, "population");
  EXPECT_EQ(read->fields.at("applicant_name").source.record_id, "1");
  EXPECT_TRUE(HasVisitConsent(id));

  // One entry for the dataset: the clerk read it, for the visit, under the item's legal basis.
  const auto leaves = QueuedLeaves();
  ASSERT_EQ(leaves.size(), before + 1);
  const auto& leaf = leaves.back();
  EXPECT_EQ(leaf.at("dataset"), "population");
  EXPECT_EQ(leaf.at("fields"), nlohmann::json::array({"name"}));
  EXPECT_EQ(leaf.at("purpose"), "window_visit:" + id);
  EXPECT_EQ(leaf.at("legal_basis"), "resident-identity-card-law");
  EXPECT_EQ(leaf.at("accessor").at("user"), clerk_.user.id);
  EXPECT_EQ(leaf.at("accessor").at("role"), "clerk");

  // The person sees it in "who read my data".
  auto mine = ListMyAccessLog(ctx_, citizen_, "", 50);
  ASSERT_TRUE(mine.ok()) << mine.error().message;
  const bool seen = std::any_of(mine->pending.begin(), mine->pending.end(), [&](const ports::AccessLogRow& row) {
    const auto l = nlohmann::json::parse(row.leaf);
    return l.at("dataset") == "population" && l.at("purpose") == "window_visit:" + id &&
           l.at("accessor").at("user") == clerk_.user.id;
  });
  EXPECT_TRUE(seen);

  // The confirm step: the clerk submits for the person in the visit, assisted_by recorded.
  auto app = CreateApplication(ctx_, clerk_, ForPerson(citizen_, "", id));
  ASSERT_TRUE(app.ok()) << app.error().message;
  EXPECT_EQ(app->state, ApplicationState::kSubmitted);
  auto events = ListEvents(ctx_, citizen_, app->id);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->front().assisted_by, clerk_.user.id);
}

TEST_P(WindowPrefillTest, WindowPrefillWithoutOpenVisitIsRefused) {
  auto visit = OpenVisit(ctx_, clerk_, Code(citizen_));
  ASSERT_TRUE(visit.ok()) << visit.error().message;
  const std::string id = visit->visit.id;
  const size_t before = QueuedLeaves().size();
  auto refused = WindowPrefill(ctx_, clerk_, "no-such-visit", "market.online");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().message, "error.window.visit_not_found");
  refused = WindowPrefill(ctx_, other_clerk_, id, "market.online");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "error.window.visit_of_another_clerk");
  refused = WindowPrefill(ctx_, citizen_, id, "market.online");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "error.window.not_clerk");
  refused = WindowPrefill(ctx_, community_clerk_, id, "market.enterprise");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "error.window.centre_refuses_item");
  // Ended by the clock, or closed by the clerk.
  clock_.Advance(std::chrono::minutes(kWindowVisitMinutes));
  refused = WindowPrefill(ctx_, clerk_, id, "market.online");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "error.window.visit_closed");
  auto second = OpenVisit(ctx_, clerk_, Code(citizen_));
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(CloseVisit(ctx_, clerk_, second->visit.id).ok());
  const size_t after_second = QueuedLeaves().size();
  refused = WindowPrefill(ctx_, clerk_, second->visit.id, "market.online");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "error.window.visit_closed");
  // Nothing read, nothing consented.
  EXPECT_EQ(QueuedLeaves().size(), after_second);
  EXPECT_EQ(after_second, before + 1) << "only the second visit's own identity read";
  EXPECT_FALSE(HasVisitConsent(id));
  EXPECT_FALSE(HasVisitConsent(second->visit.id));
}

TEST_P(WindowPrefillTest, ClerkSubmitsBundleForPersonInVisit) {
  auto visit = OpenVisit(ctx_, clerk_, Code(citizen_));
  ASSERT_TRUE(visit.ok()) << visit.error().message;
  const std::string id = visit->visit.id;
  EXPECT_EQ(WindowBundles(ctx_, clerk_), std::vector<std::string>{"open-a-shop"});
  const size_t before = QueuedLeaves().size();

  // The merged pre-filled form: each field once, read with the clerk as accessor for the visit.
  auto merged = WindowPrefillBundle(ctx_, clerk_, id, "open-a-shop");
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  ASSERT_EQ(merged->fields.count("applicant_name"), 1u);
  EXPECT_EQ(merged->fields.at("applicant_name").value, "张伟");
  EXPECT_EQ(merged->materials.size(), 2u) << "each item's identity material, with its item";
  const auto leaves = QueuedLeaves();
  ASSERT_EQ(leaves.size(), before + 2) << "one read per item";
  for (size_t i = before; i < leaves.size(); ++i) {
    EXPECT_EQ(leaves[i].at("purpose"), "window_visit:" + id);
    EXPECT_EQ(leaves[i].at("accessor").at("user"), clerk_.user.id);
  }

  // One bundle case for the person, its sub-cases routed to their department with a deadline.
  CreateBundleRequest req;
  req.bundle = "open-a-shop";
  req.fields = {{"shop_name", "浦江小馆"}};
  req.on_behalf_of = citizen_.user.person_id;
  req.visit = id;
  auto made = CreateBundleCase(ctx_, clerk_, req);
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(made->bundle_case.person_id, citizen_.user.person_id);
  ASSERT_EQ(made->parts.size(), 2u);
  std::vector<std::string> sub_ids;
  for (const auto& part : made->parts) {
    SCOPED_TRACE(part.sub_case.item);
    EXPECT_EQ(part.application.state, ApplicationState::kSubmitted);
    EXPECT_EQ(part.application.department, "market");
    EXPECT_TRUE(part.application.deadline.has_value());
    EXPECT_EQ(part.application.person_id, citizen_.user.person_id);
    EXPECT_EQ(part.application.centre, "centre.310115");
    auto events = ListEvents(ctx_, citizen_, part.application.id);
    ASSERT_TRUE(events.ok()) << events.error().message;
    EXPECT_EQ(events->back().assisted_by, clerk_.user.id);
    sub_ids.push_back(part.application.id);
  }
  // The person sees their bundle case; the visit lists every sub-case (分类办理).
  EXPECT_TRUE(ViewBundleCase(ctx_, citizen_, made->bundle_case.id).ok());
  auto served = VisitApplications(ctx_, clerk_, id);
  ASSERT_TRUE(served.ok());
  for (const auto& sub : sub_ids) {
    EXPECT_TRUE(std::any_of(served->begin(), served->end(), [&](const domain::Application& a) { return a.id == sub; }));
  }
  // Without the visit the clerk cannot file a bundle for the person.
  req.visit.clear();
  auto bare = CreateBundleCase(ctx_, clerk_, req);
  ASSERT_FALSE(bare.ok());
  EXPECT_EQ(bare.error().message, "error.window.identity_code_required");
}

TEST_P(WindowPrefillTest, HandOverAtTheWindowIsRecordedWithAssistedBy) {
  auto visit = OpenVisit(ctx_, clerk_, Code(citizen_));
  ASSERT_TRUE(visit.ok()) << visit.error().message;
  const std::string id = visit->visit.id;
  auto app = CreateApplication(ctx_, clerk_, ForPerson(citizen_, "", id));
  ASSERT_TRUE(app.ok()) << app.error().message;
  // Not yet decided: nothing to hand over.
  auto early = HandOverResults(ctx_, clerk_, id, app->id);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().message, "error.action.state");
  ASSERT_TRUE(Do(reviewer_, app->id, Action::kAccept).ok());
  ASSERT_TRUE(Do(reviewer_, app->id, Action::kApprove).ok());
  // Someone else's case is not handed over in this visit.
  const auto others = CreateApplication(ctx_, other_, [] {
    CreateApplicationRequest req;
    req.item = "market.online";
    req.fields = {{"shop_name", "别人的店"}};
    return req;
  }());
  ASSERT_TRUE(others.ok()) << others.error().message;
  EXPECT_EQ(HandOverResults(ctx_, clerk_, id, others->id).error().code, ErrorCode::kNotFound);

  auto handed = HandOverResults(ctx_, clerk_, id, app->id);
  ASSERT_TRUE(handed.ok()) << handed.error().message;
  ASSERT_EQ(handed->size(), 1u);
  EXPECT_EQ(GetApplication(ctx_, citizen_, app->id)->state, ApplicationState::kDelivered);
  auto events = ListEvents(ctx_, citizen_, app->id);
  ASSERT_TRUE(events.ok());
  const auto& last = events->back();
  EXPECT_EQ(last.action, "deliver");
  EXPECT_EQ(last.assisted_by, clerk_.user.id);
  EXPECT_EQ(last.assisted_centre, "centre.310115");
  EXPECT_EQ(last.channel, domain::Channel::kWindow);
  EXPECT_EQ(last.reason, kWindowHandOverReason);
  // Once handed over, again is a conflict; a closed visit hands over nothing.
  EXPECT_EQ(HandOverResults(ctx_, clerk_, id, app->id).error().code, ErrorCode::kConflict);
  ASSERT_TRUE(CloseVisit(ctx_, clerk_, id).ok());
  EXPECT_EQ(HandOverResults(ctx_, clerk_, id, app->id).error().message, "error.window.visit_closed");
}

TEST_P(WindowPrefillTest, BundleResultsAreHandedOverTogetherAtTheWindow) {
  auto visit = OpenVisit(ctx_, clerk_, Code(citizen_));
  ASSERT_TRUE(visit.ok()) << visit.error().message;
  const std::string id = visit->visit.id;
  CreateBundleRequest req;
  req.bundle = "open-a-shop";
  req.fields = {{"shop_name", "浦江小馆"}};
  req.on_behalf_of = citizen_.user.person_id;
  req.visit = id;
  auto made = CreateBundleCase(ctx_, clerk_, req);
  ASSERT_TRUE(made.ok()) << made.error().message;
  ASSERT_EQ(made->parts.size(), 2u);
  const std::string first = made->parts[0].application.id;
  const std::string second = made->parts[1].application.id;
  ASSERT_TRUE(Do(reviewer_, first, Action::kAccept).ok());
  ASSERT_TRUE(Do(reviewer_, first, Action::kApprove).ok());
  // One part decided, the other still handled: joint issuance waits.
  auto waits = HandOverResults(ctx_, clerk_, id, first);
  ASSERT_FALSE(waits.ok());
  EXPECT_EQ(waits.error().message, "error.window.bundle_not_ready");
  EXPECT_EQ(GetApplication(ctx_, citizen_, first)->state, ApplicationState::kApproved);
  ASSERT_TRUE(Do(reviewer_, second, Action::kAccept).ok());
  ASSERT_TRUE(Do(reviewer_, second, Action::kApprove).ok());
  auto handed = HandOverResults(ctx_, clerk_, id, second);
  ASSERT_TRUE(handed.ok()) << handed.error().message;
  EXPECT_EQ(handed->size(), 2u);
  for (const auto& sub : {first, second}) {
    EXPECT_EQ(GetApplication(ctx_, citizen_, sub)->state, ApplicationState::kDelivered);
    auto events = ListEvents(ctx_, citizen_, sub);
    ASSERT_TRUE(events.ok());
    EXPECT_EQ(events->back().assisted_by, clerk_.user.id);
  }
}

INSTANTIATE_TEST_SUITE_P(Databases, WindowPrefillTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::services::testing
