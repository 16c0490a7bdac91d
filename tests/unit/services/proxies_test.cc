// Family proxies (services/proxies.h, issue 12 item 4): a person grants a family member rights for
// chosen items until a date; the proxy applies and acts for them as the applicant would, every
// event recording them as proxy; outside their items, after the grant's end (fake clock) or after
// withdrawal they are refused and nothing is written. Runs on SQLite and, when
// TONGBAN_TEST_PG_URL is set, PostgreSQL.
#include "services/proxies.h"

#include "services/messages.h"
#include "services_fixture.h"

namespace tongban::services {
namespace {

using domain::Action;
using domain::ApplicationState;

class ProxiesTest : public testing::ServicesTest {
 protected:
  // zhang.wei (citizen_) makes li.na (other_) their proxy for `items` until `until`.
  domain::ProxyGrant Grant(std::vector<std::string> items, std::string until = "2026-12-31") {
    auto grant = GrantProxy(ctx_, citizen_, ProxyRequest{"li.na", std::move(items), std::move(until)});
    EXPECT_TRUE(grant.ok()) << grant.error().message;
    return grant.ok() ? *grant : domain::ProxyGrant{};
  }

  Result<domain::Application> ApplyFor(const std::string& item) {
    CreateApplicationRequest req;
    req.item = item;
    req.fields = {{"shop_name", "浦江小馆"}};
    req.on_behalf_of = citizen_.user.person_id;
    return CreateApplication(ctx_, other_, req);
  }

  // The applications of the person, as the person lists them.
  size_t PersonsApplications() {
    auto page = ListApplications(ctx_, citizen_, ListRequest{});
    EXPECT_TRUE(page.ok()) << page.error().message;
    return page.ok() ? page->applications.size() : 0;
  }
};

TEST_P(ProxiesTest, ProxyAppliesForGrantedItem) {
  const auto grant = Grant({"market.online"});
  EXPECT_EQ(grant.items, std::vector<std::string>{"market.online"});
  auto app = ApplyFor("market.online");
  ASSERT_TRUE(app.ok()) << app.error().message;
  // The application is the person's: they see it, list it and act on it.
  EXPECT_EQ(app->person_id, citizen_.user.person_id);
  EXPECT_EQ(app->applicant_user_id, citizen_.user.id);
  EXPECT_EQ(app->state, ApplicationState::kSubmitted);
  EXPECT_EQ(PersonsApplications(), 1u);
  ASSERT_TRUE(GetApplication(ctx_, citizen_, app->id).ok());
  // The proxy follows and acts on it as the applicant would.
  auto view = ViewApplication(ctx_, other_, app->id);
  ASSERT_TRUE(view.ok()) << view.error().message;
  EXPECT_FALSE(view->official);
  auto listed = ListProxiedApplications(ctx_, other_, citizen_.user.person_id, "", 20);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->applications.size(), 1u);
  auto people = ListProxied(ctx_, other_);
  ASSERT_TRUE(people.ok());
  ASSERT_EQ(people->size(), 1u);
  EXPECT_EQ(people->front().person_id, citizen_.user.person_id);
  ASSERT_TRUE(Do(reviewer_, app->id, Action::kAccept).ok());
  ASSERT_TRUE(Do(reviewer_, app->id, Action::kRequestCorrection, "照片不清晰").ok());
  auto resubmitted = Do(other_, app->id, Action::kResubmit);
  ASSERT_TRUE(resubmitted.ok()) << resubmitted.error().message;
  EXPECT_EQ(resubmitted->state, ApplicationState::kUnderReview);
  // The proxy was told in their inbox.
  auto inbox = ListMyMessages(ctx_, other_, "", "", 10);
  ASSERT_TRUE(inbox.ok());
  ASSERT_EQ(inbox->messages.size(), 1u);
  EXPECT_EQ(inbox->messages.front().kind, "proxy_granted");
}

TEST_P(ProxiesTest, ProxyRefusedOutsideTheirItems) {
  Grant({"market.online"});
  auto refused = ApplyFor("market.counter");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().message, "error.proxy.no_rights");
  // The person's own application of an item outside the grant: the proxy may not act on it.
  const auto own = Submit("market.counter");
  auto withdraw = Do(other_, own.id, Action::kWithdraw);
  ASSERT_FALSE(withdraw.ok());
  EXPECT_EQ(withdraw.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(withdraw.error().message, "error.proxy.no_rights");
  EXPECT_EQ(PersonsApplications(), 1u);  // only their own; nothing written
  EXPECT_EQ(GetApplication(ctx_, citizen_, own.id)->version, own.version);
  // A stranger with no grant learns nothing of the application.
  const auto stranger = MakeUser("wang.fang", domain::Role::kCitizen, "", "110101198001010010");
  EXPECT_EQ(Do(stranger, own.id, Action::kWithdraw).error().code, ErrorCode::kNotFound);
  // Only personal items, only a citizen with a person, never oneself, a date within a year.
  EXPECT_EQ(GrantProxy(ctx_, citizen_, ProxyRequest{"li.na", {"no.such.item"}, "2026-12-31"}).error().message,
            "error.proxy.unknown_item");
  EXPECT_EQ(GrantProxy(ctx_, citizen_, ProxyRequest{"li.na", {}, "2026-12-31"}).error().message, "error.proxy.items");
  EXPECT_EQ(GrantProxy(ctx_, citizen_, ProxyRequest{"reviewer.market", {"market.online"}, "2026-12-31"}).error().message,
            "error.proxy.not_citizen");
  EXPECT_EQ(GrantProxy(ctx_, citizen_, ProxyRequest{"zhang.wei", {"market.online"}, "2026-12-31"}).error().message,
            "error.proxy.self");
  EXPECT_EQ(GrantProxy(ctx_, citizen_, ProxyRequest{"li.na", {"market.online"}, "2028-01-01"}).error().message,
            "error.proxy.until");
  EXPECT_EQ(GrantProxy(ctx_, citizen_, ProxyRequest{"li.na", {"market.online"}, "2026-09-27"}).error().message,
            "error.proxy.until");
  EXPECT_EQ(GrantProxy(ctx_, reviewer_, ProxyRequest{"li.na", {"market.online"}, "2026-12-31"}).error().code,
            ErrorCode::kPermissionDenied);
  auto given = ListProxiesGiven(ctx_, citizen_, "", 20);
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(given->grants.size(), 1u);  // the refused ones wrote nothing
}

TEST_P(ProxiesTest, ProxyRefusedAfterTheGrantEnds) {
  Grant({"market.online"}, "2026-09-30");
  auto app = ApplyFor("market.online");
  ASSERT_TRUE(app.ok()) << app.error().message;
  clock_.Set({2026, 9, 30}, 23);  // the last day still counts
  ASSERT_TRUE(GetApplication(ctx_, other_, app->id).ok());
  clock_.Set({2026, 10, 1}, 0);
  auto read = GetApplication(ctx_, other_, app->id);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ErrorCode::kPermissionDenied);
  auto withdraw = Do(other_, app->id, Action::kWithdraw);
  ASSERT_FALSE(withdraw.ok());
  EXPECT_EQ(withdraw.error().code, ErrorCode::kPermissionDenied);
  auto again = ApplyFor("market.online");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message, "error.proxy.no_rights");
  EXPECT_EQ(PersonsApplications(), 1u);
  EXPECT_TRUE(ListProxied(ctx_, other_)->empty());
  EXPECT_EQ(ListProxiedApplications(ctx_, other_, citizen_.user.person_id, "", 20).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(GetApplication(ctx_, citizen_, app->id)->state, ApplicationState::kSubmitted);
}

TEST_P(ProxiesTest, ProxyRefusedAfterWithdrawal) {
  const auto grant = Grant({"market.online"});
  auto app = ApplyFor("market.online");
  ASSERT_TRUE(app.ok()) << app.error().message;
  // Only the grantor may withdraw it; anyone else is told it does not exist.
  EXPECT_EQ(WithdrawProxy(ctx_, other_, grant.id).error().code, ErrorCode::kNotFound);
  auto withdrawn = WithdrawProxy(ctx_, citizen_, grant.id);
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.error().message;
  EXPECT_TRUE(withdrawn->withdrawn_at.has_value());
  EXPECT_STREQ(domain::ProxyGrantStatus(*withdrawn, clock_.Now()), "withdrawn");
  auto act = Do(other_, app->id, Action::kWithdraw);
  ASSERT_FALSE(act.ok());
  EXPECT_EQ(act.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(ApplyFor("market.online").error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(GetApplication(ctx_, citizen_, app->id)->state, ApplicationState::kSubmitted);
  EXPECT_EQ(PersonsApplications(), 1u);
  // The proxy was told both times; withdrawing again tells nobody twice.
  ASSERT_TRUE(WithdrawProxy(ctx_, citizen_, grant.id).ok());
  auto inbox = ListMyMessages(ctx_, other_, "", "", 10);
  ASSERT_TRUE(inbox.ok());
  ASSERT_EQ(inbox->messages.size(), 2u);
  EXPECT_EQ(inbox->messages.front().kind, "proxy_withdrawn");
  // The person still sees the grant they gave.
  auto given = ListProxiesGiven(ctx_, citizen_, "", 20);
  ASSERT_TRUE(given.ok());
  ASSERT_EQ(given->grants.size(), 1u);
  EXPECT_TRUE(given->grants.front().withdrawn_at.has_value());
}

TEST_P(ProxiesTest, ProxyEventsAreRecordedAsOnBehalf) {
  Grant({"market.online"});
  CreateApplicationRequest draft;
  draft.item = "market.online";
  draft.fields = {{"shop_name", "浦江小馆"}};
  draft.on_behalf_of = citizen_.user.person_id;
  draft.submit = false;
  auto app = CreateApplication(ctx_, other_, draft);
  ASSERT_TRUE(app.ok()) << app.error().message;
  ASSERT_TRUE(UpdateFields(ctx_, other_, app->id, {{"shop_name", "浦江新馆"}}, FieldUpdate::kMerge).ok());
  auto submitted = Do(other_, app->id, Action::kSubmit);
  ASSERT_TRUE(submitted.ok()) << submitted.error().message;
  auto events = ListEvents(ctx_, citizen_, app->id);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);  // create, update, submit
  for (const auto& e : *events) {
    EXPECT_EQ(e.actor_user_id, other_.user.id) << e.action;
    EXPECT_EQ(e.actor_role, "proxy") << e.action;
  }
  // The person's timeline names who did it for them.
  auto view = ViewApplication(ctx_, citizen_, app->id);
  ASSERT_TRUE(view.ok());
  bool named = false;
  for (const auto& entry : view->timeline) {
    if (entry.actor_role == "proxy") {
      EXPECT_EQ(entry.actor_user_id, other_.user.id);
      EXPECT_EQ(entry.actor_name, other_.user.display_name);
      named = true;
    }
  }
  EXPECT_TRUE(named);
  // The person's own later step is theirs.
  auto withdrawn = Do(citizen_, app->id, Action::kWithdraw);
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.error().message;
  auto after = ListEvents(ctx_, citizen_, app->id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->back().actor_role, "applicant");
}

INSTANTIATE_TEST_SUITE_P(Databases, ProxiesTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<storage::testing::StoreTarget>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace tongban::services
