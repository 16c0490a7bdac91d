// The access log's leaf (domain/access_log.h): canonical JSON, keys sorted, and the outcome of a
// refused read (issue 9 item 3) in its sorted place, left out for a plain read.
#include "domain/access_log.h"

#include <gtest/gtest.h>

namespace tongban::domain {
namespace {

AccessLogEntry Entry() {
  AccessLogEntry e;
  e.accessor_user_id = "u1";
  e.accessor_role = "applicant";
  e.subject_id = "110101199003078515";
  e.dataset = "population";
  e.fields = {"name", "ethnicity"};
  e.purpose = "civil.marriage-registration";
  e.legal_basis = "resident-identity-card-law";
  e.time = Timestamp{std::chrono::seconds{1700000000}};
  return e;
}

TEST(AccessLogLeafTest, APlainReadHasNoOutcome) {
  EXPECT_EQ(EncodeAccessLogLeaf(Entry(), "c0ffee"),
            "{\"accessor\":{\"department\":\"\",\"role\":\"applicant\",\"user\":\"u1\"},\"dataset\":\"population\","
            "\"fields\":[\"name\",\"ethnicity\"],\"legal_basis\":\"resident-identity-card-law\","
            "\"purpose\":\"civil.marriage-registration\",\"subject\":\"c0ffee\",\"time\":\"" + FormatRfc3339(Entry().time) + "\","
            "\"v\":1}");
}

TEST(AccessLogLeafTest, ARefusedReadSaysSoInItsSortedPlace) {
  AccessLogEntry e = Entry();
  e.outcome = "refused";
  EXPECT_EQ(EncodeAccessLogLeaf(e, "c0ffee"),
            "{\"accessor\":{\"department\":\"\",\"role\":\"applicant\",\"user\":\"u1\"},\"dataset\":\"population\","
            "\"fields\":[\"name\",\"ethnicity\"],\"legal_basis\":\"resident-identity-card-law\",\"outcome\":\"refused\","
            "\"purpose\":\"civil.marriage-registration\",\"subject\":\"c0ffee\",\"time\":\"" + FormatRfc3339(Entry().time) + "\","
            "\"v\":1}");
}

}  // namespace
}  // namespace tongban::domain
