// Cross-platform data requests (services/data_requests.h, issue 14 item 5) on every database: the
// answering platform's handler reads only what its dataset rule allows and records the read (or the
// refused attempt) in its access log naming the asking platform; the asking platform refuses before
// anything is signed without the person's consent for the peer, dataset and purpose, or with a
// revoked one; a consent for a peer's dataset names a peer; only officials of a department ask.
#include "services/data_requests.h"

#include <nlohmann/json.hpp>

#include "services/data_access.h"
#include "services_fixture.h"

namespace tongban::services::testing {
namespace {

// The bodies kept in memory (the JSON codec is http's, tested in http_tests): a body is its index.
class MemoryCodec final : public ports::DataRequestCodec {
 public:
  std::string EncodeRequest(const ports::DataRequestBody& body) const override {
    requests_.push_back(body);
    return std::to_string(requests_.size() - 1);
  }
  Result<ports::DataRequestBody> DecodeRequest(std::string_view text) const override {
    const size_t i = std::stoul(std::string(text));
    if (i >= requests_.size()) return MakeError(ErrorCode::kInvalidArgument, "error.data_request.malformed");
    return requests_[i];
  }
  std::string EncodeAnswer(const ports::DataAnswerBody& body) const override {
    answers_.push_back(body);
    return std::to_string(answers_.size() - 1);
  }
  Result<ports::DataAnswerBody> DecodeAnswer(std::string_view text) const override {
    return answers_.at(std::stoul(std::string(text)));
  }

 private:
  mutable std::vector<ports::DataRequestBody> requests_;
  mutable std::vector<ports::DataAnswerBody> answers_;
};

class DataRequestsTest : public ServicesTest {
 protected:
  void SetUp() override {
    ServicesTest::SetUp();
    domain::CatalogueData data = CatalogueData();
    domain::Dataset population;
    population.code = "population";
    population.name = {"人口基础信息", "Population register"};
    population.department = "market";
    for (const char* name : {"name", "birth_date", "ethnicity"}) {
      domain::DatasetField f;
      f.name = name;
      f.label = {"字段", "Field"};
      population.fields.push_back(f);
    }
    population.legal_bases = {{"resident-identity-card-law", {"身份证法", "Identity card law"}}};
    population.federation_purposes = {"social_assistance"};
    data.datasets = {population};
    ServeCatalogue(std::move(data));
    ports::DatasetRecord record;
    record.dataset = "population";
    record.subject_id = citizen_.user.person_id;
    record.record_id = "1";
    record.fields_json = R"({"name":"张伟","birth_date":"1949-12-31","ethnicity":"汉"})";
    record.as_of = Timestamp{std::chrono::seconds{1780000000}};
    domain::Peer zj;
    zj.code = "zj";
    zj.url = "http://127.0.0.1:1";
    zj.name_zh = "浙江";
    zj.name_en = "Zhejiang";
    zj.fingerprint = std::string(43, 'A');
    zj.refresh_at = clock_.Now();
    zj.added_at = clock_.Now();
    ASSERT_TRUE(store_->Write([&](ports::Transaction& tx) -> Status {
                  TB_RETURN_IF_ERROR(tx.datasets().InsertRecords({record}, ports::RecordWrite::kAppend));
                  return tx.federation().InsertPeer(zj);
                }).ok());
  }

  // A data.request from Shanghai's market reviewer, as the peer's handler receives it.
  ports::FederationMessage Message(std::vector<std::string> fields, std::string purpose,
                                   std::string person = "") {
    ports::DataRequestBody body;
    body.person = person.empty() ? citizen_.user.person_id : person;
    body.dataset = "population";
    body.fields = std::move(fields);
    body.purpose = std::move(purpose);
    body.consent_id = "01JCONSENT";
    body.consent_given_at = clock_.Now();
    body.department = "market";
    body.role = "reviewer";
    ports::FederationMessage m;
    m.id = ids_.NewId();
    m.from = "sh";
    m.to = "zj";
    m.kind = kDataRequestKind;
    m.body = codec_.EncodeRequest(body);
    return m;
  }

  Result<ports::DataAnswerBody> Answer(const ports::FederationMessage& m) {
    std::string reply;
    TB_RETURN_IF_ERROR(store_->Write([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(reply, AnswerDataRequest(ctx_, tx, codec_, m));
      return Ok();
    }));
    return codec_.DecodeAnswer(reply);
  }

  std::vector<nlohmann::json> Leaves() {
    std::vector<nlohmann::json> out;
    EXPECT_TRUE(store_->Write([&](ports::Transaction& tx) -> Status {
                  TB_ASSIGN_OR_RETURN(const auto rows, tx.access_log().ListQueuedAccessLogRows(100));
                  for (const auto& row : rows) out.push_back(nlohmann::json::parse(row.leaf));
                  return Ok();
                }).ok());
    return out;
  }

  DataRequest Request(const std::string& consent) {
    return DataRequest{"zj", citizen_.user.person_id, "population", {"name"}, "social_assistance", consent};
  }

  MemoryCodec codec_;
};

TEST_P(DataRequestsTest, ThePeerAnswersTheFieldsAskedWithProvenanceAndLogsTheRead) {
  auto answer = Answer(Message({"name", "birth_date"}, "social_assistance"));
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_FALSE(answer->refused);
  ASSERT_EQ(answer->records.size(), 1u);
  EXPECT_EQ(answer->records[0].record_id, "1");
  EXPECT_EQ(answer->records[0].as_of, Timestamp{std::chrono::seconds{1780000000}});
  EXPECT_EQ(answer->records[0].values, (std::map<std::string, std::string>{{"birth_date", "1949-12-31"}, {"name", "张伟"}}));
  const auto leaves = Leaves();
  ASSERT_EQ(leaves.size(), 1u);
  EXPECT_EQ(leaves[0].at("platform"), "sh");
  EXPECT_EQ(leaves[0].at("accessor").at("department"), "market");
  EXPECT_EQ(leaves[0].at("accessor").at("role"), "reviewer");
  EXPECT_EQ(leaves[0].at("legal_basis"), "consent:01JCONSENT");
  EXPECT_EQ(leaves[0].at("purpose"), "social_assistance");
  EXPECT_EQ(leaves[0].at("fields"), nlohmann::json::array({"name", "birth_date"}));
  EXPECT_FALSE(leaves[0].contains("outcome"));
}

TEST_P(DataRequestsTest, ThePeerRefusesWhatItsRuleDoesNotAllowAndRecordsTheRefusal) {
  const std::vector<std::pair<ports::FederationMessage, std::string>> cases = {
      {Message({"name"}, "marketing"), "error.data_request.purpose_not_allowed"},
      {Message({"salary"}, "social_assistance"), "error.data_request.unknown_field"},
      {Message({"name"}, "social_assistance", other_.user.person_id), "error.data_request.no_record"},
  };
  for (const auto& [message, reason] : cases) {
    auto answer = Answer(message);
    ASSERT_TRUE(answer.ok()) << reason;
    EXPECT_TRUE(answer->refused) << reason;
    EXPECT_EQ(answer->error, reason);
    EXPECT_TRUE(answer->records.empty());
  }
  const auto leaves = Leaves();
  ASSERT_EQ(leaves.size(), 3u);
  for (const auto& leaf : leaves) {
    EXPECT_EQ(leaf.at("outcome"), "refused");
    EXPECT_EQ(leaf.at("platform"), "sh");
  }
  // A request that is not one (an invalid person) is an error: rolled back, nothing recorded.
  auto bad = Answer(Message({"name"}, "social_assistance", "123"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "error.data_request.malformed");
  EXPECT_EQ(Leaves().size(), 3u);
}

TEST_P(DataRequestsTest, AskingNeedsTheConsentInForceForPeerDatasetAndPurpose) {
  // Not a consent of the person for this peer, dataset and purpose.
  auto none = PrepareDataRequest(ctx_, codec_, reviewer_, Request("01JNOSUCH"));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "error.data_request.no_consent");
  auto item = GiveConsent(ctx_, citizen_, "zj:population:marketing");
  ASSERT_TRUE(item.ok()) << item.error().message;
  EXPECT_EQ(PrepareDataRequest(ctx_, codec_, reviewer_, Request(item->id)).error().message,
            "error.data_request.no_consent");
  // Another person's consent does not do either.
  auto others = GiveConsent(ctx_, other_, "zj:population:social_assistance");
  ASSERT_TRUE(others.ok());
  EXPECT_EQ(PrepareDataRequest(ctx_, codec_, reviewer_, Request(others->id)).error().message,
            "error.data_request.no_consent");
  // Revoked.
  auto given = GiveConsent(ctx_, citizen_, "zj:population:social_assistance");
  ASSERT_TRUE(given.ok()) << given.error().message;
  ASSERT_TRUE(RevokeConsent(ctx_, citizen_, given->id).ok());
  EXPECT_EQ(PrepareDataRequest(ctx_, codec_, reviewer_, Request(given->id)).error().message,
            "error.data_request.consent_revoked");
  // An unknown peer; the form; callers who are not a department's officials.
  DataRequest unknown = Request(given->id);
  unknown.peer = "ah";
  EXPECT_EQ(PrepareDataRequest(ctx_, codec_, reviewer_, unknown).error().message, "error.federation.unknown_peer");
  DataRequest form{"sh", "123", "Population", {}, "a b", ""};
  auto refused = PrepareDataRequest(ctx_, codec_, reviewer_, form);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().fields.size(), 6u);  // "sh" is this platform itself
  EXPECT_EQ(PrepareDataRequest(ctx_, codec_, citizen_, Request(given->id)).error().message,
            "error.data_request.officials_only");
  // Nothing was read anywhere.
  EXPECT_TRUE(Leaves().empty());
}

TEST_P(DataRequestsTest, AConsentForAPeersDatasetNamesAPeer) {
  auto unknown = GiveConsent(ctx_, citizen_, "ah:population:social_assistance");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "error.consent.peer_purpose");
  auto malformed = GiveConsent(ctx_, citizen_, "zj:population");
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().message, "error.consent.purpose");
  auto given = GiveConsent(ctx_, citizen_, "zj:population:social_assistance");
  ASSERT_TRUE(given.ok()) << given.error().message;
  EXPECT_EQ(given->purpose, "zj:population:social_assistance");
  EXPECT_EQ(given->subject_id, citizen_.user.person_id);
  const auto names = PeerNames(ctx_);
  ASSERT_EQ(names.count("zj"), 1u);
  EXPECT_EQ(names.at("zj").name_en, "Zhejiang");
}

INSTANTIATE_TEST_SUITE_P(Databases, DataRequestsTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::services::testing
