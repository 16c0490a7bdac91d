// One map from errors to HTTP statuses for the API and the pages (docs/api.md "Errors").
#include "http/status.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace tongban::http {
namespace {

TEST(HttpStatusTest, EveryErrorCodeHasTheStatusTheContractNames) {
  const std::map<std::string, int> contract = {
      {"invalid_argument", 400}, {"unauthenticated", 401}, {"permission_denied", 403},
      {"not_found", 404},        {"conflict", 409},        {"payload_too_large", 413},
      {"resource_exhausted", 429}, {"unavailable", 503},   {"internal", 500},
  };
  int seen = 0;
  for (int i = 0; i <= static_cast<int>(ErrorCode::kInternal); ++i) {
    const auto code = static_cast<ErrorCode>(i);
    const auto it = contract.find(ErrorCodeName(code));
    ASSERT_NE(it, contract.end()) << "error code " << i << " has no name in the contract";
    EXPECT_EQ(HttpStatus(code), it->second) << it->first;
    ++seen;
  }
  EXPECT_EQ(seen, static_cast<int>(contract.size()));
}

}  // namespace
}  // namespace tongban::http
