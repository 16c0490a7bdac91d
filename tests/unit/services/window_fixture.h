// The fixture of the window's service tests (services/window.h): the small catalogue with a
// community centre, an enterprise item and an instant item; the key store and signing keys that
// identity codes need; three clerks (two at the district centre, one at the community centre).
#pragma once

#include <nlohmann/json.hpp>

#include "crypto/jose.h"
#include "crypto/key_store.h"
#include "crypto/log_tiles.h"
#include "crypto/system.h"
#include "crypto/token_codec.h"
#include "services/access_log.h"
#include "services/identity_code.h"
#include "services/keys.h"
#include "services/verification.h"
#include "services/window.h"
#include "services_fixture.h"

namespace tongban::services::testing {

class WindowFixture : public ServicesTest {
 protected:
  // The fixture's catalogue plus a community centre, an enterprise item and an instant item.
  static domain::CatalogueData WindowCatalogue() {
    domain::CatalogueData data = CatalogueData();
    data.centres.push_back({"centre.lujiazui", {"陆家嘴社区中心", "Lujiazui community centre"}, "310115",
                            domain::CentreLevel::kCommunity, {}});
    domain::ServiceItem enterprise_item = MakeItem("market.enterprise", false, 5);
    enterprise_item.applicant = domain::ApplicantKind::kEnterprise;
    data.items.push_back(enterprise_item);
    domain::ServiceItem instant = MakeItem("market.instant", false, 1);
    instant.on_the_spot = true;
    data.items.push_back(instant);
    return data;
  }

  void SetUp() override {
    ServicesTest::SetUp();
    ServeCatalogue(WindowCatalogue());
    auto keys = crypto::SealedKeyStore::Create(*store_, clock_, crypto::RandomBytes(crypto::kKeyEncryptionKeyBytes));
    ASSERT_TRUE(keys.ok());
    keys_ = std::move(keys).value();
    ctx_.keys = keys_.get();
    ctx_.tokens = &codec_;
    ctx_.log_tree = &tree_;
    ASSERT_TRUE(EnsureSigningKeys(ctx_, {kIdentityCodeKeyOwner, kTrustListKeyOwner, kLogKeyOwner}).ok());
    clerk_ = AddUser({.username = "clerk.pudong", .role = domain::Role::kClerk, .centre = "centre.310115",
                      .name = "王窗口"});
    clerk_.channel = domain::Channel::kWindow;
    other_clerk_ = AddUser({.username = "clerk.other", .role = domain::Role::kClerk, .centre = "centre.310115"});
    other_clerk_.channel = domain::Channel::kWindow;
    community_clerk_ = AddUser({.username = "clerk.lujiazui", .role = domain::Role::kClerk,
                                .centre = "centre.lujiazui"});
    community_clerk_.channel = domain::Channel::kWindow;
  }

  std::string Code(const Actor& person) {
    auto code = IssueIdentityCode(ctx_, person);
    EXPECT_TRUE(code.ok()) << code.error().message;
    return code.ok() ? code->token : "";
  }

  CreateApplicationRequest ForPerson(const Actor& person, std::string code, std::string visit = "",
                                     bool submit = true) {
    CreateApplicationRequest req;
    req.item = "market.online";
    req.fields = {{"shop_name", "浦江小馆"}};
    req.on_behalf_of = person.user.person_id;
    req.identity_code = std::move(code);
    req.visit = std::move(visit);
    req.submit = submit;
    return req;
  }

  // How many applications the person has, and how many visits the clerk has open.
  size_t ApplicationsOf(const Actor& person) {
    auto page = ListApplications(ctx_, person, ListRequest{});
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->applications.size() : 0;
  }
  size_t OpenVisitsOf(const Actor& clerk) {
    auto visits = ListOpenVisits(ctx_, clerk);
    EXPECT_TRUE(visits.ok());
    return visits.ok() ? visits->size() : 0;
  }

  // The access-log leaves queued so far, parsed.
  std::vector<nlohmann::json> QueuedLeaves() {
    std::vector<nlohmann::json> out;
    EXPECT_TRUE(store_->Write([&](ports::Transaction& tx) -> Status {
                  TB_ASSIGN_OR_RETURN(const auto rows, tx.access_log().ListQueuedAccessLogRows(100));
                  for (const auto& row : rows) out.push_back(nlohmann::json::parse(row.leaf));
                  return Ok();
                }).ok());
    return out;
  }

  std::unique_ptr<crypto::SealedKeyStore> keys_;
  crypto::JoseTokenCodec codec_;
  crypto::TileLogTree tree_;
  Actor clerk_, other_clerk_, community_clerk_;
};

}  // namespace tongban::services::testing
