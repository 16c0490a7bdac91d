#include "app/demo.h"

#include <fmt/format.h>

#include "common/ids.h"
#include "services/accounts.h"

namespace tongban::app {
namespace {

struct DemoUser {
  const char* username;
  domain::Role role;
  const char* name;
  const char* department;
  const char* centre_district;  // clerks at a centre: the district whose district-level centre they staff
  int birth_year;
  int sequence;  // for the resident id; 0 for officials
  int enterprise;  // credit code sequence for agents, else 0
};

constexpr DemoUser kDemoUsers[] = {
    {"zhang.wei", domain::Role::kCitizen, "张伟", "", "", 1988, 101, 0},
    {"li.na", domain::Role::kCitizen, "李娜", "", "", 1992, 202, 0},
    {"wang.fang", domain::Role::kEnterpriseAgent, "王芳", "", "", 1985, 303, 1},  // creates the enterprise: its administrator
    {"zhao.lei", domain::Role::kEnterpriseAgent, "赵磊", "", "", 1990, 404, 1},   // an agent with no rights until granted
    {"clerk.pudong", domain::Role::kClerk, "陈静 (浦东窗口)", "", "310115", 0, 0, 0},
    {"reviewer.market", domain::Role::kReviewer, "刘洋 (市场监管)", "market", "", 0, 0, 0},
    {"reviewer.hrss", domain::Role::kReviewer, "赵敏 (人社)", "hrss", "", 0, 0, 0},
    {"reviewer.police", domain::Role::kReviewer, "孙强 (公安)", "police", "", 0, 0, 0},
    {"clerk.market", domain::Role::kClerk, "周婷 (市场监管窗口)", "market", "", 0, 0, 0},
    {"admin", domain::Role::kAdmin, "系统管理员", "", "", 0, 0, 0},
};

}  // namespace

std::string DemoResidentId(int year, int month, int day, int sequence) {
  const std::string first17 = fmt::format("310115{:04d}{:02d}{:02d}{:03d}", year, month, day, sequence % 1000);
  return first17 + ResidentIdCheckChar(first17);
}

std::string DemoCreditCode(int sequence) {
  const std::string first17 = fmt::format("91310115MA{:07d}", sequence % 10000000);
  return first17 + CreditCodeCheckChar(first17);
}

Result<std::vector<DemoAccount>> EnsureDemoAccounts(const services::Context& ctx) {
  std::vector<DemoAccount> out;
  const auto catalogue = ctx.Catalogue();
  for (const auto& d : kDemoUsers) {
    services::NewUser u;
    u.username = d.username;
    u.password = kDemoPassword;
    u.role = d.role;
    u.name = d.name;
    u.department = d.department;
    if (*d.centre_district != '\0') {
      for (const auto& c : catalogue->centres()) {
        if (c.district == d.centre_district && c.level == domain::CentreLevel::kDistrict) u.centre = c.code;
      }
      if (u.centre.empty()) return MakeError(ErrorCode::kInvalidArgument, "demo catalogue has no centre for clerk");
    }
    if (d.sequence != 0) {
      u.person_id = DemoResidentId(d.birth_year, 1 + d.sequence % 12, 1 + d.sequence % 28, d.sequence);
      u.phone = fmt::format("13800138{:03d}", d.sequence);
    }
    if (d.enterprise != 0) {
      u.enterprise = DemoCreditCode(d.enterprise);
      u.enterprise_name = "上海浦江示范餐饮有限公司";
    }
    auto created = services::CreateUser(ctx, u);
    if (!created.ok() && created.error().code != ErrorCode::kConflict) {
      return MakeError(created.error().code, fmt::format("demo account {}: {}", d.username, created.error().message));
    }
    std::string scope = !u.enterprise.empty() ? u.enterprise : !u.department.empty() ? u.department : u.centre;
    out.push_back({d.username, domain::RoleName(d.role), scope, d.name});
  }
  return out;
}

Status GeneratePopulation(const services::Context& ctx, int persons, int enterprises) {
  constexpr int kBatch = 1000;
  for (int start = 0; start < persons; start += kBatch) {
    TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
      for (int i = start; i < std::min(persons, start + kBatch); ++i) {
        // Spread births over 1940-2020 and sequences over 000-999: ids stay unique for i < 29M.
        const int day_index = i / 1000;
        const Date birth = AddDays(Date{1940, 1, 1}, day_index % 29200);
        domain::Person p{DemoResidentId(birth.year, birth.month, birth.day, i % 1000), fmt::format("居民{:07d}", i),
                         fmt::format("139{:08d}", i)};
        auto s = tx.accounts().InsertPerson(p);
        if (!s.ok() && s.error().code != ErrorCode::kConflict) return s;
      }
      return Ok();
    }));
  }
  for (int start = 0; start < enterprises; start += kBatch) {
    TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
      for (int i = start; i < std::min(enterprises, start + kBatch); ++i) {
        domain::Enterprise e{DemoCreditCode(1000 + i), fmt::format("上海示范企业{:07d}有限公司", i), ""};
        auto s = tx.accounts().InsertEnterprise(e);
        if (!s.ok() && s.error().code != ErrorCode::kConflict) return s;
      }
      return Ok();
    }));
  }
  return Ok();
}

}  // namespace tongban::app
