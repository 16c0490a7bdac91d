// Bundle cases (services/bundles.h; issue 11 item 1): one submission makes the bundle case and its
// sub-cases in one transaction; sub-cases that wait start in the transaction that approves what
// they wait for; a refused sub-case closes what waits for it and tells the applicant; the joint
// licence is issued when every part is approved. Runs on SQLite and, when TONGBAN_TEST_PG_URL is
// set, PostgreSQL.
#include "services/bundles.h"

#include <algorithm>

#include "crypto/key_store.h"
#include "crypto/licence_format.h"
#include "services/effects.h"
#include "services/keys.h"
#include "services/licences.h"
#include "services/messages.h"
#include "services_fixture.h"

namespace tongban::services {
namespace {

using domain::Action;
using domain::ApplicationState;

class BundlesTest : public testing::ServicesTest {
 protected:
  void SetUp() override {
    testing::ServicesTest::SetUp();
    domain::CatalogueData data = CatalogueData();
    data.items[0].licence_type = "shop_permit";     // market.online
    data.items[1].licence_type = "counter_permit";  // market.counter
    domain::ServiceItem third = testing::MakeItem("market.third", true, 2);
    third.fields[2].name = "seats";  // a field only this item asks
    third.fields[2].label = {"座位", "Seats"};
    data.items.push_back(third);
    // An item that reads the shop's name from the register instead of asking it.
    domain::ServiceItem reads = testing::MakeItem("market.reads-name", true, 2);
    reads.fields[0].source = domain::MaterialSource::kSharedData;
    reads.fields[0].dataset = "population";
    reads.fields[0].required = false;
    data.items.push_back(reads);
    domain::LicenceType shop;
    shop.code = "shop_permit";
    shop.name = {"店铺许可", "Shop permit"};
    shop.issuer = "market";
    shop.holder = domain::ApplicantKind::kPerson;
    shop.validity_years = 5;
    shop.claims = {{"shop_name", {"店名", "Shop name"}, "shop_name"}};
    domain::LicenceType counter = shop;
    counter.code = "counter_permit";
    counter.validity_years = 0;
    domain::LicenceType whole;
    whole.code = "shop_whole";
    whole.name = {"综合许可", "Whole"};
    whole.issuer = "market";
    whole.holder = domain::ApplicantKind::kPerson;
    whole.parts = {"shop_permit", "counter_permit"};
    data.licence_types = {shop, counter, whole};
    // Ordered: the counter waits for the online one; the third waits for nothing.
    domain::Bundle ordered;
    ordered.code = "open-a-shop";
    ordered.name = {"开店一件事", "Open a shop"};
    ordered.items = {"market.online", "market.counter", "market.third"};
    ordered.waits_for = {{"market.counter", {"market.online"}}};
    ordered.industry_licence = "shop_whole";
    domain::Bundle parallel = ordered;
    parallel.code = "all-at-once";
    parallel.waits_for.clear();
    domain::Bundle chain = ordered;
    chain.code = "one-after-another";
    chain.waits_for = {{"market.counter", {"market.online"}}, {"market.third", {"market.counter"}}};
    domain::Bundle mixed = parallel;
    mixed.code = "asks-and-reads";
    mixed.items = {"market.online", "market.reads-name"};
    mixed.industry_licence.clear();
    data.bundles = {ordered, parallel, chain, mixed};
    ServeCatalogue(std::move(data));
    auto keys = crypto::SealedKeyStore::Create(*store_, clock_, std::string(32, 'k'));
    ASSERT_TRUE(keys.ok()) << keys.error().message;
    keys_ = std::move(keys).value();
    ctx_.keys = keys_.get();
    ctx_.licence_format = &format_;
    ctx_.effects = &effects_;
    RegisterLicenceEffects(effects_);
    RegisterMessageEffects(effects_);
    RegisterBundleEffects(effects_);
    ASSERT_TRUE(EnsureLicenceIssuerKeys(ctx_).ok());
    ASSERT_TRUE(EnsureSigningKeys(ctx_, {kStatusListKeyOwner}).ok());
  }

  BundleView Apply(const std::string& bundle) {
    CreateBundleRequest req;
    req.bundle = bundle;
    req.fields = {{"shop_name", "浦江小馆"}, {"seats", "40"}};
    auto view = CreateBundleCase(ctx_, citizen_, req);
    EXPECT_TRUE(view.ok()) << view.error().message;
    return view.ok() ? *view : BundleView{};
  }

  BundleView View(const std::string& id) {
    auto view = ViewBundleCase(ctx_, citizen_, id);
    EXPECT_TRUE(view.ok()) << view.error().message;
    return view.ok() ? *view : BundleView{};
  }

  static const domain::Application& Part(const BundleView& view, const std::string& item) {
    static const domain::Application kNone;
    for (const auto& p : view.parts) {
      if (p.sub_case.item == item) return p.application;
    }
    return kNone;
  }

  void Approve(const std::string& id) {
    ASSERT_TRUE(Do(reviewer_, id, Action::kAccept).ok());
    auto approved = Do(reviewer_, id, Action::kApprove);
    ASSERT_TRUE(approved.ok()) << approved.error().message;
  }

  std::unique_ptr<crypto::SealedKeyStore> keys_;
  crypto::JsonLicenceFormat format_;
  Effects effects_;
};

TEST_P(BundlesTest, ParallelSubCasesAllStartAtOnceEachWithItsOwnFields) {
  const BundleView view = Apply("all-at-once");
  ASSERT_EQ(view.parts.size(), 3u);
  EXPECT_EQ(view.progress.state, "in_progress");
  for (const auto& p : view.parts) {
    EXPECT_EQ(p.application.state, ApplicationState::kSubmitted) << p.sub_case.item;
    EXPECT_EQ(p.application.department, "market");
    EXPECT_TRUE(p.application.deadline.has_value());
    EXPECT_EQ(p.application.fields.at("shop_name"), "浦江小馆");
  }
  // The field only the third item asks is stored on its sub-case alone.
  EXPECT_EQ(Part(view, "market.third").fields.at("seats"), "40");
  EXPECT_FALSE(Part(view, "market.online").fields.contains("seats"));
  // The bundle's deadline is the latest of its sub-cases' (5 working days from 2026-09-28).
  ASSERT_TRUE(view.progress.deadline.has_value());
  EXPECT_EQ(*view.progress.deadline, *Part(view, "market.online").deadline);
  // Each sub-case is an application of its own, in its department's queue.
  auto queue = ListApplications(ctx_, reviewer_, {});
  ASSERT_TRUE(queue.ok());
  EXPECT_EQ(queue->applications.size(), 3u);
}

TEST_P(BundlesTest, AWaitingSubCaseStartsInTheTransactionThatApprovesWhatItWaitsFor) {
  const BundleView view = Apply("open-a-shop");
  EXPECT_EQ(Part(view, "market.online").state, ApplicationState::kSubmitted);
  EXPECT_EQ(Part(view, "market.third").state, ApplicationState::kSubmitted);
  const domain::Application& counter = Part(view, "market.counter");
  EXPECT_EQ(counter.state, ApplicationState::kWaiting);
  EXPECT_FALSE(counter.deadline.has_value());
  // Nobody starts it by hand: not its applicant, not its reviewer.
  EXPECT_EQ(Do(citizen_, counter.id, Action::kSubmit).error().code, ErrorCode::kPermissionDenied);
  EXPECT_FALSE(Do(reviewer_, counter.id, Action::kAccept).ok());
  // Its expected end counts its 3 promised working days after the online item's deadline.
  ASSERT_TRUE(view.progress.deadline.has_value());
  EXPECT_EQ(*view.progress.deadline, calendar_->AddWorkingDays(*Part(view, "market.online").deadline, 3));

  clock_.Set({2026, 9, 29});
  Approve(Part(view, "market.online").id);
  const BundleView after = View(view.bundle_case.id);
  const domain::Application& started = Part(after, "market.counter");
  EXPECT_EQ(started.state, ApplicationState::kSubmitted);
  ASSERT_TRUE(started.deadline.has_value());
  EXPECT_EQ(*started.deadline, calendar_->AddWorkingDays({2026, 9, 29}, 3));
  // The start is recorded by the platform, caused by the reviewer's approval.
  auto events = ListEvents(ctx_, citizen_, started.id);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->back().action, "submit");
  EXPECT_EQ(events->back().actor_role, "platform");
  EXPECT_EQ(events->back().actor_user_id, reviewer_.user.id);
  EXPECT_EQ(events->back().from, ApplicationState::kWaiting);
}

TEST_P(BundlesTest, ChainedSubCasesStartOneAfterAnother) {
  const BundleView view = Apply("one-after-another");
  EXPECT_EQ(Part(view, "market.counter").state, ApplicationState::kWaiting);
  EXPECT_EQ(Part(view, "market.third").state, ApplicationState::kWaiting);
  Approve(Part(view, "market.online").id);
  BundleView now = View(view.bundle_case.id);
  EXPECT_EQ(Part(now, "market.counter").state, ApplicationState::kSubmitted);
  EXPECT_EQ(Part(now, "market.third").state, ApplicationState::kWaiting);
  Approve(Part(now, "market.counter").id);
  now = View(view.bundle_case.id);
  EXPECT_EQ(Part(now, "market.third").state, ApplicationState::kSubmitted);
  Approve(Part(now, "market.third").id);
  now = View(view.bundle_case.id);
  EXPECT_EQ(now.progress.state, "approved");
  EXPECT_FALSE(now.progress.deadline.has_value());
}

TEST_P(BundlesTest, ARefusedSubCaseClosesWhatWaitsForItTellsTheApplicantAndTheOthersCarryOn) {
  const BundleView view = Apply("one-after-another");
  const std::string online = Part(view, "market.online").id;
  ASSERT_TRUE(Do(reviewer_, online, Action::kAccept).ok());
  ASSERT_TRUE(Do(reviewer_, online, Action::kRefuse, "选址不符合规划").ok());
  const BundleView after = View(view.bundle_case.id);
  // Both wait for it, one through the other: both closed, through the workflow, with the reason.
  for (const std::string item : {"market.counter", "market.third"}) {
    const domain::Application& closed = Part(after, item);
    EXPECT_EQ(closed.state, ApplicationState::kClosed) << item;
    auto events = ListEvents(ctx_, citizen_, closed.id);
    ASSERT_TRUE(events.ok());
    EXPECT_EQ(events->back().action, "close");
    EXPECT_EQ(events->back().actor_role, "platform");
    EXPECT_NE(events->back().reason.find("Test item was not approved"), std::string::npos);
  }
  EXPECT_EQ(after.progress.state, "refused");
  // The applicant is told what it means for the rest.
  auto inbox = ListMyMessages(ctx_, citizen_, "", "", 50);
  ASSERT_TRUE(inbox.ok());
  const auto told = std::find_if(inbox->messages.begin(), inbox->messages.end(),
                                 [](const ports::Message& m) { return m.kind == "bundle_part_ended"; });
  ASSERT_NE(told, inbox->messages.end());
  EXPECT_NE(told->params.find("\"closed\":\"2\""), std::string::npos) << told->params;
  EXPECT_EQ(told->reference_id, view.bundle_case.id);
}

TEST_P(BundlesTest, ARefusedSubCaseLeavesTheSubCasesThatDoNotWaitForItRunning) {
  const BundleView view = Apply("open-a-shop");
  const std::string third = Part(view, "market.third").id;
  ASSERT_TRUE(Do(reviewer_, third, Action::kAccept).ok());
  ASSERT_TRUE(Do(reviewer_, third, Action::kRefuse, "不符合条件").ok());
  BundleView after = View(view.bundle_case.id);
  EXPECT_EQ(Part(after, "market.counter").state, ApplicationState::kWaiting);
  EXPECT_EQ(Part(after, "market.online").state, ApplicationState::kSubmitted);
  EXPECT_EQ(after.progress.state, "in_progress");
  Approve(Part(after, "market.online").id);
  after = View(view.bundle_case.id);
  EXPECT_EQ(Part(after, "market.counter").state, ApplicationState::kSubmitted);
  Approve(Part(after, "market.counter").id);
  after = View(view.bundle_case.id);
  EXPECT_EQ(after.progress.state, "partly_approved");
}

TEST_P(BundlesTest, EveryPartApprovedIssuesTheJointLicenceAndTheResultsShowTogether) {
  const BundleView view = Apply("open-a-shop");
  Approve(Part(view, "market.online").id);
  Approve(Part(view, "market.third").id);
  EXPECT_TRUE(View(view.bundle_case.id).results.empty());  // not all done yet
  Approve(Part(View(view.bundle_case.id), "market.counter").id);
  const BundleView done = View(view.bundle_case.id);
  EXPECT_EQ(done.progress.state, "approved");
  std::vector<std::string> types;
  for (const auto& l : done.results) types.push_back(l.type);
  std::sort(types.begin(), types.end());
  EXPECT_EQ(types, (std::vector<std::string>{"counter_permit", "shop_permit", "shop_whole"}));
}

// Found by tests/api/bundles.test.mjs: the business licence asks the enterprise's name, the permits
// read it from the register; the merged form's answer went to every sub-case and the permits
// refused it (error.field.not_asked).
TEST_P(BundlesTest, AFieldOneItemAsksAndAnotherReadsItselfGoesOnlyToTheOneThatAsks) {
  CreateBundleRequest req;
  req.bundle = "asks-and-reads";
  req.fields = {{"shop_name", "浦江小馆"}};
  auto made = CreateBundleCase(ctx_, citizen_, req);
  ASSERT_TRUE(made.ok()) << made.error().message << " " << (made.error().fields.empty() ? "" : made.error().fields[0].field + " " + made.error().fields[0].message_key);
  const BundleView& view = *made;
  ASSERT_EQ(view.parts.size(), 2u);
  EXPECT_EQ(Part(view, "market.online").fields.at("shop_name"), "浦江小馆");
  EXPECT_FALSE(Part(view, "market.reads-name").fields.contains("shop_name"));
  EXPECT_EQ(Part(view, "market.reads-name").state, ApplicationState::kSubmitted);
}

TEST_P(BundlesTest, OneSubmissionWritesEverythingOrNothing) {
  CreateBundleRequest req;
  req.bundle = "open-a-shop";
  req.fields = {{"seats", "40"}};  // shop_name, asked by all three, is missing
  auto view = CreateBundleCase(ctx_, citizen_, req);
  ASSERT_FALSE(view.ok());
  EXPECT_EQ(view.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(view.error().fields.size(), 1u);  // asked once, so reported once
  EXPECT_EQ(view.error().fields[0].field, "shop_name");
  auto mine = ListApplications(ctx_, citizen_, {});
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(mine->applications.empty());
  req.fields = {{"shop_name", "浦江小馆"}, {"no_such_field", "x"}};
  view = CreateBundleCase(ctx_, citizen_, req);
  ASSERT_FALSE(view.ok());
  EXPECT_EQ(view.error().fields[0].message_key, "error.field.unknown");
  req.bundle = "no-such-bundle";
  EXPECT_EQ(CreateBundleCase(ctx_, citizen_, req).error().message, "error.bundle.not_found");
}

TEST_P(BundlesTest, ADraftBundleIsSubmittedWholeNeverOneSubCaseAlone) {
  CreateBundleRequest req;
  req.bundle = "open-a-shop";
  req.fields = {{"shop_name", "浦江小馆"}};
  req.submit = false;
  auto draft = CreateBundleCase(ctx_, citizen_, req);
  ASSERT_TRUE(draft.ok()) << draft.error().message;
  EXPECT_EQ(draft->progress.state, "draft");
  const std::string counter = Part(*draft, "market.counter").id;
  EXPECT_EQ(Do(citizen_, counter, Action::kSubmit).error().message, "error.bundle.submit_whole");
  auto submitted = SubmitBundleCase(ctx_, citizen_, draft->bundle_case.id);
  ASSERT_TRUE(submitted.ok()) << submitted.error().message;
  EXPECT_EQ(Part(*submitted, "market.counter").state, ApplicationState::kWaiting);
  EXPECT_EQ(SubmitBundleCase(ctx_, citizen_, draft->bundle_case.id).error().message, "error.bundle.submitted");
  // Someone else sees nothing of it.
  EXPECT_EQ(ViewBundleCase(ctx_, other_, draft->bundle_case.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(SubmitBundleCase(ctx_, other_, draft->bundle_case.id).error().code, ErrorCode::kNotFound);
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Databases, BundlesTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<storage::testing::StoreTarget>& info) {
                           return info.param.name;
                         });

}  // namespace tongban::services
