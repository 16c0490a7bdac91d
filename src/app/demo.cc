#include "app/demo.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/ids.h"
#include "services/accounts.h"
#include "services/keys.h"
#include "services/licences.h"

namespace tongban::app {
namespace {

struct DemoUser {
  const char* username;
  domain::Role role;
  const char* name;
  const char* department;
  const char* centre;  // clerks at a service centre: its code in centres.yaml
  int birth_year;
  int sequence;  // for the resident id; 0 for officials
  int enterprise;  // credit code sequence for agents, else 0
};

// The demo city's people. Every department with items has a reviewer (PlanDemoAccounts adds one
// for a department this list misses), and clerks staff a district and a community centre. The
// README's demo-accounts table lists the same (tests/unit/app/demo_test.cc compares them).
constexpr DemoUser kDemoUsers[] = {
    {"zhang.wei", domain::Role::kCitizen, "张伟", "", "", 1988, 101, 0},
    {"li.na", domain::Role::kCitizen, "李娜", "", "", 1992, 202, 0},
    {"wang.fang", domain::Role::kEnterpriseAgent, "王芳", "", "", 1985, 303, 1},  // creates the enterprise: its administrator
    {"zhao.lei", domain::Role::kEnterpriseAgent, "赵磊", "", "", 1990, 404, 1},   // an agent with no rights until granted
    {"zhang.jianguo", domain::Role::kCitizen, "张建国", "", "", 1956, 505, 0},     // 张伟's father, 70 in 2026
    {"chen.guoqiang", domain::Role::kCitizen, "陈国强", "", "", 1967, 602, 0},    // born 1967-03-15: 60 in March 2027 (the retirement suggestion)
    // A negative birth year is an age reached this month: 65 now, the elderly allowance offered
    // without applying (services/proactive.h).
    {"wang.xiuying", domain::Role::kCitizen, "王秀英", "", "", -65, 707, 0},
    {"clerk.pudong", domain::Role::kClerk, "陈静", "", "pudong-district-centre", 0, 0, 0},
    {"clerk.lujiazui", domain::Role::kClerk, "黄蕾", "", "pudong-lujiazui-community", 0, 0, 0},
    {"clerk.market", domain::Role::kClerk, "周婷", "market", "", 0, 0, 0},
    {"reviewer.market", domain::Role::kReviewer, "刘洋", "market", "", 0, 0, 0},
    {"reviewer.hrss", domain::Role::kReviewer, "赵敏", "hrss", "", 0, 0, 0},
    {"reviewer.police", domain::Role::kReviewer, "孙强", "police", "", 0, 0, 0},
    {"reviewer.civil", domain::Role::kReviewer, "吴芳", "civil", "", 0, 0, 0},
    {"reviewer.health", domain::Role::kReviewer, "郑华", "health", "", 0, 0, 0},
    {"reviewer.housing", domain::Role::kReviewer, "冯军", "housing", "", 0, 0, 0},
    {"reviewer.tax", domain::Role::kReviewer, "何丽", "tax", "", 0, 0, 0},
    {"reviewer.fire", domain::Role::kReviewer, "许刚", "fire", "", 0, 0, 0},
    {"reviewer.city-appearance", domain::Role::kReviewer, "郭晓", "city-appearance", "", 0, 0, 0},
    {"reviewer.transport", domain::Role::kReviewer, "马超", "transport", "", 0, 0, 0},
    {"reviewer.education", domain::Role::kReviewer, "林琳", "education", "", 0, 0, 0},
    {"reviewer.medical-insurance", domain::Role::kReviewer, "高峰", "medical-insurance", "", 0, 0, 0},
    {"admin", domain::Role::kAdmin, "系统管理员", "", "", 0, 0, 0},
    // Data owners answer flags on their department's datasets (/office/data-flags).
    {"owner.police", domain::Role::kDataOwner, "钱立", "police", "", 0, 0, 0},
    {"owner.civil", domain::Role::kDataOwner, "蒋敏", "civil", "", 0, 0, 0},
    // A supervisor records inspections, violations, penalties and credit levels (issue 13 item 4).
    {"supervisor.market", domain::Role::kSupervisor, "唐明", "market", "", 0, 0, 0},
    // The reform office sees rectifications escalated past their deadline (/office/rectifications).
    {"reform.office", domain::Role::kReformOffice, "沈清", "", "", 0, 0, 0},
};

}  // namespace

Result<std::vector<DemoAccountPlan>> PlanDemoAccounts(const domain::Catalogue& catalogue, Date today) {
  std::vector<DemoAccountPlan> out;
  std::set<std::string> reviewed;
  for (const DemoUser& d : kDemoUsers) {
    const bool has_department = *d.department != '\0';
    const bool has_centre = *d.centre != '\0';
    // A demo catalogue that lacks a department or centre this list names leaves that official out.
    if (has_department && catalogue.FindDepartment(d.department) == nullptr) continue;
    if (has_centre && catalogue.FindCentre(d.centre) == nullptr) continue;
    DemoAccountPlan p;
    p.username = d.username;
    p.role = d.role;
    p.name = d.name;
    p.department = d.department;
    p.centre = d.centre;
    if (d.sequence != 0) {
      p.person_id = d.birth_year < 0 ? DemoResidentId(today.year + d.birth_year, today.month, 1, d.sequence)
                                     : DemoResidentId(d.birth_year, 1 + d.sequence % 12, 1 + d.sequence % 28, d.sequence);
      p.phone = fmt::format("13800138{:03d}", d.sequence);
    }
    if (d.enterprise != 0) {
      p.enterprise = DemoCreditCode(d.enterprise);
      p.enterprise_name = "上海浦江示范餐饮有限公司";
    }
    if (d.role == domain::Role::kReviewer) reviewed.insert(p.department);
    out.push_back(std::move(p));
  }
  // Every department with items has someone to decide its applications, whatever the catalogue.
  for (const domain::ServiceItem& item : catalogue.items()) {
    if (!reviewed.insert(item.department).second) continue;
    const domain::Department* department = catalogue.FindDepartment(item.department);
    DemoAccountPlan p;
    p.username = "reviewer." + item.department;
    p.role = domain::Role::kReviewer;
    // No person's name to give: the account says whose reviewer it is.
    p.name = "审批员 (" + (department != nullptr ? department->name.zh : item.department) + ")";
    p.department = item.department;
    out.push_back(std::move(p));
  }
  const bool has_clerk = std::any_of(out.begin(), out.end(), [](const DemoAccountPlan& p) {
    return p.role == domain::Role::kClerk && !p.centre.empty();
  });
  if (!has_clerk) return MakeError(ErrorCode::kInvalidArgument, "the demo catalogue has none of the demo clerks' centres");
  return out;
}

std::string DemoResidentId(int year, int month, int day, int sequence) {
  const std::string first17 = fmt::format("310115{:04d}{:02d}{:02d}{:03d}", year, month, day, sequence % 1000);
  return first17 + ResidentIdCheckChar(first17);
}

std::string DemoCreditCode(int sequence) {
  const std::string first17 = fmt::format("91310115MA{:07d}", sequence % 10000000);
  return first17 + CreditCodeCheckChar(first17);
}

Result<std::vector<DemoAccount>> EnsureDemoAccounts(const services::Context& ctx) {
  TB_ASSIGN_OR_RETURN(std::vector<DemoAccountPlan> plan, PlanDemoAccounts(*ctx.Catalogue(), LocalDate(ctx.clock->Now())));
  std::vector<DemoAccount> out;
  for (const DemoAccountPlan& d : plan) {
    services::NewUser u;
    u.username = d.username;
    u.password = kDemoPassword;
    u.role = d.role;
    u.name = d.name;
    u.department = d.department;
    u.centre = d.centre;
    u.person_id = d.person_id;
    u.phone = d.phone;
    u.enterprise = d.enterprise;
    u.enterprise_name = d.enterprise_name;
    u.created_by = "demo";
    auto created = services::CreateUser(ctx, u);
    if (!created.ok() && created.error().code != ErrorCode::kConflict) {
      return MakeError(created.error().code, fmt::format("demo account {}: {}", d.username, created.error().message));
    }
    std::string scope = !u.enterprise.empty() ? u.enterprise : !u.department.empty() ? u.department : u.centre;
    out.push_back({d.username, domain::RoleName(d.role), scope, d.name});
  }
  return out;
}

std::vector<ports::KeyOwner> DemoKeyOwners(const domain::Catalogue& catalogue) {
  std::vector<ports::KeyOwner> owners{{ports::KeyOwnerKind::kPurpose, "log"}};
  std::set<std::string> seen;
  for (const domain::ServiceItem& item : catalogue.items()) {
    if (seen.insert(item.department).second) owners.push_back({ports::KeyOwnerKind::kIssuer, item.department});
  }
  return owners;
}

Result<int> EnsureDemoSigningKeys(const services::Context& ctx) {
  return services::EnsureSigningKeys(ctx, DemoKeyOwners(*ctx.Catalogue()));
}

Result<int> EnsureDemoLicences(const services::Context& ctx) {
  const auto catalogue = ctx.Catalogue();
  TB_ASSIGN_OR_RETURN(const std::vector<DemoAccountPlan> plan, PlanDemoAccounts(*catalogue, LocalDate(ctx.clock->Now())));
  const auto find = [&](const std::string& username) -> const DemoAccountPlan* {
    for (const DemoAccountPlan& p : plan) {
      if (p.username == username) return &p;
    }
    return nullptr;
  };
  const Timestamp now = ctx.clock->Now();
  constexpr auto kDay = std::chrono::hours(24);
  std::vector<services::HeldLicenceRequest> wanted;
  if (const DemoAccountPlan* wang = find("wang.fang"); wang != nullptr && !wang->enterprise.empty()) {
    services::HeldLicenceRequest r;
    r.type = "business_licence";
    r.holder_id = wang->enterprise;
    r.holder_name = wang->enterprise_name;
    r.claims = {{"enterprise_name", wang->enterprise_name},
                {"enterprise_type", "有限责任公司"},
                {"legal_representative", wang->name},
                {"registered_capital", "100"},
                {"business_scope", "餐饮服务；食品销售"},
                {"address", "上海市浦东新区世纪大道100号"}};
    r.issued_at = now - 3 * 365 * kDay;
    wanted.push_back(std::move(r));
  }
  if (const DemoAccountPlan* zhang = find("zhang.wei"); zhang != nullptr && !zhang->person_id.empty()) {
    services::HeldLicenceRequest r;
    r.type = "driving_licence";
    r.holder_id = zhang->person_id;
    r.holder_name = zhang->name;
    // Valid for 6 years from issue: issued so that it expires in about 60 days.
    r.issued_at = now - (6 * 365 + 1) * kDay + 60 * kDay;
    wanted.push_back(std::move(r));
  }
  int issued = 0;
  for (services::HeldLicenceRequest& r : wanted) {
    if (catalogue->FindLicenceType(r.type) == nullptr) continue;
    r.actor_user_id = "demo";
    bool existed = false;
    TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
      const domain::LicenceType* type = catalogue->FindLicenceType(r.type);
      TB_ASSIGN_OR_RETURN(auto held, tx.licences().LatestLicenceOfType(type->holder, r.holder_id, r.type));
      existed = held.has_value();
      return Ok();
    }));
    if (existed) continue;
    auto licence = services::IssueHeldLicence(ctx, r);
    if (!licence.ok()) {
      return MakeError(licence.error().code, fmt::format("demo licence {}: {}", r.type, licence.error().message));
    }
    ++issued;
  }
  return issued;
}

}  // namespace tongban::app
