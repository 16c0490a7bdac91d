// Regression tests for the security review of the application workflow (issue 6), findings 1, 3,
// 5, 6, 10 and 12, on the real SQL store of every database the build can reach (SQLite; PostgreSQL
// when TONGBAN_TEST_PG_URL is set). Each test is named after its finding.
#include <gtest/gtest.h>

#include <algorithm>

#include "common/ids.h"
#include "domain/limits.h"
#include "services/window.h"
#include "services_fixture.h"

namespace tongban::services {
namespace {

using domain::Action;
using domain::ApplicationState;

domain::Field TextField(std::string name, bool required) {
  domain::Field f;
  f.name = std::move(name);
  f.label = {"字段", "Field"};
  f.required = required;
  return f;
}

domain::ServiceItem Item(std::string code, domain::ApplicantKind applicant) {
  domain::ServiceItem item;
  item.code = std::move(code);
  item.name = {"测试事项", "Test item"};
  item.department = "market";
  item.legal_limit_days = 20;
  item.promised_limit_days = 5;
  item.applicant = applicant;
  item.channels = {domain::Channel::kWeb, domain::Channel::kWindow};
  domain::Field phone = TextField("contact_phone", false);
  phone.type = domain::FieldType::kPhone;
  item.fields = {TextField("business_scope", true), phone, TextField("note", false)};
  domain::Material upload;
  upload.code = "lease";
  upload.name = {"租赁合同", "Lease"};
  upload.required = false;
  item.materials = {upload};
  return item;
}

std::string CreditCode(int n) {
  const std::string first17 = "91310115MA" + std::string(7 - std::to_string(n).size(), '0') + std::to_string(n);
  return first17 + CreditCodeCheckChar(first17);
}

std::string ResidentId(const std::string& first17) { return first17 + ResidentIdCheckChar(first17); }

class ApplicationSecurityTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    domain::CatalogueData data;
    data.departments = {{"market", {"市场监管局", "Market regulation"}}};
    data.districts = {{"310115", {"浦东新区", "Pudong"}}};
    data.centres = {{"centre.310115", {"浦东中心", "Pudong centre"}, "310115", domain::CentreLevel::kDistrict, {}}};
    data.items = {Item("market.person", domain::ApplicantKind::kPerson),
                  Item("market.firm-a", domain::ApplicantKind::kEnterprise),
                  Item("market.firm-b", domain::ApplicantKind::kEnterprise)};
    ServeCatalogue(std::move(data));

    citizen_ = User("zhang.wei", domain::Role::kCitizen, "", "", "11010519491231002X");
    reviewer_ = User("reviewer.market", domain::Role::kReviewer, "market", "", "");
    clerk_ = User("clerk.pudong", domain::Role::kClerk, "", "centre.310115", "");
    other_clerk_ = User("clerk.pudong-2", domain::Role::kClerk, "", "centre.310115", "");
    market_clerk_ = User("clerk.market", domain::Role::kClerk, "market", "", "");
    enterprise_ = CreditCode(1);
    admin_ = User("wang.fang", domain::Role::kEnterpriseAgent, "", "", ResidentId("31011519850404030"), enterprise_);
    agent_ = User("zhao.lei", domain::Role::kEnterpriseAgent, "", "", ResidentId("31011519900505040"), enterprise_);
  }

  Actor User(const std::string& username, domain::Role role, const std::string& department, const std::string& centre,
             const std::string& person, const std::string& enterprise = "") {
    NewUser u;
    u.username = username;
    u.role = role;
    u.department = department;
    u.centre = centre;
    u.person_id = person;
    u.enterprise = enterprise;
    return AddUser(std::move(u));
  }

  domain::Application Apply(const Actor& who, const std::string& item, bool submit = true,
                            const std::string& enterprise = "") {
    CreateApplicationRequest req;
    req.item = item;
    req.fields = {{"business_scope", "餐饮服务"}, {"contact_phone", "13800138000"}};
    req.submit = submit;
    req.enterprise = enterprise;
    auto app = CreateApplication(ctx_, who, req);
    EXPECT_TRUE(app.ok()) << app.error().message;
    return app.ok() ? *app : domain::Application{};
  }

  Result<domain::Application> Do(const Actor& who, const std::string& id, Action action, std::string reason = "",
                                 std::optional<std::map<std::string, std::string>> fields = std::nullopt) {
    ActRequest req;
    req.action = action;
    req.reason = std::move(reason);
    req.fields = std::move(fields);
    return Act(ctx_, who, id, req);
  }

  std::vector<std::string> EventActions(const std::string& id) {
    auto events = ListEvents(ctx_, citizen_, id);
    EXPECT_TRUE(events.ok());
    std::vector<std::string> out;
    if (events.ok()) {
      for (const auto& e : *events) out.push_back(e.action);
    }
    return out;
  }

  std::vector<std::string> ListedIds(const Actor& who, ListRequest req = {}) {
    auto page = ListApplications(ctx_, who, req);
    EXPECT_TRUE(page.ok()) << page.error().message;
    std::vector<std::string> ids;
    if (page.ok()) {
      for (const auto& app : page->applications) ids.push_back(app.id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  Status Grant(bool may_apply, std::vector<std::string> items) {
    AgentRights rights;
    rights.enterprise = enterprise_;
    rights.username = "zhao.lei";
    rights.may_apply = may_apply;
    rights.items = std::move(items);
    auto granted = GrantAgentRights(ctx_, admin_, rights);
    if (!granted.ok()) return granted.take_error();
    return Ok();
  }

  Actor citizen_, reviewer_, clerk_, other_clerk_, market_clerk_, admin_, agent_;
  std::string enterprise_;
};

// ---- finding 1: an action body rewrites the form ----

TEST_P(ApplicationSecurityTest, ActionBodyCannotRewriteForm) {
  const auto app = Apply(citizen_, "market.person");
  // A reviewer's rejection carrying the applicant's answers, and a withdrawal carrying junk.
  auto reject = Do(reviewer_, app.id, Action::kReject, "材料不全",
                   std::map<std::string, std::string>{{"business_scope", "OVERWRITTEN"}, {"injected_unknown_field", "y"}});
  ASSERT_FALSE(reject.ok());
  EXPECT_EQ(reject.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(reject.error().fields.size(), 1u);
  EXPECT_EQ(reject.error().fields[0].field, "fields");
  auto withdraw = Do(citizen_, app.id, Action::kWithdraw, "",
                     std::map<std::string, std::string>{{"contact_phone", "not-a-phone"}, {"bogus", std::string(100000, 'z')}});
  ASSERT_FALSE(withdraw.ok());
  EXPECT_EQ(withdraw.error().code, ErrorCode::kInvalidArgument);

  auto now = GetApplication(ctx_, citizen_, app.id);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->fields, app.fields);
  EXPECT_EQ(now->version, app.version);
  EXPECT_EQ(now->state, ApplicationState::kSubmitted);
  EXPECT_EQ(EventActions(app.id), (std::vector<std::string>{"submit"}));
}

TEST_P(ApplicationSecurityTest, ActionBodyCannotRewriteFormInPersonOnlyForCorrections) {
  const auto app = Apply(citizen_, "market.person");
  ActRequest accept{Action::kAccept, "", /*in_person=*/true, std::nullopt};
  auto r = Act(ctx_, reviewer_, app.id, accept);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(r.error().fields.size(), 1u);
  EXPECT_EQ(r.error().fields[0].field, "in_person");
  EXPECT_EQ(GetApplication(ctx_, citizen_, app.id)->state, ApplicationState::kSubmitted);
  EXPECT_TRUE(ActionTakes(Action::kRequestCorrection, "in_person"));
  EXPECT_TRUE(ActionTakes(Action::kResubmit, "fields"));
  for (Action a : {Action::kSubmit, Action::kAccept, Action::kReject, Action::kRequestCorrection, Action::kApprove,
                   Action::kRefuse, Action::kDeliver, Action::kComplete, Action::kWithdraw}) {
    EXPECT_FALSE(ActionTakes(a, "fields")) << domain::ActionName(a);
    EXPECT_TRUE(ActionTakes(a, "reason")) << domain::ActionName(a);
    EXPECT_FALSE(ActionTakes(a, "injected_unknown_field")) << domain::ActionName(a);
  }
}

// Resubmission may carry the corrected answers: validated as PATCH validates them, and recorded.
TEST_P(ApplicationSecurityTest, ActionBodyCannotRewriteFormResubmitValidatesAndRecords) {
  const auto app = Apply(citizen_, "market.person");
  ASSERT_TRUE(Do(reviewer_, app.id, Action::kRequestCorrection, "请补充经营范围").ok());
  const auto asked = GetApplication(ctx_, citizen_, app.id);
  ASSERT_TRUE(asked.ok());

  for (const auto& bad : std::vector<std::map<std::string, std::string>>{
           {{"business_scope", "餐饮"}, {"contact_phone", "not-a-phone"}},
           {{"business_scope", "餐饮"}, {"bogus", std::string(100000, 'z')}},
           {{"contact_phone", "13800138000"}},  // the required business scope left out
       }) {
    auto r = Do(citizen_, app.id, Action::kResubmit, "", bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_FALSE(r.error().fields.empty());
    auto unchanged = GetApplication(ctx_, citizen_, app.id);
    EXPECT_EQ(unchanged->fields, asked->fields);
    EXPECT_EQ(unchanged->version, asked->version);
  }

  auto ok = Do(citizen_, app.id, Action::kResubmit, "",
               std::map<std::string, std::string>{{"business_scope", "餐饮服务；食品销售"}, {"contact_phone", "+86 138 0013 8000"}});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->state, ApplicationState::kUnderReview);
  EXPECT_EQ(ok->fields.at("business_scope"), "餐饮服务；食品销售");
  EXPECT_EQ(ok->fields.at("contact_phone"), "13800138000");  // canonicalised as PATCH does
  EXPECT_EQ(ok->version, asked->version + 2);
  EXPECT_EQ(EventActions(app.id), (std::vector<std::string>{"submit", "request-correction", "update", "resubmit"}));
  auto events = ListEvents(ctx_, citizen_, app.id);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ((*events)[2].reason, "business_scope") << "the event names the fields that changed, not their values";
  EXPECT_EQ((*events)[2].actor_role, "applicant");
}

// ---- finding 3: the enterprise list ignores agents' rights ----

TEST_P(ApplicationSecurityTest, EnterpriseListAppliesAgentRights) {
  const auto a = Apply(admin_, "market.firm-a", true, enterprise_);
  const auto b = Apply(admin_, "market.firm-b", true, enterprise_);
  const auto draft = Apply(admin_, "market.firm-b", false, enterprise_);
  ListRequest req;
  req.enterprise = enterprise_;

  // No rights at all: refused, as applying is.
  auto none = ListApplications(ctx_, agent_, req);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(GetApplication(ctx_, agent_, a.id).error().code, ErrorCode::kNotFound);

  // Rights for item A only: exactly what reading one by one shows.
  ASSERT_TRUE(Grant(true, {"market.firm-a"}).ok());
  EXPECT_EQ(ListedIds(agent_, req), (std::vector<std::string>{a.id}));
  EXPECT_TRUE(GetApplication(ctx_, agent_, a.id).ok());
  EXPECT_EQ(GetApplication(ctx_, agent_, b.id).error().code, ErrorCode::kNotFound);
  ListRequest only_b = req;
  only_b.item = "market.firm-b";
  EXPECT_TRUE(ListedIds(agent_, only_b).empty());

  // Every item: all of them, drafts included (a draft is the enterprise's).
  ASSERT_TRUE(Grant(true, {}).ok());
  std::vector<std::string> all = {a.id, b.id, draft.id};
  std::sort(all.begin(), all.end());
  EXPECT_EQ(ListedIds(agent_, req), all);
  EXPECT_EQ(ListedIds(admin_, req), all);

  // Rights withdrawn: refused again.
  ASSERT_TRUE(Grant(false, {}).ok());
  EXPECT_EQ(ListApplications(ctx_, agent_, req).error().code, ErrorCode::kPermissionDenied);
  // Someone who is not the enterprise's agent at all.
  EXPECT_EQ(ListApplications(ctx_, citizen_, req).error().code, ErrorCode::kPermissionDenied);
}

// ---- finding 6: officials read drafts ----

TEST_P(ApplicationSecurityTest, OfficialsCannotSeeDrafts) {
  const auto draft = Apply(citizen_, "market.person", /*submit=*/false);
  ASSERT_TRUE(AttachUpload(ctx_, citizen_, draft.id, "lease", "lease.pdf", "%PDF-1.7\n").ok());
  // A draft a clerk started for the person at the window.
  CreateApplicationRequest assisted;
  assisted.item = "market.person";
  assisted.on_behalf_of = citizen_.user.person_id;
  assisted.submit = false;
  assisted.fields = {{"business_scope", "餐饮服务"}};
  // The person is at the clerk's window: the visit their identity code opened (services/window.h).
  ports::WindowVisit visit{.id = "visit-1", .clerk_user_id = clerk_.user.id, .centre = clerk_.user.centre,
                           .person_id = citizen_.user.person_id, .person_user_id = citizen_.user.id,
                           .code_jti = "jti-1", .started_at = clock_.Now(),
                           .ends_at = clock_.Now() + std::chrono::minutes(30)};
  ASSERT_TRUE(store_->Write([&](ports::Transaction& tx) { return tx.window_visits().InsertVisit(visit); }).ok());
  assisted.visit = visit.id;
  Actor at_window = clerk_;
  at_window.channel = domain::Channel::kWindow;
  auto clerk_draft = CreateApplication(ctx_, at_window, assisted);
  ASSERT_TRUE(clerk_draft.ok()) << clerk_draft.error().message;

  // The department's reviewer and clerk, and another clerk of the centre where the draft began.
  for (const Actor* official : {&reviewer_, &market_clerk_, &other_clerk_}) {
    SCOPED_TRACE(official->user.username);
    for (const std::string& id : {draft.id, clerk_draft->id}) {
      EXPECT_EQ(GetApplication(ctx_, *official, id).error().code, ErrorCode::kNotFound);
      EXPECT_EQ(ListEvents(ctx_, *official, id).error().code, ErrorCode::kNotFound);
      EXPECT_EQ(AttachUpload(ctx_, *official, id, "lease", "x.pdf", "%PDF-1.7\n").error().code, ErrorCode::kNotFound);
      EXPECT_EQ(Do(*official, id, Action::kAccept).error().code, ErrorCode::kNotFound);
    }
    EXPECT_EQ(GetUpload(ctx_, *official, draft.id, "lease").error().code, ErrorCode::kNotFound);
    EXPECT_TRUE(ListedIds(*official).empty());
    ListRequest drafts;
    drafts.state = ApplicationState::kDraft;
    EXPECT_TRUE(ListedIds(*official, drafts).empty());
  }
  // The clerk who started a draft at the window keeps it while the person is there; the person
  // sees both.
  EXPECT_TRUE(GetApplication(ctx_, clerk_, clerk_draft->id).ok());
  EXPECT_EQ(ListedIds(citizen_).size(), 2u);
  // Once the visit is closed, the draft is the person's alone.
  ASSERT_TRUE(CloseVisit(ctx_, clerk_, visit.id).ok());
  EXPECT_EQ(GetApplication(ctx_, clerk_, clerk_draft->id).error().code, ErrorCode::kNotFound);

  // Once submitted, the department sees it.
  ASSERT_TRUE(Do(citizen_, draft.id, Action::kSubmit).ok());
  EXPECT_TRUE(GetApplication(ctx_, reviewer_, draft.id).ok());
  EXPECT_TRUE(GetUpload(ctx_, reviewer_, draft.id, "lease").ok());
  EXPECT_EQ(ListedIds(reviewer_), (std::vector<std::string>{draft.id}));
  EXPECT_EQ(ListedIds(market_clerk_), (std::vector<std::string>{draft.id}));
}

// ---- finding 5 (application half): unbounded fields ----

TEST_P(ApplicationSecurityTest, UnboundedFieldsReasonIsBoundedInCharacters) {
  const auto app = Apply(citizen_, "market.person");
  std::string longest;
  for (size_t i = 0; i < domain::kMaxReasonCodePoints; ++i) longest += "理";
  auto over = Do(reviewer_, app.id, Action::kReject, longest + "由");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().message, "error.action.reason_too_long");
  ASSERT_EQ(over.error().fields.size(), 1u);
  EXPECT_EQ(over.error().fields[0].field, "reason");
  for (const std::string& junk : {std::string("bad\xFF reason"), std::string("nul\0here", 8)}) {
    auto r = Do(reviewer_, app.id, Action::kReject, junk);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "error.action.reason_encoding");
  }
  EXPECT_EQ(GetApplication(ctx_, citizen_, app.id)->version, app.version);
  EXPECT_TRUE(Do(reviewer_, app.id, Action::kReject, longest).ok()) << "2000 Han characters are within the limit";
}

TEST_P(ApplicationSecurityTest, UnboundedFieldsFormIsBounded) {
  const auto draft = Apply(citizen_, "market.person", /*submit=*/false);
  const auto update = [&](std::map<std::string, std::string> fields) {
    return UpdateFields(ctx_, citizen_, draft.id, std::move(fields));
  };
  std::map<std::string, std::string> many;
  for (size_t i = 0; i <= domain::kMaxFormFields; ++i) many["f" + std::to_string(i)] = "x";
  auto too_many = update(many);
  ASSERT_FALSE(too_many.ok());
  ASSERT_EQ(too_many.error().fields.size(), 1u) << "one error for the form, not one per unknown name";
  EXPECT_EQ(too_many.error().fields[0].field, "fields");
  EXPECT_EQ(too_many.error().fields[0].message_key, "error.form.too_many_fields");

  auto too_big = update({{"note", std::string(domain::kMaxFormBytes, 'x')}});
  ASSERT_FALSE(too_big.ok());
  ASSERT_EQ(too_big.error().fields.size(), 1u);
  EXPECT_EQ(too_big.error().fields[0].message_key, "error.form.too_large");

  auto long_name = update({{std::string(domain::kMaxFieldNameBytes + 1, 'n'), "x"}});
  ASSERT_FALSE(long_name.ok());
  ASSERT_EQ(long_name.error().fields.size(), 1u);
  EXPECT_EQ(long_name.error().fields[0].message_key, "error.form.field_name");

  // A text field without a catalogue maximum still has one.
  std::string text;
  for (size_t i = 0; i <= domain::kMaxFieldValueCodePoints; ++i) text += "字";
  auto too_long = update({{"note", text}});
  ASSERT_FALSE(too_long.ok());
  ASSERT_EQ(too_long.error().fields.size(), 1u);
  EXPECT_EQ(too_long.error().fields[0].field, "note");
  EXPECT_EQ(too_long.error().fields[0].message_key, "error.field.too_long");

  auto junk = update({{"note", "bad\xC3"}});
  ASSERT_FALSE(junk.ok());
  ASSERT_EQ(junk.error().fields.size(), 1u);
  EXPECT_EQ(junk.error().fields[0].message_key, "error.field.encoding");
  auto nul = update({{"note", std::string("a\0b", 3)}});
  ASSERT_FALSE(nul.ok());
  ASSERT_EQ(nul.error().fields.size(), 1u);
  EXPECT_EQ(nul.error().fields[0].message_key, "error.field.encoding");

  EXPECT_EQ(GetApplication(ctx_, citizen_, draft.id)->version, draft.version);
  text.erase(text.size() - 3);  // exactly the limit
  EXPECT_TRUE(update({{"note", text}}).ok());
}

TEST_P(ApplicationSecurityTest, UnboundedFieldsFileNameIsCutByCharacters) {
  const auto draft = Apply(citizen_, "market.person", /*submit=*/false);
  std::string name = "a";  // one ASCII byte first, so a cut by bytes would split a character
  for (int i = 0; i < 300; ++i) name += "章";
  name += ".pdf";
  auto attached = AttachUpload(ctx_, citizen_, draft.id, "lease", name, "%PDF-1.7\n");
  ASSERT_TRUE(attached.ok()) << attached.error().message;
  const std::string& kept = attached->materials[0].file_name;
  EXPECT_TRUE(domain::IsUtf8(kept));
  EXPECT_EQ(domain::CodePoints(kept), domain::kMaxFileNameCodePoints);
  EXPECT_EQ(kept, name.substr(0, 1 + 3 * (domain::kMaxFileNameCodePoints - 1)));
}

// ---- finding 12 (second half): a non-UTF-8 file name gets a message key ----

TEST_P(ApplicationSecurityTest, NonUtf8FileNameIsRefusedWithAMessageKey) {
  const auto draft = Apply(citizen_, "market.person", /*submit=*/false);
  for (const std::string& name : {std::string("lease\xFF.pdf"), std::string("\xE7\xAB.pdf"), std::string("a\nb.pdf"),
                                  std::string("nul\0.pdf", 8)}) {
    auto r = AttachUpload(ctx_, citizen_, draft.id, "lease", name, "%PDF-1.7\n");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().message, "error.upload.file_name");
    ASSERT_EQ(r.error().fields.size(), 1u);
    EXPECT_EQ(r.error().fields[0].field, "file_name");
  }
  EXPECT_EQ(GetApplication(ctx_, citizen_, draft.id)->version, draft.version);
}

// ---- finding 10: existence leaks ----

TEST_P(ApplicationSecurityTest, ExistenceLeaksGrantAnswersAlikeForUnknownEnterpriseOrUsername) {
  const auto grant = [&](const Actor& by, const std::string& enterprise, const std::string& username) {
    AgentRights rights;
    rights.enterprise = enterprise;
    rights.username = username;
    rights.may_apply = true;
    auto r = GrantAgentRights(ctx_, by, rights);
    EXPECT_FALSE(r.ok());
    return r.ok() ? Error{} : r.error();
  };
  // Someone who administers neither: an existing and an unknown enterprise answer the same.
  const Error existing = grant(citizen_, enterprise_, "zhao.lei");
  const Error unknown = grant(citizen_, CreditCode(999), "zhao.lei");
  EXPECT_EQ(existing.code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(unknown.code, existing.code);
  EXPECT_EQ(unknown.message, existing.message);
  // The administrator: an existing non-agent and an unknown username answer the same.
  const Error citizen = grant(admin_, enterprise_, "zhang.wei");
  const Error nobody = grant(admin_, enterprise_, "no.such-user");
  EXPECT_EQ(citizen.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(nobody.code, citizen.code);
  EXPECT_EQ(nobody.message, citizen.message);
}

INSTANTIATE_TEST_SUITE_P(Databases, ApplicationSecurityTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<storage::testing::StoreTarget>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace tongban::services
