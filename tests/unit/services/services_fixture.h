// The fixture of the service tests: use cases on the real SQL store and a fake clock, on every
// database the build can reach (a temp SQLite file; PostgreSQL when TONGBAN_TEST_PG_URL is set),
// with a small catalogue, the 2026 calendar and a citizen, another citizen and two reviewers.
#pragma once

#include "services/applications.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "crypto/system.h"
#include "services/accounts.h"
#include "storage/sql_store.h"
#include "support/store_targets.h"

namespace tongban::services::testing {

using domain::Action;
using domain::ApplicationState;

class FakeClock final : public ports::Clock {
 public:
  Timestamp Now() const override { return now_; }
  void Set(Date date, int hour = 10) { now_ = StartOfLocalDay(date) + std::chrono::hours(hour); }
  void Advance(std::chrono::seconds by) { now_ += by; }

 private:
  Timestamp now_{};
};

// A fresh store of the parameter's database, a fake clock at 2026-09-28 10:00 and real ids and
// hashing in ctx_; each suite adds its catalogue (ServeCatalogue) and its people (AddUser).
class StoreFixture : public ::testing::TestWithParam<storage::testing::StoreTarget> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto());
    url_ = GetParam().new_url();
    auto store = storage::OpenStore(url_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
    calendar_ = std::make_shared<const Calendar>(std::set<Date>{}, std::set<Date>{}, Date{2026, 1, 1}, Date{2026, 12, 31});
    ctx_.store = store_.get();
    ctx_.clock = &clock_;
    ctx_.ids = &ids_;
    ctx_.hasher = &hasher_;
    ctx_.calendar = calendar_;
    clock_.Set({2026, 9, 28});
  }

  void TearDown() override {
    store_.reset();
    GetParam().cleanup(url_);
  }

  void ServeCatalogue(domain::CatalogueData data) {
    auto catalogue = domain::Catalogue::Build(std::move(data));
    ASSERT_TRUE(catalogue.ok()) << catalogue.error().message;
    ctx_.catalogue = *catalogue;
  }

  // Creates the user (password "a-long-password", name 测试 unless set) and returns them as an
  // actor on the web channel.
  Actor AddUser(NewUser u) {
    if (u.password.empty()) u.password = "a-long-password";
    if (u.name.empty()) u.name = "测试";
    const std::string username = u.username;
    auto created = CreateUser(ctx_, u);
    EXPECT_TRUE(created.ok()) << username << ": " << created.error().message;
    return Actor{created.ok() ? *created : domain::User{}, domain::Channel::kWeb, "127.0.0.1"};
  }

  std::string url_;
  std::unique_ptr<ports::Store> store_;
  FakeClock clock_;
  crypto::SodiumIdGenerator ids_;
  crypto::SodiumHasher hasher_;
  std::shared_ptr<const Calendar> calendar_;
  Context ctx_;
};

inline domain::ServiceItem MakeItem(std::string code, bool fully_online, int promised) {
  domain::ServiceItem item;
  item.code = std::move(code);
  item.name = {"测试事项", "Test item"};
  item.department = "market";
  item.legal_limit_days = 20;
  item.promised_limit_days = promised;
  item.fully_online = fully_online;
  item.channels = {domain::Channel::kWeb, domain::Channel::kWindow};
  domain::Field shop;
  shop.name = "shop_name";
  shop.label = {"店名", "Shop name"};
  shop.required = true;
  domain::Field name;
  name.name = "applicant_name";
  name.label = {"姓名", "Name"};
  name.source = domain::MaterialSource::kSharedData;
  name.dataset = "population";
  domain::Field hours;
  hours.name = "opening_hours";
  hours.label = {"营业时间", "Opening hours"};
  item.fields = {shop, name, hours};
  domain::Material id;
  id.code = "identity";
  id.name = {"身份证明", "Identity"};
  id.source = domain::MaterialSource::kSharedData;
  id.dataset = "population";
  item.materials = {id};
  return item;
}

class ServicesTest : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    UseCatalogueVersion(0);

    // 2026 National Day and its adjusted working days (catalogue/calendar.yaml has the full year).
    std::set<Date> holidays;
    for (int d = 1; d <= 7; ++d) holidays.insert(Date{2026, 10, d});
    calendar_ = std::make_shared<const Calendar>(holidays, std::set<Date>{{2026, 9, 20}, {2026, 10, 10}},
                                                 Date{2026, 1, 1}, Date{2026, 12, 31});
    ctx_.calendar = calendar_;

    citizen_ = MakeUser("zhang.wei", domain::Role::kCitizen, "", "11010519491231002X");
    other_ = MakeUser("li.na", domain::Role::kCitizen, "", "110101199003070935");
    reviewer_ = MakeUser("reviewer.market", domain::Role::kReviewer, "market", "");
    stranger_ = MakeUser("reviewer.hrss", domain::Role::kReviewer, "hrss", "");
  }

  // The fixture's small catalogue, as published version `version` (0: not published).
  static domain::CatalogueData CatalogueData(int64_t version = 0) {
    domain::CatalogueData data;
    data.departments = {{"market", {"市场监管局", "Market regulation"}}, {"hrss", {"人社局", "HRSS"}}};
    data.districts = {{"310115", {"浦东新区", "Pudong"}}};
    data.centres = {{"centre.310115", {"浦东中心", "Pudong centre"}, "310115", domain::CentreLevel::kDistrict, {}}};
    data.items = {MakeItem("market.online", true, 5), MakeItem("market.counter", false, 3)};
    data.published_version = version;
    return data;
  }
  // Serves the fixture's catalogue as published version `version`.
  void UseCatalogueVersion(int64_t version) { ServeCatalogue(CatalogueData(version)); }

  Actor MakeUser(const std::string& username, domain::Role role, const std::string& department,
                 const std::string& person) {
    NewUser u;
    u.username = username;
    u.role = role;
    u.department = department;
    u.person_id = person;
    return AddUser(std::move(u));
  }

  domain::Application Submit(const std::string& item) {
    CreateApplicationRequest req;
    req.item = item;
    req.fields = {{"shop_name", "浦江小馆"}};
    auto app = CreateApplication(ctx_, citizen_, req);
    EXPECT_TRUE(app.ok()) << app.error().message;
    return app.ok() ? *app : domain::Application{};
  }

  Result<domain::Application> Do(const Actor& who, const std::string& id, Action action, std::string reason = "") {
    ActRequest req;
    req.action = action;
    req.reason = std::move(reason);
    return Act(ctx_, who, id, req);
  }

  Actor citizen_, other_, reviewer_, stranger_;
};

}  // namespace tongban::services::testing
