// The read model of one application as its caller sees it (issue 7, item 2): the actions the
// caller may take now with the workflow table's reason rule, the one Editable rule, overdue,
// material statuses and the caller's roles, read in one transaction; a store failure surfaces.
#include "services_fixture.h"

#include <algorithm>

namespace tongban::services {
namespace {

using domain::Action;
using domain::ActorRole;
using domain::ApplicationState;
class ApplicationViewTest : public testing::ServicesTest {};

const ActionOption* Find(const ApplicationView& view, Action action) {
  const auto it = std::find_if(view.actions.begin(), view.actions.end(),
                               [&](const ActionOption& o) { return o.action == action; });
  return it == view.actions.end() ? nullptr : &*it;
}

// A store whose reads fail and whose writes pass through: the view must say so, not show an
// application without actions.
class ReadFailingStore final : public ports::Store {
 public:
  explicit ReadFailingStore(ports::Store* inner) : inner_(inner) {}
  Status Write(const ports::TransactionWork& work) override { return inner_->Write(work); }
  Status Read(const ports::TransactionWork&) override {
    return MakeError(ErrorCode::kUnavailable, "error.store.unavailable");
  }

 private:
  ports::Store* inner_;
};

TEST_P(ApplicationViewTest, ViewGivesReviewerActionsWithTheirReasonRules) {
  const auto app = Submit("market.counter");
  auto view = ViewApplication(ctx_, reviewer_, app.id);
  ASSERT_TRUE(view.ok()) << view.error().message;
  EXPECT_EQ(view->application.id, app.id);
  EXPECT_EQ(view->roles, std::vector<ActorRole>{ActorRole::kReviewer});
  ASSERT_NE(Find(*view, Action::kAccept), nullptr);
  EXPECT_FALSE(Find(*view, Action::kAccept)->reason_required);
  ASSERT_NE(Find(*view, Action::kReject), nullptr);
  EXPECT_TRUE(Find(*view, Action::kReject)->reason_required);
  ASSERT_NE(Find(*view, Action::kRequestCorrection), nullptr);
  EXPECT_TRUE(Find(*view, Action::kRequestCorrection)->reason_required);
  EXPECT_EQ(Find(*view, Action::kWithdraw), nullptr);
  EXPECT_FALSE(view->editable);  // an official never edits the applicant's answers
  ASSERT_EQ(view->events.size(), 1u);
  EXPECT_EQ(view->events[0].action, "submit");
  ASSERT_EQ(view->materials.size(), 1u);
  EXPECT_EQ(view->materials[0].code, "identity");
  // Fetched at submission: the fixture's city holds no record, so it is missing, with the reason.
  EXPECT_EQ(view->materials[0].status, domain::MaterialStatus::kMissing);
  EXPECT_EQ(view->materials[0].reason, "no_record");

  // Every reason rule is the workflow table's.
  for (const ActionOption& option : view->actions) {
    EXPECT_EQ(option.reason_required,
              domain::CheckTransition(ApplicationState::kSubmitted, option.action, ActorRole::kReviewer).reason_required);
  }
}

TEST_P(ApplicationViewTest, ViewEditableOnlyForTheApplicantOfADraftOrACorrection) {
  CreateApplicationRequest req;
  req.item = "market.counter";
  req.fields = {{"shop_name", "浦江小馆"}};
  req.submit = false;
  auto draft = CreateApplication(ctx_, citizen_, req);
  ASSERT_TRUE(draft.ok());
  auto view = ViewApplication(ctx_, citizen_, draft->id);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->editable);
  ASSERT_NE(Find(*view, Action::kSubmit), nullptr);
  EXPECT_FALSE(Find(*view, Action::kSubmit)->reason_required);
  // Officials have no standing on a draft.
  EXPECT_EQ(ViewApplication(ctx_, reviewer_, draft->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(ViewApplication(ctx_, other_, draft->id).error().code, ErrorCode::kNotFound);

  const auto app = Submit("market.counter");
  view = ViewApplication(ctx_, citizen_, app.id);
  ASSERT_TRUE(view.ok());
  EXPECT_FALSE(view->editable);
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kRequestCorrection, "请补充营业时间").ok());
  view = ViewApplication(ctx_, citizen_, app.id);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->editable);
  EXPECT_NE(Find(*view, Action::kResubmit), nullptr);
  EXPECT_FALSE(ViewApplication(ctx_, reviewer_, app.id)->editable);
}

TEST_P(ApplicationViewTest, ViewSaysOverdueAfterTheDeadline) {
  const auto app = Submit("market.counter");  // deadline 2026-10-08
  EXPECT_FALSE(ViewApplication(ctx_, citizen_, app.id)->overdue);
  clock_.Set({2026, 10, 9});
  EXPECT_TRUE(ViewApplication(ctx_, citizen_, app.id)->overdue);
}

TEST_P(ApplicationViewTest, ViewStoreFailureSurfacesInsteadOfHidingActions) {
  const auto app = Submit("market.counter");
  ReadFailingStore failing(store_.get());
  Context ctx = ctx_;
  ctx.store = &failing;
  auto view = ViewApplication(ctx, reviewer_, app.id);
  ASSERT_FALSE(view.ok());
  EXPECT_EQ(view.error().code, ErrorCode::kUnavailable);
}

INSTANTIATE_TEST_SUITE_P(Databases, ApplicationViewTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<storage::testing::StoreTarget>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace tongban::services
