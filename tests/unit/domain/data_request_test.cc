// Cross-platform data requests (domain/data_request.h, issue 14 item 5): the consent purpose that
// names a peer's dataset, the answering platform's dataset rule (federation_purposes, its own
// fields, person datasets of the table only), how a refusal maps to an error, and the access log
// leaf's "platform" member in its sorted place.
#include "domain/data_request.h"

#include <gtest/gtest.h>

#include "domain/access_log.h"

namespace tongban::domain {
namespace {

Dataset Population() {
  Dataset d;
  d.code = "population";
  d.subject = SubjectKind::kPerson;
  d.fields = {DatasetField{"name", {}, {}, DataClass::kPersonal, true},
              DatasetField{"birth_date", {}, {}, DataClass::kPersonal, true},
              DatasetField{"ethnicity", {}, {}, DataClass::kSensitive, false}};
  d.federation_purposes = {"social_assistance", "cross_province_application"};
  return d;
}

TEST(DataRequestTest, PurposesAreCodes) {
  EXPECT_TRUE(IsDataPurpose("social_assistance"));
  EXPECT_TRUE(IsDataPurpose("a"));
  EXPECT_TRUE(IsDataPurpose("case-check2"));
  EXPECT_FALSE(IsDataPurpose(""));
  EXPECT_FALSE(IsDataPurpose("Social"));
  EXPECT_FALSE(IsDataPurpose("2fa"));
  EXPECT_FALSE(IsDataPurpose("_x"));
  EXPECT_FALSE(IsDataPurpose("zj:population"));
  EXPECT_FALSE(IsDataPurpose("with space"));
  EXPECT_TRUE(IsDataPurpose(std::string(kMaxDataPurpose, 'a')));
  EXPECT_FALSE(IsDataPurpose(std::string(kMaxDataPurpose + 1, 'a')));
}

TEST(DataRequestTest, TheConsentPurposeNamesPeerDatasetAndPurpose) {
  EXPECT_EQ(PeerDataConsentPurpose("zj", "population", "social_assistance"), "zj:population:social_assistance");
  const auto parsed = ParsePeerDataConsentPurpose("zj:population:social_assistance");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, (PeerDataPurpose{"zj", "population", "social_assistance"}));
  // An item code (what every other consent names) is not one; nor is anything malformed.
  EXPECT_FALSE(ParsePeerDataConsentPurpose("civil.marriage-registration").has_value());
  EXPECT_FALSE(ParsePeerDataConsentPurpose("zj:population").has_value());
  EXPECT_FALSE(ParsePeerDataConsentPurpose(":population:x").has_value());
  EXPECT_FALSE(ParsePeerDataConsentPurpose("ZJ:population:x").has_value());
  EXPECT_FALSE(ParsePeerDataConsentPurpose("zj:population:x:y").has_value());
  EXPECT_FALSE(ParsePeerDataConsentPurpose("zj::x").has_value());
  EXPECT_FALSE(ParsePeerDataConsentPurpose("z-j:population:x").has_value());
}

TEST(DataRequestTest, TheDatasetRuleAllowsOnlyItsPurposesAndFields) {
  const Dataset d = Population();
  EXPECT_TRUE(AllowsPeerPurpose(d, "social_assistance"));
  EXPECT_FALSE(AllowsPeerPurpose(d, "marketing"));
  EXPECT_EQ(PeerDataRefusal(&d, {"name", "birth_date"}, "social_assistance"), "");
  EXPECT_EQ(PeerDataRefusal(&d, {"name"}, "marketing"), "error.data_request.purpose_not_allowed");
  EXPECT_EQ(PeerDataRefusal(&d, {"name", "salary"}, "social_assistance"), "error.data_request.unknown_field");
  EXPECT_EQ(PeerDataRefusal(&d, {"name", "name"}, "social_assistance"), "error.data_request.unknown_field");
  EXPECT_EQ(PeerDataRefusal(&d, {}, "social_assistance"), "error.data_request.unknown_field");
  EXPECT_EQ(PeerDataRefusal(nullptr, {"name"}, "social_assistance"), "error.data_request.unknown_dataset");
  // A dataset without federation_purposes is shared with no other platform.
  Dataset closed = d;
  closed.federation_purposes.clear();
  EXPECT_EQ(PeerDataRefusal(&closed, {"name"}, "social_assistance"), "error.data_request.purpose_not_allowed");
  // Enterprise datasets and datasets kept in a department's own system are not answered.
  Dataset enterprise = d;
  enterprise.subject = SubjectKind::kEnterprise;
  EXPECT_EQ(PeerDataRefusal(&enterprise, {"name"}, "social_assistance"), "error.data_request.unknown_dataset");
  Dataset external = d;
  external.source = DatasetSource::kHttp;
  EXPECT_EQ(PeerDataRefusal(&external, {"name"}, "social_assistance"), "error.data_request.unknown_dataset");
}

TEST(DataRequestTest, RefusalsMapToErrors) {
  EXPECT_EQ(DataRefusalError("error.data_request.purpose_not_allowed").code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(DataRefusalError("error.data_request.unknown_dataset").code, ErrorCode::kNotFound);
  EXPECT_EQ(DataRefusalError("error.data_request.unknown_field").code, ErrorCode::kNotFound);
  EXPECT_EQ(DataRefusalError(kNoRecordRefusal).code, ErrorCode::kNotFound);
  const Error other = DataRefusalError("error.something.new");
  EXPECT_EQ(other.code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(other.message, "error.data_request.refused");
}

TEST(DataRequestTest, TheLeafNamesTheOtherPlatformBetweenOutcomeAndPurpose) {
  AccessLogEntry e;
  e.accessor_role = "reviewer";
  e.accessor_department = "market";
  e.subject_id = "110101199003078515";
  e.dataset = "population";
  e.fields = {"name"};
  e.purpose = "social_assistance";
  e.legal_basis = "consent:01J";
  e.outcome = "refused";
  e.platform = "sh";
  e.time = Timestamp{std::chrono::seconds{1700000000}};
  EXPECT_EQ(EncodeAccessLogLeaf(e, "c0ffee"),
            "{\"accessor\":{\"department\":\"market\",\"role\":\"reviewer\",\"user\":\"\"},\"dataset\":\"population\","
            "\"fields\":[\"name\"],\"legal_basis\":\"consent:01J\",\"outcome\":\"refused\",\"platform\":\"sh\","
            "\"purpose\":\"social_assistance\",\"subject\":\"c0ffee\",\"time\":\"" +
                FormatRfc3339(e.time) + "\",\"v\":1}");
  e.platform.clear();
  EXPECT_EQ(EncodeAccessLogLeaf(e, "c0ffee").find("platform"), std::string::npos);
}

}  // namespace
}  // namespace tongban::domain
