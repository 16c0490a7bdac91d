// Regression tests for issue 8, points 1 and 3: the enterprise switcher (the enterprise an agent
// acts for, kept with the session), the administrator's rights page, and officials opening
// uploaded files (each read recorded with the case). On the real SQL store of every database the
// build can reach (SQLite; PostgreSQL when TONGBAN_TEST_PG_URL is set).
#include <gtest/gtest.h>

#include <algorithm>

#include "common/ids.h"
#include "crypto/system.h"
#include "services/accounts.h"
#include "services/applications.h"
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

class EnterpriseTest : public testing::StoreFixture {
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

  Authenticated SignIn(const std::string& username) {
    auto signed_in = Login(ctx_, username, "a-long-password", "127.0.0.1");
    EXPECT_TRUE(signed_in.ok()) << username;
    auto auth = Authenticate(ctx_, signed_in.ok() ? signed_in->token : "");
    EXPECT_TRUE(auth.ok()) << username;
    token_ = signed_in.ok() ? signed_in->token : "";
    return auth.ok() ? *auth : Authenticated{};
  }

  domain::Session Reload() {
    auto auth = Authenticate(ctx_, token_);
    EXPECT_TRUE(auth.ok());
    return auth.ok() ? auth->session : domain::Session{};
  }

  Actor citizen_, reviewer_, clerk_, other_clerk_, market_clerk_, admin_, agent_;
  std::string enterprise_;
  std::string token_;
};

const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + "picture";

TEST_P(EnterpriseTest, Point1TheChosenEnterpriseIsKeptWithTheSessionAndChecked) {
  const auto agent = SignIn("zhao.lei");
  EXPECT_EQ(agent.session.acting_enterprise, "");
  // No rights yet: the switcher refuses the enterprise and changes nothing.
  auto refused = ChooseEnterprise(ctx_, agent_, agent.session.token_hash, enterprise_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().message, "error.enterprise.not_agent");
  EXPECT_EQ(Reload().acting_enterprise, "");
  ASSERT_TRUE(Grant(true, {}).ok());
  ASSERT_TRUE(ChooseEnterprise(ctx_, agent_, agent.session.token_hash, enterprise_).ok());
  // Stored with the session: a fresh lookup (another server) sees it.
  EXPECT_EQ(Reload().acting_enterprise, enterprise_);
  auto acting = ActingEnterprise(ctx_, agent_, Reload(), false);
  ASSERT_TRUE(acting.ok());
  EXPECT_EQ(*acting, enterprise_);
  // "" acts for themselves again.
  ASSERT_TRUE(ChooseEnterprise(ctx_, agent_, agent.session.token_hash, "").ok());
  EXPECT_EQ(Reload().acting_enterprise, "");
  // A citizen has no enterprise to choose.
  const auto citizen = SignIn("zhang.wei");
  EXPECT_FALSE(ChooseEnterprise(ctx_, citizen_, citizen.session.token_hash, enterprise_).ok());
}

TEST_P(EnterpriseTest, Point1AnAgentOfOneEnterpriseGetsItChosenAndDraftsSave) {
  const auto admin = SignIn("wang.fang");
  auto choices = EnterprisesOf(ctx_, admin_);
  ASSERT_TRUE(choices.ok());
  ASSERT_EQ(choices->size(), 1u);
  EXPECT_TRUE(choices->front().administrator);
  // Only when asked to choose (an enterprise item's apply page); the list page does not.
  auto listing = ActingEnterprise(ctx_, admin_, admin.session, false);
  ASSERT_TRUE(listing.ok());
  EXPECT_EQ(*listing, "");
  auto acting = ActingEnterprise(ctx_, admin_, admin.session, true);
  ASSERT_TRUE(acting.ok());
  EXPECT_EQ(*acting, enterprise_);
  EXPECT_EQ(Reload().acting_enterprise, enterprise_);
  // The draft of an enterprise item saves for the chosen enterprise.
  const auto draft = Apply(admin_, "market.firm-a", false, *acting);
  EXPECT_EQ(draft.enterprise, enterprise_);
  EXPECT_EQ(draft.state, ApplicationState::kDraft);
}

TEST_P(EnterpriseTest, Point1WithdrawnRightsEndTheChoiceAndTheList) {
  ASSERT_TRUE(Grant(true, {"market.firm-a"}).ok());
  const auto agent = SignIn("zhao.lei");
  ASSERT_TRUE(ChooseEnterprise(ctx_, agent_, agent.session.token_hash, enterprise_).ok());
  const auto made = Apply(admin_, "market.firm-a", true, enterprise_);
  ListRequest req;
  req.enterprise = enterprise_;
  auto listed = ListApplications(ctx_, agent_, req);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->applications.size(), 1u);
  EXPECT_EQ(listed->applications.front().id, made.id);
  ASSERT_TRUE(Grant(false, {}).ok());  // withdrawn
  auto acting = ActingEnterprise(ctx_, agent_, Reload(), false);
  ASSERT_TRUE(acting.ok());
  EXPECT_EQ(*acting, "");
  EXPECT_EQ(Reload().acting_enterprise, "");
  EXPECT_FALSE(ListApplications(ctx_, agent_, req).ok());
  EXPECT_FALSE(GetApplication(ctx_, agent_, made.id).ok());
}

TEST_P(EnterpriseTest, Point1TheRightsPageListsAgentsForTheAdministratorOnly) {
  const auto third = User("qian.qi", domain::Role::kEnterpriseAgent, "", "", ResidentId("31011519920606050"), enterprise_);
  auto page = ListEnterpriseAgents(ctx_, admin_, enterprise_, "", 100);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page->enterprise.code, enterprise_);
  std::vector<std::string> names;
  for (const auto& a : page->agents) names.push_back(a.username);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"qian.qi", "zhao.lei"}));  // the administrator left out
  for (const auto& a : page->agents) EXPECT_FALSE(a.grant.may_apply);
  EXPECT_TRUE(page->next_page_token.empty());
  // Pages of one: every agent once, then no token.
  std::vector<std::string> paged;
  std::string token;
  for (int i = 0; i < 5; ++i) {
    auto one = ListEnterpriseAgents(ctx_, admin_, enterprise_, token, 1);
    ASSERT_TRUE(one.ok());
    for (const auto& a : one->agents) paged.push_back(a.username);
    token = one->next_page_token;
    if (token.empty()) break;
  }
  std::sort(paged.begin(), paged.end());
  EXPECT_EQ(paged, names);
  // Nobody else sees them; an unknown enterprise answers alike.
  for (const Actor* who : {&agent_, &citizen_, &reviewer_}) {
    auto denied = ListEnterpriseAgents(ctx_, *who, enterprise_, "", 20);
    ASSERT_FALSE(denied.ok());
    EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
  }
  auto unknown = ListEnterpriseAgents(ctx_, admin_, CreditCode(2), "", 20);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kPermissionDenied);
}

TEST_P(EnterpriseTest, Point3AnOfficialOpeningAFileIsRecordedWithTheCase) {
  auto draft = Apply(citizen_, "market.person", false);
  ASSERT_TRUE(AttachUpload(ctx_, citizen_, draft.id, "lease", "租赁合同.png", kPng).ok());
  ASSERT_TRUE(Do(citizen_, draft.id, Action::kSubmit).ok());
  const size_t before = EventActions(draft.id).size();

  // The applicant opens their own file: nothing is recorded.
  auto own = OpenUpload(ctx_, citizen_, draft.id, "lease");
  ASSERT_TRUE(own.ok()) << own.error().message;
  EXPECT_EQ(own->blob.data, kPng);
  EXPECT_EQ(own->blob.content_type, "image/png");
  EXPECT_EQ(own->file_name, "租赁合同.png");
  EXPECT_EQ(EventActions(draft.id).size(), before);

  // An official without standing on the case (a clerk of a centre it did not come through) cannot,
  // and leaves no trace.
  auto refused = OpenUpload(ctx_, clerk_, draft.id, "lease");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(EventActions(draft.id).size(), before);

  // The department's reviewer opens it: the read is an event of the case.
  auto opened = OpenUpload(ctx_, reviewer_, draft.id, "lease");
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened->blob.data, kPng);
  auto events = ListEvents(ctx_, citizen_, draft.id);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), before + 1);
  const auto& read = events->back();
  EXPECT_EQ(read.action, "view_material");
  EXPECT_EQ(read.actor_user_id, reviewer_.user.id);
  EXPECT_EQ(read.actor_role, "reviewer");
  EXPECT_EQ(read.channel, domain::Channel::kWeb);
  EXPECT_EQ(read.reason, "lease");
  EXPECT_EQ(read.from, ApplicationState::kSubmitted);
  EXPECT_EQ(read.to, ApplicationState::kSubmitted);
  // The case itself did not change, and the reviewer can still act on it.
  auto app = GetApplication(ctx_, citizen_, draft.id);
  ASSERT_TRUE(app.ok());
  EXPECT_EQ(app->state, ApplicationState::kSubmitted);
  EXPECT_TRUE(Do(reviewer_, draft.id, Action::kAccept).ok());
  // The page names who opened it.
  auto view = ViewApplication(ctx_, citizen_, draft.id);
  ASSERT_TRUE(view.ok());
  const auto entry = std::find_if(view->timeline.begin(), view->timeline.end(),
                                   [](const TimelineEntry& e) { return e.what == "view_material"; });
  ASSERT_NE(entry, view->timeline.end());
  EXPECT_EQ(entry->actor_name, "测试");
  ASSERT_EQ(entry->names.size(), 1u);
  // A material without an upload is not found, and records nothing.
  const size_t after = EventActions(draft.id).size();
  EXPECT_FALSE(OpenUpload(ctx_, reviewer_, draft.id, "nothing").ok());
  EXPECT_EQ(EventActions(draft.id).size(), after);
}

INSTANTIATE_TEST_SUITE_P(Databases, EnterpriseTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::services
