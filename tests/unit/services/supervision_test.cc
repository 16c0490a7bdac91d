// Supervision records and machine credentials (issue 13 item 4): supervisors record for their own
// department, supervision systems push with a department's API key (stored hashed, refused once
// revoked, never a session), every read is logged with the credit code as subject, and a
// correction is a new record naming the one it corrects. On the real SQL store of every database
// the build can reach (SQLite; PostgreSQL when TONGBAN_TEST_PG_URL is set).
#include <gtest/gtest.h>

#include "common/ids.h"
#include "services/accounts.h"
#include "services/api_keys.h"
#include "services/applications.h"
#include "services/supervision.h"
#include "services_fixture.h"

namespace tongban::services {
namespace {

std::string CreditCode(int n) {
  const std::string first17 = "91310115MA" + std::string(7 - std::to_string(n).size(), '0') + std::to_string(n);
  return first17 + CreditCodeCheckChar(first17);
}

std::string ResidentId(const std::string& first17) { return first17 + ResidentIdCheckChar(first17); }

domain::ServiceItem EnterpriseItem() {
  domain::ServiceItem item = testing::MakeItem("market.firm", true, 5);
  item.applicant = domain::ApplicantKind::kEnterprise;
  item.fields.resize(1);  // shop_name
  item.materials.clear();
  return item;
}

class SupervisionTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    domain::CatalogueData data;
    data.departments = {{"market", {"市场监管局", "Market regulation"}}, {"ecology", {"生态环境局", "Ecology"}}};
    data.districts = {{"310115", {"浦东新区", "Pudong"}}};
    data.items = {EnterpriseItem()};
    ServeCatalogue(std::move(data));
    enterprise_ = CreditCode(7);
    market_ = User("supervisor.market", domain::Role::kSupervisor, "market", "", "");
    ecology_ = User("supervisor.ecology", domain::Role::kSupervisor, "ecology", "", "");
    reviewer_ = User("reviewer.market", domain::Role::kReviewer, "market", "", "");
    citizen_ = User("zhang.wei", domain::Role::kCitizen, "", "11010519491231002X", "");
    agent_ = User("wang.fang", domain::Role::kEnterpriseAgent, "", ResidentId("31011519850404030"), enterprise_);
  }

  Actor User(const std::string& username, domain::Role role, const std::string& department, const std::string& person,
             const std::string& enterprise) {
    NewUser u;
    u.username = username;
    u.role = role;
    u.department = department;
    u.person_id = person;
    u.enterprise = enterprise;
    return AddUser(std::move(u));
  }

  static SupervisionInput Violation(std::string corrects = "") {
    SupervisionInput in;
    in.kind = "violation";
    in.date = "2026-09-01";
    in.summary = "后厨未按规定留样";
    in.rule = "食品安全法 第五十五条";
    in.corrects = std::move(corrects);
    return in;
  }

  Result<domain::SupervisionRecord> RecordAs(const Actor& who, const SupervisionInput& in) {
    Recorder by;
    by.official = who;
    return RecordSupervision(ctx_, by, enterprise_, in);
  }

  // The leaves queued for `subject` (the access log's entries not sequenced yet).
  std::vector<std::string> QueuedLeaves(const std::string& subject) {
    std::vector<std::string> out;
    const Status read = store_->Read([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(auto rows, tx.access_log().ListSubjectQueued(subject, 50));
      for (const auto& row : rows) out.push_back(row.leaf);
      return Ok();
    });
    EXPECT_TRUE(read.ok()) << read.error().message;
    return out;
  }

  std::string enterprise_;
  Actor market_, ecology_, reviewer_, citizen_, agent_;
};

TEST_P(SupervisionTest, SupervisorRecordsForOwnDepartmentOnly) {
  auto record = RecordAs(market_, Violation());
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(record->department, "market");
  EXPECT_EQ(record->recorded_by, market_.user.id);
  EXPECT_EQ(record->recorded_by_kind, domain::RecorderKind::kUser);
  EXPECT_EQ(record->recorded_by_name, "测试");
  EXPECT_EQ(record->credit_code, enterprise_);

  // Another department's supervisor cannot correct the market's record: theirs would be the
  // ecology department's word, not the market's.
  auto other = RecordAs(ecology_, Violation(record->id));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(other.error().message, "error.supervision.correct_other_department");

  // Officials without the role, and persons, record nothing.
  for (const Actor* who : {&reviewer_, &citizen_, &agent_}) {
    auto refused = RecordAs(*who, Violation());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(refused.error().message, "error.supervision.not_supervisor");
  }

  // Bad input changes nothing: a bad credit code, a future date, a field of another kind.
  SupervisionInput future = Violation();
  future.date = "2027-01-01";
  EXPECT_EQ(RecordAs(market_, future).error().message, "error.supervision.date_future");
  SupervisionInput mixed = Violation();
  mixed.level = "A";
  EXPECT_EQ(RecordAs(market_, mixed).error().message, "error.supervision.field_not_for_kind");
  Recorder by;
  by.official = market_;
  EXPECT_EQ(RecordSupervision(ctx_, by, "91310115MA000000", Violation()).error().code, ErrorCode::kInvalidArgument);

  auto page = ListSupervision(ctx_, ecology_, enterprise_, "", 10);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_EQ(page->records[0].id, record->id);
}

TEST_P(SupervisionTest, ApiKeyIsStoredHashed) {
  auto created = CreateApiKey(ctx_, "cli", "market", "市场监管执法系统");
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->secret.rfind("tbk_", 0), 0u);
  EXPECT_GE(created->secret.size(), 4u + 43u);  // 32 random bytes, base64url
  ports::ApiKey stored;
  ASSERT_TRUE(store_->Read([&](ports::Transaction& tx) -> Status {
                TB_ASSIGN_OR_RETURN(stored, tx.supervision().GetApiKey(created->key.id));
                return Ok();
              }).ok());
  EXPECT_EQ(stored.key_hash, hasher_.Sha256Hex(created->secret));
  EXPECT_EQ(stored.key_hash.find(created->secret), std::string::npos);
  EXPECT_EQ(stored.department, "market");
  EXPECT_EQ(stored.scope, ports::kSupervisionWriteScope);
  EXPECT_EQ(stored.created_by, "cli");

  auto key = AuthenticateApiKey(ctx_, created->secret);
  ASSERT_TRUE(key.ok()) << key.error().message;
  Recorder by;
  by.key = *key;
  SupervisionInput in;
  in.kind = "penalty";
  in.date = "2026-09-02";
  in.summary = "罚款";
  in.amount = "5000.5";
  in.decision_number = "沪市监罚〔2026〕15号";
  auto record = RecordSupervision(ctx_, by, enterprise_, in);
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(record->department, "market");  // the key's department, whatever the body says
  EXPECT_EQ(record->recorded_by_kind, domain::RecorderKind::kApiKey);
  EXPECT_EQ(record->recorded_by, created->key.id);
  EXPECT_EQ(record->recorded_by_name, "市场监管执法系统");
  EXPECT_EQ(record->amount_fen, 500050);

  EXPECT_EQ(CreateApiKey(ctx_, "cli", "nowhere", "x").error().message, "error.api_key.department");
}

TEST_P(SupervisionTest, RevokedApiKeyIsRefused) {
  auto created = CreateApiKey(ctx_, "cli", "market", "system");
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(AuthenticateApiKey(ctx_, "tbk_" + std::string(43, 'A')).error().message, "error.api_key.invalid");
  auto admin = User("admin", domain::Role::kAdmin, "", "", "");
  // Only administrators revoke.
  EXPECT_EQ(RevokeApiKeyAs(ctx_, market_, created->key.id).error().code, ErrorCode::kPermissionDenied);
  auto revoked = RevokeApiKeyAs(ctx_, admin, created->key.id);
  ASSERT_TRUE(revoked.ok()) << revoked.error().message;
  EXPECT_EQ(revoked->revoked_by, admin.user.id);
  EXPECT_TRUE(revoked->revoked_at.has_value());
  auto refused = AuthenticateApiKey(ctx_, created->secret);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(refused.error().message, "error.api_key.revoked");
  EXPECT_EQ(RevokeApiKey(ctx_, "cli", created->key.id).error().code, ErrorCode::kConflict);
}

TEST_P(SupervisionTest, ApiKeyCannotReadCases) {
  auto created = CreateApiKey(ctx_, "cli", "market", "system");
  ASSERT_TRUE(created.ok());
  // A key is no session: every route that reads (cases, records, the log) authenticates sessions.
  auto session = Authenticate(ctx_, created->secret);
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::kUnauthenticated);
  // And a key's department does not make its system a reader of anything.
  auto key = AuthenticateApiKey(ctx_, created->secret);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->scope, "supervision_records:write");
}

TEST_P(SupervisionTest, SupervisionReadIsLogged) {
  ASSERT_TRUE(RecordAs(market_, Violation()).ok());
  SupervisionInput credit;
  credit.kind = "credit";
  credit.date = "2026-06-30";
  credit.summary = "年度信用评价";
  credit.level = "B";
  ASSERT_TRUE(RecordAs(market_, credit).ok());
  ASSERT_TRUE(QueuedLeaves(enterprise_).empty());  // recording is no read

  // A supervisor of another department reads: logged with the purpose "supervision".
  ASSERT_TRUE(ListSupervision(ctx_, ecology_, enterprise_, "", 10).ok());
  auto leaves = QueuedLeaves(enterprise_);
  ASSERT_EQ(leaves.size(), 1u);
  EXPECT_NE(leaves[0].find("\"purpose\":\"supervision\""), std::string::npos) << leaves[0];
  EXPECT_NE(leaves[0].find("\"user\":\"" + ecology_.user.id + "\""), std::string::npos) << leaves[0];
  EXPECT_NE(leaves[0].find("\"dataset\":\"supervision_records\""), std::string::npos);

  // The enterprise's own agent reads its own; a citizen and a reviewer outside a case may not.
  ASSERT_TRUE(ListSupervision(ctx_, agent_, enterprise_, "", 10).ok());
  EXPECT_EQ(ListSupervision(ctx_, citizen_, enterprise_, "", 10).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(ListSupervision(ctx_, reviewer_, enterprise_, "", 10).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(QueuedLeaves(enterprise_).size(), 2u);

  // The reviewer deciding the enterprise's application reads its summary through the case.
  CreateApplicationRequest req;
  req.item = "market.firm";
  req.enterprise = enterprise_;
  req.fields = {{"shop_name", "浦江小馆"}};
  auto app = CreateApplication(ctx_, agent_, req);
  ASSERT_TRUE(app.ok()) << app.error().message;
  EXPECT_FALSE(CaseSupervisionSummary(ctx_, ecology_, app->id).ok());
  auto summary = CaseSupervisionSummary(ctx_, reviewer_, app->id);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  ASSERT_TRUE(summary->has_value());
  EXPECT_EQ((*summary)->violations, 1);
  EXPECT_EQ((*summary)->credits, 1);
  ASSERT_TRUE((*summary)->credit.has_value());
  EXPECT_EQ((*summary)->credit->credit_level, "B");
  ASSERT_TRUE((*summary)->latest_violation.has_value());
  EXPECT_EQ((*summary)->latest_violation->rule, "食品安全法 第五十五条");
  leaves = QueuedLeaves(enterprise_);
  ASSERT_EQ(leaves.size(), 3u);
  const std::string& last = leaves.back();
  EXPECT_NE(last.find("\"purpose\":\"case_decision\""), std::string::npos) << last;
  EXPECT_NE(last.find("\"application\":\"" + app->id + "\""), std::string::npos) << last;
}

TEST_P(SupervisionTest, CorrectionReferencesTheRecordItCorrects) {
  auto first = RecordAs(market_, Violation());
  ASSERT_TRUE(first.ok());
  SupervisionInput fixed = Violation(first->id);
  fixed.rule = "食品安全法 第五十六条";
  auto correction = RecordAs(market_, fixed);
  ASSERT_TRUE(correction.ok()) << correction.error().message;
  EXPECT_EQ(correction->corrects, first->id);
  EXPECT_NE(correction->id, first->id);

  // Both stay: the original unchanged, now showing what corrected it.
  auto page = ListSupervision(ctx_, market_, enterprise_, "", 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->records.size(), 2u);
  for (const auto& r : page->records) {
    if (r.id == first->id) {
      EXPECT_EQ(r.rule, "食品安全法 第五十五条");
      EXPECT_EQ(r.corrected_by, correction->id);
    } else {
      EXPECT_EQ(r.corrects, first->id);
      EXPECT_TRUE(r.corrected_by.empty());
    }
  }
  // The summary counts the corrected fact once, as corrected.
  domain::SupervisionSummary summary;
  ASSERT_TRUE(store_->Read([&](ports::Transaction& tx) -> Status {
                TB_ASSIGN_OR_RETURN(summary, tx.supervision().SummariseSupervision(enterprise_, Date{2023, 9, 28}));
                return Ok();
              }).ok());
  EXPECT_EQ(summary.violations, 1);
  ASSERT_TRUE(summary.latest_violation.has_value());
  EXPECT_EQ(summary.latest_violation->id, correction->id);

  // A correction keeps the kind, and names a record of the same enterprise.
  SupervisionInput other_kind;
  other_kind.kind = "credit";
  other_kind.date = "2026-09-01";
  other_kind.summary = "x";
  other_kind.level = "C";
  other_kind.corrects = first->id;
  EXPECT_EQ(RecordAs(market_, other_kind).error().message, "error.supervision.correct_kind");
  EXPECT_EQ(RecordAs(market_, Violation("no-such-record")).error().code, ErrorCode::kNotFound);
}

TEST_P(SupervisionTest, RecordsArePaginatedNewestFirst) {
  for (int day = 1; day <= 5; ++day) {
    SupervisionInput in;
    in.kind = "inspection";
    in.date = "2026-09-0" + std::to_string(day);
    in.summary = "例行检查";
    in.result = "compliant";
    ASSERT_TRUE(RecordAs(market_, in).ok());
  }
  std::vector<std::string> dates;
  std::string token;
  do {
    auto page = ListSupervision(ctx_, market_, enterprise_, token, 2);
    ASSERT_TRUE(page.ok()) << page.error().message;
    for (const auto& r : page->records) dates.push_back(FormatIsoDate(r.date));
    token = page->next_page_token;
  } while (!token.empty());
  EXPECT_EQ(dates, (std::vector<std::string>{"2026-09-05", "2026-09-04", "2026-09-03", "2026-09-02", "2026-09-01"}));
  EXPECT_EQ(ListSupervision(ctx_, market_, enterprise_, "bogus", 2).error().message, "error.supervision.page_token");
}

INSTANTIATE_TEST_SUITE_P(Databases, SupervisionTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<storage::testing::StoreTarget>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace tongban::services
