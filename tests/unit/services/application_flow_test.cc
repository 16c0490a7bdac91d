// The applicant's flow in the services (issue 8 points 5 and 10, issue 7 item 2): the one use case
// behind the apply pages (SaveAnswers, one transaction), the history in plain words that the pages
// only translate, and the correction the department asked for. Runs on SQLite and, when
// TONGBAN_TEST_PG_URL is set, PostgreSQL.
#include "services_fixture.h"

#include <algorithm>

namespace tongban::services {
namespace {

using domain::Action;
using domain::ApplicationState;

class ApplicationFlowTest : public testing::ServicesTest {
 protected:
  // Adds an item with a required upload "premises_proof" to the catalogue.
  void AddUploadItem() {
    domain::CatalogueData data;
    data.departments = {{"market", {"市场监管局", "Market regulation"}}, {"hrss", {"人社局", "HRSS"}}};
    data.districts = {{"310115", {"浦东新区", "Pudong"}}};
    data.centres = {{"centre.310115", {"浦东中心", "Pudong centre"}, "310115", domain::CentreLevel::kDistrict, {}}};
    auto with_upload = testing::MakeItem("market.upload", false, 3);
    domain::Material proof;
    proof.code = "premises_proof";
    proof.name = {"经营场所证明", "Proof of premises"};
    proof.source = domain::MaterialSource::kUpload;
    with_upload.materials.push_back(proof);
    data.items = {testing::MakeItem("market.online", true, 5), testing::MakeItem("market.counter", false, 3),
                  with_upload};
    auto catalogue = domain::Catalogue::Build(std::move(data));
    ASSERT_TRUE(catalogue.ok()) << catalogue.error().message;
    ctx_.catalogue = *catalogue;
  }

  size_t EventCount(const std::string& id) {
    auto events = ListEvents(ctx_, citizen_, id);
    EXPECT_TRUE(events.ok());
    return events.ok() ? events->size() : 0;
  }
};

std::vector<std::string> Whats(const std::vector<TimelineEntry>& timeline) {
  std::vector<std::string> out;
  for (const auto& entry : timeline) out.push_back(entry.what);
  return out;
}

TEST_P(ApplicationFlowTest, Issue7Item2SaveAnswersCreatesADraftAndReportsWhatIsMissingInOneWrite) {
  SaveAnswersRequest req;
  req.item = "market.counter";
  req.fields = {{"opening_hours", "9-18"}};
  req.complete = true;
  auto saved = SaveAnswers(ctx_, citizen_, req);
  ASSERT_TRUE(saved.ok()) << saved.error().message;
  EXPECT_EQ(saved->application.state, ApplicationState::kDraft);
  EXPECT_EQ(saved->application.fields.at("opening_hours"), "9-18");  // kept, though shop_name is missing
  ASSERT_EQ(saved->missing.size(), 1u);
  EXPECT_EQ(saved->missing[0].field, "shop_name");
  EXPECT_EQ(EventCount(saved->application.id), 1u);
}

TEST_P(ApplicationFlowTest, Issue7Item2ElderModeAnswerIsKeptWhenAnotherIsStillMissing) {
  SaveAnswersRequest req;
  req.item = "market.counter";
  req.fields = {{"opening_hours", "9-18"}};
  auto draft = SaveAnswers(ctx_, citizen_, req);
  ASSERT_TRUE(draft.ok());
  // The last question of elder mode, with an earlier required one left empty: the typed answer is
  // merged and stored; the missing one is reported for the page to ask.
  SaveAnswersRequest last;
  last.item = "market.counter";
  last.application = draft->application.id;
  last.fields = {{"opening_hours", "8-20"}};
  last.update = FieldUpdate::kMerge;
  last.complete = true;
  auto saved = SaveAnswers(ctx_, citizen_, last);
  ASSERT_TRUE(saved.ok()) << saved.error().message;
  ASSERT_EQ(saved->missing.size(), 1u);
  EXPECT_EQ(saved->missing[0].field, "shop_name");
  auto stored = GetApplication(ctx_, citizen_, draft->application.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->fields.at("opening_hours"), "8-20");

  // Answering it completes the form; a save that changes nothing writes nothing.
  last.fields = {{"shop_name", "浦江小馆"}};
  saved = SaveAnswers(ctx_, citizen_, last);
  ASSERT_TRUE(saved.ok());
  EXPECT_TRUE(saved->missing.empty());
  EXPECT_EQ(saved->application.fields.at("opening_hours"), "8-20");
  const size_t events = EventCount(draft->application.id);
  ASSERT_TRUE(SaveAnswers(ctx_, citizen_, last).ok());
  EXPECT_EQ(EventCount(draft->application.id), events);
}

TEST_P(ApplicationFlowTest, Issue7Item2SaveAnswersWithAWrongAnswerWritesNothing) {
  SaveAnswersRequest req;
  req.item = "market.counter";
  req.fields = {{"shop_name", "浦江小馆"}};
  auto draft = SaveAnswers(ctx_, citizen_, req);
  ASSERT_TRUE(draft.ok());
  req.application = draft->application.id;
  req.fields = {{"shop_name", "新名字"}, {"applicant_name", "冒名"}};  // a sourced field is never typed
  auto wrong = SaveAnswers(ctx_, citizen_, req);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(GetApplication(ctx_, citizen_, draft->application.id)->fields.at("shop_name"), "浦江小馆");
  // Officials and other people cannot save into it; a submitted application is no longer editable.
  EXPECT_EQ(SaveAnswers(ctx_, other_, req).error().code, ErrorCode::kNotFound);
  req.fields = {{"shop_name", "浦江小馆"}};
  ASSERT_TRUE(Do(citizen_, draft->application.id, Action::kSubmit).ok());
  EXPECT_EQ(SaveAnswers(ctx_, citizen_, req).error().code, ErrorCode::kConflict);
  EXPECT_EQ(SaveAnswers(ctx_, reviewer_, req).error().code, ErrorCode::kPermissionDenied);
}

TEST_P(ApplicationFlowTest, Point10TimelineCollapsesDraftSavesAndNamesMaterials) {
  AddUploadItem();
  SaveAnswersRequest req;
  req.item = "market.upload";
  req.fields = {{"shop_name", "浦江小馆"}};
  auto draft = SaveAnswers(ctx_, citizen_, req);
  ASSERT_TRUE(draft.ok()) << draft.error().message;
  const std::string id = draft->application.id;
  req.application = id;
  req.fields = {{"shop_name", "浦江小馆"}, {"opening_hours", "9-18"}};
  ASSERT_TRUE(SaveAnswers(ctx_, citizen_, req).ok());
  req.fields = {{"shop_name", "浦江饭店"}, {"opening_hours", "9-18"}};
  ASSERT_TRUE(SaveAnswers(ctx_, citizen_, req).ok());
  ASSERT_TRUE(AttachUpload(ctx_, citizen_, id, "premises_proof", "proof.pdf", "%PDF-1.4 x").ok());
  ASSERT_TRUE(Do(citizen_, id, Action::kSubmit).ok());
  ASSERT_TRUE(Do(reviewer_, id, Action::kAccept).ok());
  ASSERT_TRUE(Do(reviewer_, id, Action::kRequestCorrection, "场所证明没有盖章").ok());
  ASSERT_TRUE(AttachUpload(ctx_, citizen_, id, "premises_proof", "proof2.pdf", "%PDF-1.4 y").ok());
  ActRequest resubmit;
  resubmit.action = Action::kResubmit;
  resubmit.fields = std::map<std::string, std::string>{{"shop_name", "浦江饭店"}, {"opening_hours", "8-20"}};
  ASSERT_TRUE(Act(ctx_, citizen_, id, resubmit).ok());
  ASSERT_TRUE(Do(reviewer_, id, Action::kApprove).ok());
  ASSERT_TRUE(Do(reviewer_, id, Action::kDeliver).ok());
  ASSERT_TRUE(Do(citizen_, id, Action::kComplete).ok());

  auto view = ViewApplication(ctx_, citizen_, id);
  ASSERT_TRUE(view.ok());
  // Four draft writes are one "draft" entry; no code of a field or material is a reason.
  EXPECT_EQ(Whats(view->timeline),
            (std::vector<std::string>{"draft", "submit", "accept", "request-correction", "upload", "answers",
                                      "resubmit", "approve", "deliver", "complete"}));
  for (const auto& entry : view->timeline) {
    EXPECT_EQ(entry.reason.find("premises_proof"), std::string::npos) << entry.what;
    EXPECT_EQ(entry.reason.find("opening_hours"), std::string::npos) << entry.what;
  }
  const auto& upload = view->timeline[4];
  ASSERT_EQ(upload.names.size(), 1u);
  EXPECT_EQ(upload.names[0].zh, "经营场所证明");
  EXPECT_TRUE(upload.reason.empty());
  const auto& answers = view->timeline[5];
  ASSERT_EQ(answers.names.size(), 1u);
  EXPECT_EQ(answers.names[0].en, "Opening hours");
  EXPECT_EQ(view->timeline[3].reason, "场所证明没有盖章");
}

TEST_P(ApplicationFlowTest, Point10TimelineDoesNotRepeatTheStateItsWordsSay) {
  const auto app = Submit("market.counter");
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kAccept).ok());
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kRequestCorrection, "请补充营业时间").ok());
  ASSERT_TRUE(Do(citizen_, app.id, Action::kResubmit).ok());
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kApprove).ok());
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kDeliver).ok());
  ASSERT_TRUE(Do(citizen_, app.id, Action::kComplete).ok());
  auto view = ViewApplication(ctx_, citizen_, app.id);
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->timeline.size(), 7u);
  for (const auto& entry : view->timeline) {
    if (entry.what == "resubmit") {
      // "Sent again" does not say where it went.
      EXPECT_EQ(entry.state, ApplicationState::kUnderReview);
    } else {
      // No "Completed · Completed".
      EXPECT_FALSE(entry.state.has_value()) << entry.what;
    }
  }
}

TEST_P(ApplicationFlowTest, Point5ViewLeadsWithTheCorrectionAskedAndSaysWhoIsLooking) {
  const auto app = Submit("market.counter");
  auto view = ViewApplication(ctx_, citizen_, app.id);
  ASSERT_TRUE(view.ok());
  EXPECT_FALSE(view->correction.has_value());
  EXPECT_FALSE(view->official);
  ActRequest ask;
  ask.action = Action::kRequestCorrection;
  ask.reason = "请到窗口出示营业执照原件";
  ask.in_person = true;
  ASSERT_TRUE(Act(ctx_, reviewer_, app.id, ask).ok());
  view = ViewApplication(ctx_, citizen_, app.id);
  ASSERT_TRUE(view.ok());
  ASSERT_TRUE(view->correction.has_value());
  EXPECT_EQ(view->correction->reason, "请到窗口出示营业执照原件");
  EXPECT_TRUE(view->correction->in_person);
  EXPECT_TRUE(ViewApplication(ctx_, reviewer_, app.id)->official);
  ASSERT_TRUE(Do(citizen_, app.id, Action::kResubmit).ok());
  EXPECT_FALSE(ViewApplication(ctx_, citizen_, app.id)->correction.has_value());
}

INSTANTIATE_TEST_SUITE_P(Databases, ApplicationFlowTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<storage::testing::StoreTarget>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace tongban::services
