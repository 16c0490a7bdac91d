#include "app/demo_city.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "app/demo.h"
#include "common/ids.h"

namespace tongban::app {
namespace {

using ports::DatasetRecord;

// splitmix64: fast, and the same numbers on every platform for a seed.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ULL + 1) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  int Below(int n) { return static_cast<int>(Next() % static_cast<uint64_t>(n)); }
  bool Percent(int p) { return Below(100) < p; }
  template <typename T, size_t N>
  const T& Pick(const std::array<T, N>& from) { return from[Below(static_cast<int>(N))]; }

 private:
  uint64_t state_;
};

constexpr std::array<const char*, 24> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
                                                  "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋"};
constexpr std::array<const char*, 32> kGiven = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
                                               "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华",
                                               "文", "辉", "玲", "建", "国", "红", "云", "峰"};
constexpr std::array<const char*, 12> kRoads = {"世纪大道", "南京西路", "淮海中路", "四川北路", "延安西路", "长寿路",
                                               "曹杨路",   "浦东南路", "张杨路",   "漕溪北路", "中山北路", "天山路"};
constexpr std::array<const char*, 6> kHospitals = {"上海市第一妇婴保健院", "复旦大学附属妇产科医院", "上海市国际和平妇幼保健院",
                                                  "上海交通大学医学院附属仁济医院", "上海市浦东新区妇幼保健院",
                                                  "上海市长宁区妇幼保健院"};
constexpr std::array<const char*, 6> kScopes = {"餐饮服务", "软件开发；信息技术咨询服务", "货物进出口；技术进出口",
                                               "日用百货销售", "物业管理", "建设工程施工"};
constexpr std::array<const char*, 4> kEntityTypes = {"有限责任公司（自然人投资或控股）", "有限责任公司（自然人独资）",
                                                    "股份有限公司（非上市）", "个人独资企业"};

// A JSON object of string values, written without a general-purpose library: the generator's
// values never need more than quote and backslash escaping, but it escapes control characters too.
class JsonObject {
 public:
  JsonObject& Add(std::string_view name, std::string_view value) {
    if (value.empty()) return *this;
    text_ += text_.empty() ? "{\"" : ",\"";
    text_ += name;
    text_ += "\":\"";
    for (char c : value) {
      if (c == '"' || c == '\\') {
        text_ += '\\';
        text_ += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        text_ += fmt::format("\\u{:04x}", static_cast<int>(c));
      } else {
        text_ += c;
      }
    }
    text_ += '"';
    return *this;
  }
  std::string Done() { return text_.empty() ? "{}" : std::move(text_) + "}"; }

 private:
  std::string text_;
};

struct Person {
  std::string id;
  std::string name;
  bool male = false;
  Date birth;
  int age = 0;
};

struct Household {
  std::string id;
  std::string district_code;
  std::string district_name;
  std::string address;
  Date registered_on;
};

class CityWriter {
 public:
  CityWriter(const services::Context& ctx, const CityOptions& options, const CityProgress& progress)
      : ctx_(ctx), options_(options), progress_(progress), random_(options.seed) {
    as_of_ = StartOfLocalDay(options.today);
    for (const domain::District& d : ctx.Catalogue()->districts()) districts_.push_back(&d);
    // The demo accounts' people: their ids are taken, whatever the generator draws.
  }

  Result<CityStats> Run() {
    if (districts_.empty()) return MakeError(ErrorCode::kInvalidArgument, "the catalogue has no districts");
    // The demo accounts' people (demo.cc): their ids are taken before anything is drawn.
    TB_ASSIGN_OR_RETURN(const std::vector<DemoAccountPlan> plan, PlanDemoAccounts(*ctx_.Catalogue(), options_.today));
    for (const DemoAccountPlan& p : plan) {
      if (!p.person_id.empty()) demo_ids_[p.username] = p.person_id;
    }
    for (const char* username :
         {"zhang.wei", "li.na", "wang.fang", "zhao.lei", "zhang.jianguo", "chen.guoqiang", "wang.xiuying"}) {
      if (!demo_ids_.contains(username)) {
        return MakeError(ErrorCode::kInternal, std::string("the demo accounts lack ") + username);
      }
      reserved_.insert(demo_ids_[username]);
    }
    TB_RETURN_IF_ERROR(DemoPeople());
    while (stats_.persons < options_.persons + demo_person_count_) TB_RETURN_IF_ERROR(AHousehold());
    for (int64_t i = 0; i < options_.enterprises; ++i) TB_RETURN_IF_ERROR(AnEnterprise(i));
    TB_RETURN_IF_ERROR(Flush());
    return stats_;
  }

 private:
  int AgeAt(Date birth) const {
    const Date t = options_.today;
    return t.year - birth.year - ((t.month < birth.month || (t.month == birth.month && t.day < birth.day)) ? 1 : 0);
  }

  // A new person of `district_code` born `age_days` days before today: the sequence number of
  // (district, birth date) comes from a counter, odd for men and even for women (GB 11643).
  Person NewPerson(const std::string& district_code, int64_t age_days, bool male, const std::string& surname) {
    Person p;
    p.birth = AddDays(options_.today, -age_days);
    p.male = male;
    const std::string prefix = fmt::format("{}{:04d}{:02d}{:02d}", district_code, p.birth.year, p.birth.month, p.birth.day);
    int& next = sequence_[prefix];
    while (true) {
      const int sequence = (next++ % 500) * 2 + (male ? 1 : 0);
      const std::string first17 = fmt::format("{}{:03d}", prefix, sequence);
      p.id = first17 + ResidentIdCheckChar(first17);
      if (!reserved_.contains(p.id)) break;
    }
    p.name = surname + random_.Pick(kGiven) + (random_.Percent(60) ? random_.Pick(kGiven) : "");
    p.age = AgeAt(p.birth);
    return p;
  }

  Household NewHousehold() {
    const domain::District* d = districts_[random_.Below(static_cast<int>(districts_.size()))];
    Household h;
    h.id = fmt::format("H{}{:08d}", d->code, ++household_count_);
    h.district_code = d->code;
    h.district_name = d->name.zh;
    h.address = fmt::format("上海市{}{}{}号{}室", d->name.zh, random_.Pick(kRoads), 1 + random_.Below(999),
                            101 + random_.Below(30) * 100 + random_.Below(4));
    h.registered_on = AddDays(options_.today, -(30 + random_.Below(365 * 30)));
    return h;
  }

  void Add(const char* dataset, const std::string& subject, std::string record_id, std::string json) {
    pending_.push_back(DatasetRecord{dataset, subject, std::move(record_id), std::move(json), as_of_});
  }

  // A person and their household membership, medical insurance and (usually) social security card.
  void Resident(const Person& p, const Household& h, const Person& head, const char* relation, bool may_employ = true) {
    ++stats_.persons;
    Add("population", p.id, p.id,
        JsonObject()
            .Add("name", p.name)
            .Add("id_number", p.id)
            .Add("sex", p.male ? "男" : "女")
            .Add("birth_date", FormatIsoDate(p.birth))
            .Add("ethnicity", random_.Percent(92) ? "汉族" : "回族")
            .Add("nationality", "中国")
            .Add("address", h.address)
            .Add("district", h.district_code)
            .Add("photo_hash", fmt::format("{:016x}", random_.Next()))
            .Done());
    Add("household_registration", p.id, h.id,
        JsonObject()
            .Add("household_id", h.id)
            .Add("head_id_number", head.id)
            .Add("head_name", head.name)
            .Add("relation_to_head", relation)
            .Add("registered_address", h.address)
            .Add("district", h.district_code)
            .Add("registered_on", FormatIsoDate(std::max(h.registered_on, p.birth)))
            .Done());
    const bool employed = may_employ && p.age >= 22 && p.age < 60 && random_.Percent(75);
    Add("medical_insurance", p.id, "1",
        JsonObject()
            .Add("scheme", employed ? "职工基本医疗保险" : "城乡居民基本医疗保险")
            .Add("from_date", FormatIsoDate(std::max(p.birth, AddDays(options_.today, -random_.Below(365 * 20)))))
            .Add("status", "参保缴费")
            .Add("account_balance", std::to_string(random_.Below(20000)))
            .Done());
    if (p.age >= 1 && random_.Percent(95)) {
      Add("social_security_card", p.id, "1",
          JsonObject()
              .Add("card_number", fmt::format("{}{:08d}", p.male ? "M" : "F", random_.Below(100000000)))
              .Add("issued_on", FormatIsoDate(AddDays(p.birth, 30 + random_.Below(std::max(1, p.age * 365 - 30)))))
              .Add("bank", random_.Percent(50) ? "上海银行" : "中国工商银行")
              .Add("bank_account", fmt::format("6222{:012d}", random_.Next() % 1000000000000ULL))
              .Add("status", "正常")
              .Done());
    }
    if (employed) Employed(p);
    if (p.age >= 60) Retired(p);
    if (p.age >= 18 && adults_.size() < 200000) adults_.push_back({p.id, p.name});
  }

  std::pair<std::string, std::string> AnEmployer() {
    if (options_.enterprises == 0) return {DemoCreditCode(1), "上海浦江示范餐饮有限公司"};
    const int64_t i = static_cast<int64_t>(random_.Next() % static_cast<uint64_t>(options_.enterprises));
    return {EnterpriseCode(i), EnterpriseName(i)};
  }

  void Employed(const Person& p, std::pair<std::string, std::string> employer = {}) {
    if (employer.first.empty()) employer = AnEmployer();
    const Date from = AddDays(options_.today, -(30 + random_.Below(std::max(1, (p.age - 21) * 365))));
    const int64_t months = (DaysSinceEpoch(options_.today) - DaysSinceEpoch(from)) / 30;
    Add("employment_registration", p.id, "1",
        JsonObject()
            .Add("status", "就业")
            .Add("employer_credit_code", employer.first)
            .Add("employer_name", employer.second)
            .Add("from_date", FormatIsoDate(from))
            .Done());
    Add("social_insurance", p.id, "pension",
        JsonObject()
            .Add("insurance_type", "城镇职工基本养老保险")
            .Add("employer_credit_code", employer.first)
            .Add("employer_name", employer.second)
            .Add("from_date", FormatIsoDate(from))
            .Add("months_paid", std::to_string(months))
            .Add("monthly_base", std::to_string(7310 + random_.Below(30000)))
            .Done());
    Add("housing_fund_account", p.id, "1",
        JsonObject()
            .Add("account_number", fmt::format("{:012d}", random_.Next() % 1000000000000ULL))
            .Add("employer_credit_code", employer.first)
            .Add("opened_on", FormatIsoDate(from))
            .Add("monthly_deposit", std::to_string(500 + random_.Below(4000)))
            .Add("balance", std::to_string(random_.Below(300000)))
            .Add("status", "正常缴存")
            .Done());
  }

  void Retired(const Person& p) {
    const Date from = AddDays(p.birth, 365 * 22 + random_.Below(365 * 5));
    const Date to = AddDays(p.birth, 365 * 60 + random_.Below(365));
    Add("social_insurance", p.id, "pension",
        JsonObject()
            .Add("insurance_type", "城镇职工基本养老保险")
            .Add("from_date", FormatIsoDate(from))
            .Add("to_date", FormatIsoDate(std::min(to, options_.today)))
            .Add("months_paid", std::to_string((DaysSinceEpoch(to) - DaysSinceEpoch(from)) / 30))
            .Done());
  }

  void Marry(const Person& a, const Person& b, Date on) {
    const std::string certificate = fmt::format("J310000-{}-{:06d}", on.year, ++marriage_count_);
    for (const auto& [self, spouse] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
      Add("marriage", self->id, certificate,
          JsonObject()
              .Add("marital_status", "已婚")
              .Add("spouse_id_number", spouse->id)
              .Add("spouse_name", spouse->name)
              .Add("registered_on", FormatIsoDate(on))
              .Add("certificate_number", certificate)
              .Add("registry_office", "上海市婚姻登记处")
              .Done());
    }
  }

  // The birth of `child` (empty id: not yet registered) to `mother`, recorded under the mother.
  void Birth(const Person& mother, const Person* father, const Person& child, const std::string& child_id) {
    Add("birth_record", mother.id, fmt::format("B{:09d}", ++birth_count_),
        JsonObject()
            .Add("child_id_number", child_id)
            .Add("child_name", child.name)
            .Add("sex", child.male ? "男" : "女")
            .Add("birth_date", FormatIsoDate(child.birth))
            .Add("birth_hospital", random_.Pick(kHospitals))
            .Add("mother_id_number", mother.id)
            .Add("father_id_number", father != nullptr ? father->id : "")
            .Add("weight_grams", std::to_string(2500 + random_.Below(1800)))
            .Done());
  }

  // The demo accounts' own people (demo.cc): 张伟 and 李娜 married with a newborn (born ten days
  // ago, not yet registered in the household) and 张伟's father 张建国, 70 (born 1956); 王芳 heads a household and
  // represents the demo enterprise; 赵磊 works there; 陈国强 (born 1967) heads his own household.
  Status DemoPeople() {
    auto demo = [&](const std::string& id, const char* name) {
      Person p;
      p.id = id;
      p.name = name;
      p.birth = ResidentIdBirthDate(id);
      p.male = ((id[16] - '0') % 2) == 1;
      p.age = AgeAt(p.birth);
      return p;
    };
    const Person zhang = demo(demo_ids_["zhang.wei"], "张伟"), li = demo(demo_ids_["li.na"], "李娜"),
                 wang = demo(demo_ids_["wang.fang"], "王芳"), zhao = demo(demo_ids_["zhao.lei"], "赵磊");
    Household home = NewHousehold();
    home.district_code = "310115";
    home.district_name = "浦东新区";
    home.address = "上海市浦东新区世纪大道100号1201室";
    const Person father = demo(demo_ids_["zhang.jianguo"], "张建国");
    Person baby = NewPerson("310115", 10, !li.male, "张");
    baby.name = "张小宝";
    Resident(zhang, home, zhang, "户主");
    Resident(li, home, zhang, "配偶");
    Resident(father, home, zhang, "父");
    Marry(zhang, li, Date{2019, 10, 1});
    Birth(li.male ? zhang : li, li.male ? &li : &zhang, baby, "");
    Household wang_home = NewHousehold();
    Resident(wang, wang_home, wang, "户主");
    Household zhao_home = NewHousehold();
    Resident(zhao, zhao_home, zhao, "户主", /*may_employ=*/false);
    Employed(zhao, {DemoCreditCode(1), "上海浦江示范餐饮有限公司"});
    Enterprise(DemoCreditCode(1), "上海浦江示范餐饮有限公司", wang, "310115", Date{2020, 5, 20});
    // 陈国强 reaches 60 in March 2027: the homepage suggests the retirement bundle.
    // He lives in 黄浦区, so that the demo city has a person outside the Pudong pilots (pilots.yaml).
    const Person chen = demo(demo_ids_["chen.guoqiang"], "陈国强");
    Household chen_home = NewHousehold();
    chen_home.district_code = "310101";
    chen_home.district_name = "黄浦区";
    chen_home.address = "上海市黄浦区南京东路200号502室";
    Resident(chen, chen_home, chen, "户主");
    // 王秀英 turns 65 this month, registered in the city: the elderly allowance is offered to her
    // without applying (services/proactive.h) on the job's first run.
    const Person wang_xiuying = demo(demo_ids_["wang.xiuying"], "王秀英");
    Household wang_xiuying_home = NewHousehold();
    Resident(wang_xiuying, wang_xiuying_home, wang_xiuying, "户主");
    demo_person_count_ = stats_.persons;
    return Ok();
  }

  // One household: a head, usually a spouse, children of theirs, now and then an elderly parent.
  Status AHousehold() {
    const int64_t room = options_.persons + demo_person_count_ - stats_.persons;
    Household h = NewHousehold();
    const std::string surname = random_.Pick(kSurnames);
    const int head_age = 22 + random_.Below(66);
    const bool head_male = random_.Percent(55);
    const Person head = NewPerson(h.district_code, head_age * 365 + random_.Below(365), head_male, surname);
    Resident(head, h, head, "户主");
    int64_t made = 1;
    const bool married = made < room && head_age >= 24 && random_.Percent(70);
    if (married) {
      const int spouse_age = std::clamp(head_age - 5 + random_.Below(11), 22, 95);
      const Person spouse = NewPerson(h.district_code, spouse_age * 365 + random_.Below(365), !head_male,
                                      random_.Pick(kSurnames));
      Resident(spouse, h, head, "配偶");
      ++made;
      const int younger = std::min(head_age, spouse_age);
      Marry(head, spouse, AddDays(options_.today, -(std::max(0, younger - 22) * 365 + random_.Below(365))));
      const Person& mother = head_male ? spouse : head;
      const Person& father = head_male ? head : spouse;
      const int children = younger <= 50 ? random_.Below(3) : 0;
      for (int c = 0; c < children && made < room; ++c) {
        const int max_age = std::max(0, younger - 22);
        const bool boy = random_.Percent(51);
        const Person child = NewPerson(h.district_code, random_.Below(max_age * 365 + 300) + 1, boy, surname);
        Resident(child, h, head, boy ? "子" : "女");
        Birth(mother, &father, child, child.id);
        ++made;
      }
    }
    if (made < room && head_age < 50 && random_.Percent(10)) {
      const bool male = random_.Percent(45);
      const Person parent = NewPerson(h.district_code, (head_age + 24 + random_.Below(8)) * 365, male, surname);
      Resident(parent, h, head, male ? "父" : "母");
    }
    if (pending_.size() >= options_.batch_records) return Flush();
    return Ok();
  }

  static std::string EnterpriseCode(int64_t i) {
    // 91: an enterprise registered with market regulation; the district; a 9-character organisation code.
    static const std::array<const char*, 4> kAreas = {"310115", "310104", "310106", "310110"};
    const std::string first17 = fmt::format("91{}MA{:07d}", kAreas[i % 4], (1000 + i) % 10000000);
    return first17 + CreditCodeCheckChar(first17);
  }
  static std::string EnterpriseName(int64_t i) { return fmt::format("上海示范{:07d}有限公司", i); }

  void Enterprise(const std::string& code, const std::string& name, const Person& representative,
                  const std::string& district, Date established) {
    ++stats_.enterprises;
    Add("market_entity", code, code,
        JsonObject()
            .Add("enterprise_name", name)
            .Add("credit_code", code)
            .Add("representative_name", representative.name)
            .Add("representative_id_number", representative.id)
            .Add("entity_type", random_.Pick(kEntityTypes))
            .Add("registered_capital", std::to_string(10 + random_.Below(5000)))
            .Add("address", fmt::format("上海市{}{}{}号", district, random_.Pick(kRoads), 1 + random_.Below(999)))
            .Add("established_on", FormatIsoDate(established))
            .Add("business_scope", random_.Pick(kScopes))
            .Add("status", "存续")
            .Done());
  }

  Status AnEnterprise(int64_t i) {
    if (adults_.empty()) return MakeError(ErrorCode::kInvalidArgument, "enterprises need persons to represent them");
    const auto& [id, name] = adults_[random_.Next() % adults_.size()];
    Person rep;
    rep.id = id;
    rep.name = name;
    const std::string code = EnterpriseCode(i);
    Enterprise(code, EnterpriseName(i), rep, code.substr(2, 6), AddDays(options_.today, -(30 + random_.Below(365 * 25))));
    if (pending_.size() >= options_.batch_records) return Flush();
    return Ok();
  }

  Status Flush() {
    if (pending_.empty()) return Ok();
    TB_RETURN_IF_ERROR(ctx_.store->Write(
        [&](ports::Transaction& tx) { return tx.datasets().InsertRecords(pending_, ports::RecordWrite::kAppend); }));
    stats_.records += static_cast<int64_t>(pending_.size());
    pending_.clear();
    if (progress_) progress_(stats_);
    return Ok();
  }

  const services::Context& ctx_;
  const CityOptions& options_;
  const CityProgress& progress_;
  Random random_;
  Timestamp as_of_;
  std::vector<const domain::District*> districts_;
  std::map<std::string, std::string> demo_ids_;  // username -> resident id
  std::unordered_set<std::string> reserved_;
  std::unordered_map<std::string, int> sequence_;
  std::vector<std::pair<std::string, std::string>> adults_;  // representatives are drawn from these
  std::vector<DatasetRecord> pending_;
  CityStats stats_;
  int64_t demo_person_count_ = 0;
  int64_t household_count_ = 0;
  int64_t marriage_count_ = 0;
  int64_t birth_count_ = 0;
};

}  // namespace

Result<CityStats> GenerateCity(const services::Context& ctx, const CityOptions& options, const CityProgress& progress) {
  return CityWriter(ctx, options, progress).Run();
}

Result<bool> CityExists(const services::Context& ctx) {
  bool exists = false;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(exists, tx.datasets().HasRecords("population"));
    return Ok();
  }));
  return exists;
}

}  // namespace tongban::app
