// Applications, events and their pagination: the storage contract on every database.
#include "store_contract.h"

namespace tongban::storage {
namespace {

// ---- applications ----

TEST_P(StoreContractTest, ApplicationRoundTripsEveryField) {
  const domain::Application app = SampleApplication("01J00000000000000000000001");
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.applications().InsertApplication(app); }));
  const Result<domain::Application> got = GetApplication(app.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->item, app.item);
  EXPECT_EQ(got->department, app.department);
  EXPECT_EQ(got->applicant_user_id, app.applicant_user_id);
  EXPECT_EQ(got->person_id, app.person_id);
  EXPECT_EQ(got->enterprise, "");
  EXPECT_EQ(got->channel, domain::Channel::kWindow);
  EXPECT_EQ(got->centre, app.centre);
  EXPECT_EQ(got->state, domain::ApplicationState::kSubmitted);
  EXPECT_EQ(got->fields, app.fields);
  ASSERT_EQ(got->materials.size(), 2u);
  EXPECT_EQ(got->materials[0].code, "lease");
  EXPECT_EQ(got->materials[0].status, domain::MaterialStatus::kProvided);
  EXPECT_EQ(got->materials[0].blob_sha256, app.materials[0].blob_sha256);
  EXPECT_EQ(got->materials[0].content_type, "application/pdf");
  EXPECT_EQ(got->materials[0].file_name, "租约.pdf");
  EXPECT_EQ(got->materials[0].size, 12345);
  EXPECT_EQ(got->materials[1].status, domain::MaterialStatus::kToBeFetched);
  EXPECT_EQ(got->created_at, app.created_at);
  EXPECT_EQ(got->updated_at, app.updated_at);
  EXPECT_EQ(got->submitted_at, app.submitted_at);
  EXPECT_EQ(got->deadline, app.deadline);
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->catalogue_version, 7);
}

// Issue 9 item 4: a material fetched at submission keeps its provenance (a dataset's record, or
// a licence with its issuer and status), and one that could not be fetched keeps the reason.
TEST_P(StoreContractTest, FetchedMaterialProvenanceRoundTrips) {
  domain::Application app = SampleApplication("01J00000000000000000000009");
  domain::AttachedMaterial record;
  record.code = "identity";
  record.status = domain::MaterialStatus::kFetched;
  record.dataset = "population";
  record.record_id = "1";
  record.as_of = At(1750000000);
  domain::AttachedMaterial licence;
  licence.code = "business_licence";
  licence.status = domain::MaterialStatus::kFetched;
  licence.licence_id = "01JLICENCE";
  licence.licence_issuer = "market";
  licence.licence_status = "valid";
  licence.as_of = At(1760000100);
  domain::AttachedMaterial missing;
  missing.code = "permit";
  missing.status = domain::MaterialStatus::kMissing;
  missing.reason = "suspended";
  missing.licence_id = "01JOTHER";
  missing.licence_status = "suspended";
  app.materials = {record, licence, missing};
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.applications().InsertApplication(app); }));
  const Result<domain::Application> got = GetApplication(app.id);
  ASSERT_OK(got);
  ASSERT_EQ(got->materials.size(), 3u);
  EXPECT_EQ(got->materials[0].status, domain::MaterialStatus::kFetched);
  EXPECT_EQ(got->materials[0].dataset, "population");
  EXPECT_EQ(got->materials[0].record_id, "1");
  EXPECT_EQ(got->materials[0].as_of, std::optional<Timestamp>(At(1750000000)));
  EXPECT_EQ(got->materials[0].reason, "");
  EXPECT_EQ(got->materials[1].licence_id, "01JLICENCE");
  EXPECT_EQ(got->materials[1].licence_issuer, "market");
  EXPECT_EQ(got->materials[1].licence_status, "valid");
  EXPECT_EQ(got->materials[1].as_of, std::optional<Timestamp>(At(1760000100)));
  EXPECT_EQ(got->materials[2].status, domain::MaterialStatus::kMissing);
  EXPECT_EQ(got->materials[2].reason, "suspended");
  EXPECT_EQ(got->materials[2].licence_status, "suspended");
  EXPECT_FALSE(got->materials[2].as_of.has_value());
}

TEST_P(StoreContractTest, DraftWithoutSubmissionOrDeadlineRoundTrips) {
  domain::Application app = SampleApplication("01J00000000000000000000002");
  app.state = domain::ApplicationState::kDraft;
  app.submitted_at.reset();
  app.deadline.reset();
  app.fields.clear();
  app.materials.clear();
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.applications().InsertApplication(app); }));
  const Result<domain::Application> got = GetApplication(app.id);
  ASSERT_OK(got);
  EXPECT_FALSE(got->submitted_at.has_value());
  EXPECT_FALSE(got->deadline.has_value());
  EXPECT_TRUE(got->fields.empty());
  EXPECT_TRUE(got->materials.empty());
}

TEST_P(StoreContractTest, DuplicateApplicationIsConflictAndMissingIsNotFound) {
  const domain::Application app = SampleApplication("01J00000000000000000000001");
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.applications().InsertApplication(app); }));
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.applications().InsertApplication(app); }), ErrorCode::kConflict);
  EXPECT_CODE(GetApplication("01J0000000000000000000000X"), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, UpdateApplicationChecksTheVersion) {
  domain::Application app = SampleApplication("01J00000000000000000000001");
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.applications().InsertApplication(app); }));

  app.state = domain::ApplicationState::kAccepted;
  app.fields["shop_name"] = "新名字";
  app.updated_at = At(1760009999);
  app.version = 2;
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.applications().UpdateApplication(app); }));
  Result<domain::Application> got = GetApplication(app.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->state, domain::ApplicationState::kAccepted);
  EXPECT_EQ(got->fields.at("shop_name"), "新名字");
  EXPECT_EQ(got->updated_at, At(1760009999));
  EXPECT_EQ(got->created_at, At(1760000000));
  EXPECT_EQ(got->version, 2);

  // A second writer that read version 1 also bumps to 2: it lost the race.
  domain::Application stale = app;
  stale.state = domain::ApplicationState::kNotAccepted;
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.applications().UpdateApplication(stale); }), ErrorCode::kConflict);
  stale.version = 5;  // skipping versions is no better
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.applications().UpdateApplication(stale); }), ErrorCode::kConflict);
  got = GetApplication(app.id);
  EXPECT_EQ(got->state, domain::ApplicationState::kAccepted);

  domain::Application missing = SampleApplication("01J0000000000000000000000X");
  missing.version = 2;
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.applications().UpdateApplication(missing); }), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, EventsListInSequenceAndSequenceIsUnique) {
  const domain::Application app = SampleApplication("01J00000000000000000000001");
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.applications().InsertApplication(app); }));
  const auto event = [&](int seq, domain::ApplicationState from, domain::ApplicationState to) {
    domain::Event e;
    e.id = "ev" + std::to_string(seq);
    e.application_id = app.id;
    e.seq = seq;
    e.action = seq == 1 ? "create" : "accept";
    e.from = from;
    e.to = to;
    e.actor_user_id = "u1";
    e.actor_role = "clerk";
    e.channel = domain::Channel::kKiosk;
    e.at = At(1000 + seq);
    e.reason = seq == 3 ? "材料齐全" : "";
    return e;
  };
  using S = domain::ApplicationState;
  ASSERT_OK(Write([&](ports::Transaction& tx) -> Status {
    TB_RETURN_IF_ERROR(tx.applications().InsertEvent(event(3, S::kSubmitted, S::kAccepted)));
    TB_RETURN_IF_ERROR(tx.applications().InsertEvent(event(1, S::kDraft, S::kDraft)));
    return tx.applications().InsertEvent(event(2, S::kDraft, S::kSubmitted));
  }));
  const Result<std::vector<domain::Event>> events =
      ReadValue<std::vector<domain::Event>>([&](ports::Transaction& tx) { return tx.applications().ListEvents(app.id); });
  ASSERT_OK(events);
  ASSERT_EQ(events->size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ((*events)[i].seq, i + 1);
  const domain::Event& last = (*events)[2];
  EXPECT_EQ(last.id, "ev3");
  EXPECT_EQ(last.action, "accept");
  EXPECT_EQ(last.from, S::kSubmitted);
  EXPECT_EQ(last.to, S::kAccepted);
  EXPECT_EQ(last.actor_user_id, "u1");
  EXPECT_EQ(last.actor_role, "clerk");
  EXPECT_EQ(last.channel, domain::Channel::kKiosk);
  EXPECT_EQ(last.at, At(1003));
  EXPECT_EQ(last.reason, "材料齐全");

  domain::Event again = event(2, S::kSubmitted, S::kRefused);
  again.id = "ev-other";
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.applications().InsertEvent(again); }), ErrorCode::kConflict);
  EXPECT_EQ(ReadValue<std::vector<domain::Event>>([&](ports::Transaction& tx) { return tx.applications().ListEvents(app.id); })
                ->size(),
            3u);
}

TEST_P(StoreContractTest, EventOfUnknownApplicationIsRefused) {
  domain::Event e;
  e.id = "ev1";
  e.application_id = "ghost";
  e.seq = 1;
  e.action = "create";
  EXPECT_CODE(Write([&](ports::Transaction& tx) { return tx.applications().InsertEvent(e); }), ErrorCode::kNotFound);
}

// ---- pagination ----

struct ScopeCase {
  const char* name;
  std::function<void(domain::Application&, const std::string&)> place;  // puts an app in a scope
  std::function<void(ports::ApplicationQuery&, const std::string&)> select;
};

std::vector<ScopeCase> ScopeCases() {
  return {
      {"applicant", [](domain::Application& a, const std::string& v) { a.applicant_user_id = v; },
       [](ports::ApplicationQuery& q, const std::string& v) { q.applicant_user_id = v; }},
      {"person", [](domain::Application& a, const std::string& v) { a.person_id = v; },
       [](ports::ApplicationQuery& q, const std::string& v) { q.person_id = v; }},
      {"enterprise", [](domain::Application& a, const std::string& v) { a.enterprise = v; },
       [](ports::ApplicationQuery& q, const std::string& v) { q.enterprise = v; }},
      {"department", [](domain::Application& a, const std::string& v) { a.department = v; },
       [](ports::ApplicationQuery& q, const std::string& v) { q.department = v; }},
      {"centre", [](domain::Application& a, const std::string& v) { a.centre = v; },
       [](ports::ApplicationQuery& q, const std::string& v) { q.centre = v; }},
  };
}


TEST_P(StoreContractTest, PaginationWalksEveryScopeNewestFirst) {
  for (const ScopeCase& scope : ScopeCases()) {
    SCOPED_TRACE(scope.name);
    const std::string tag = std::string("scope-") + scope.name;
    // Five applications in the scope interleaved with two outside it.
    std::vector<std::string> mine;
    ASSERT_OK(Write([&](ports::Transaction& tx) -> Status {
      static int next = 1000;
      for (int i = 0; i < 7; ++i) {
        domain::Application app = SampleApplication(AppId(next++));
        if (i % 3 != 2) {
          scope.place(app, tag);
          mine.push_back(app.id);
        } else {
          scope.place(app, tag + "-other");
        }
        TB_RETURN_IF_ERROR(tx.applications().InsertApplication(app));
      }
      return Ok();
    }));
    ASSERT_EQ(mine.size(), 5u);

    std::vector<std::string> seen;
    std::vector<size_t> page_sizes;
    ports::ApplicationQuery query;
    scope.select(query, tag);
    query.limit = 2;
    for (int page = 0; page < 10; ++page) {
      const Result<ports::ApplicationPage> result = ReadValue<ports::ApplicationPage>(
          [&](ports::Transaction& tx) { return tx.applications().ListApplications(query); });
      ASSERT_OK(result);
      page_sizes.push_back(result->applications.size());
      for (const domain::Application& app : result->applications) seen.push_back(app.id);
      if (result->next_page_token.empty()) break;
      EXPECT_EQ(result->next_page_token.find(result->applications.back().id), std::string::npos)
          << "the token should not be the bare id";
      query.page_token = result->next_page_token;
    }
    EXPECT_EQ(page_sizes, (std::vector<size_t>{2, 2, 1}));
    EXPECT_EQ(seen, std::vector<std::string>(mine.rbegin(), mine.rend()));
  }
}

TEST_P(StoreContractTest, PaginationFiltersByStateAndItem) {
  ASSERT_OK(Write([&](ports::Transaction& tx) -> Status {
    for (int i = 0; i < 12; ++i) {
      domain::Application app = SampleApplication(AppId(i));
      app.state = i % 2 == 0 ? domain::ApplicationState::kSubmitted : domain::ApplicationState::kAccepted;
      app.item = i % 3 == 0 ? "tax.register" : "market.business-licence";
      TB_RETURN_IF_ERROR(tx.applications().InsertApplication(app));
    }
    return Ok();
  }));
  const auto list = [&](ports::ApplicationQuery query) {
    std::vector<int> ids;
    while (true) {
      const Result<ports::ApplicationPage> page = ReadValue<ports::ApplicationPage>(
          [&](ports::Transaction& tx) { return tx.applications().ListApplications(query); });
      EXPECT_TRUE(page.ok());
      if (!page.ok()) break;
      for (const auto& app : page->applications) ids.push_back(std::stoi(app.id.substr(3)));
      if (page->next_page_token.empty()) break;
      query.page_token = page->next_page_token;
    }
    return ids;
  };
  ports::ApplicationQuery query;
  query.department = "market";
  query.limit = 2;
  query.state = domain::ApplicationState::kSubmitted;
  EXPECT_EQ(list(query), (std::vector<int>{10, 8, 6, 4, 2, 0}));
  query.item = "tax.register";
  EXPECT_EQ(list(query), (std::vector<int>{6, 0}));
  query.state.reset();
  EXPECT_EQ(list(query), (std::vector<int>{9, 6, 3, 0}));
}

// Security review findings 3 and 6: an agent's list covers only the items of their grant, and
// an official's queue never shows drafts; both stay one paginated query.
TEST_P(StoreContractTest, PaginationFiltersByItemListAndLeavesDraftsOut) {
  const std::vector<std::string> items = {"market.a", "market.b", "market.c"};
  ASSERT_OK(Write([&](ports::Transaction& tx) -> Status {
    for (int i = 0; i < 12; ++i) {
      domain::Application app = SampleApplication(AppId(i));
      app.enterprise = "91310115MA0000001X";
      app.item = items[i % 3];
      app.state = i % 4 == 0 ? domain::ApplicationState::kDraft : domain::ApplicationState::kSubmitted;
      TB_RETURN_IF_ERROR(tx.applications().InsertApplication(app));
    }
    return Ok();
  }));
  const auto list = [&](ports::ApplicationQuery query) {
    std::vector<int> ids;
    while (true) {
      const Result<ports::ApplicationPage> page = ReadValue<ports::ApplicationPage>(
          [&](ports::Transaction& tx) { return tx.applications().ListApplications(query); });
      EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().message);
      if (!page.ok()) break;
      for (const auto& app : page->applications) ids.push_back(std::stoi(app.id.substr(3)));
      if (page->next_page_token.empty()) break;
      query.page_token = page->next_page_token;
    }
    return ids;
  };
  ports::ApplicationQuery by_enterprise;
  by_enterprise.enterprise = "91310115MA0000001X";
  by_enterprise.limit = 2;
  by_enterprise.items = {"market.a", "market.c"};
  EXPECT_EQ(list(by_enterprise), (std::vector<int>{11, 9, 8, 6, 5, 3, 2, 0}));
  by_enterprise.items = {"market.b"};
  EXPECT_EQ(list(by_enterprise), (std::vector<int>{10, 7, 4, 1}));
  by_enterprise.exclude_drafts = true;
  EXPECT_EQ(list(by_enterprise), (std::vector<int>{10, 7, 1}));

  ports::ApplicationQuery queue;
  queue.department = "market";
  queue.limit = 3;
  queue.exclude_drafts = true;
  EXPECT_EQ(list(queue), (std::vector<int>{11, 10, 9, 7, 6, 5, 3, 2, 1}));
  queue.state = domain::ApplicationState::kDraft;
  EXPECT_TRUE(list(queue).empty());
}

TEST_P(StoreContractTest, PaginationLimitIsClampedTo1ThroughMaxPageSize) {
  ASSERT_OK(Write([&](ports::Transaction& tx) -> Status {
    for (int i = 0; i < ports::kMaxPageSize + 5; ++i) TB_RETURN_IF_ERROR(tx.applications().InsertApplication(SampleApplication(AppId(i))));
    return Ok();
  }));
  for (const auto& [limit, expected] : std::vector<std::pair<int, size_t>>{{0, 1},
                                                                                  {-5, 1},
                                                                                  {1000, size_t{ports::kMaxPageSize}},
                                                                                  {ports::kMaxPageSize, size_t{ports::kMaxPageSize}}}) {
    ports::ApplicationQuery query;
    query.centre = "pudong-1";
    query.limit = limit;
    const Result<ports::ApplicationPage> page =
        ReadValue<ports::ApplicationPage>([&](ports::Transaction& tx) { return tx.applications().ListApplications(query); });
    ASSERT_OK(page);
    EXPECT_EQ(page->applications.size(), expected) << "limit " << limit;
    EXPECT_FALSE(page->next_page_token.empty());
  }
}

TEST_P(StoreContractTest, ApplicationQueryNeedsExactlyOneScopeAndAValidToken) {
  const auto list = [&](const ports::ApplicationQuery& query) {
    return ReadValue<ports::ApplicationPage>([&](ports::Transaction& tx) { return tx.applications().ListApplications(query); });
  };
  ports::ApplicationQuery none;
  EXPECT_CODE(list(none), ErrorCode::kInvalidArgument);
  ports::ApplicationQuery two;
  two.department = "market";
  two.centre = "pudong-1";
  EXPECT_CODE(list(two), ErrorCode::kInvalidArgument);
  ports::ApplicationQuery bad_token;
  bad_token.department = "market";
  bad_token.page_token = "not a token!";
  EXPECT_CODE(list(bad_token), ErrorCode::kInvalidArgument);
  ports::ApplicationQuery empty_result;
  empty_result.person_id = "nobody";
  const Result<ports::ApplicationPage> page = list(empty_result);
  ASSERT_OK(page);
  EXPECT_TRUE(page->applications.empty());
  EXPECT_TRUE(page->next_page_token.empty());
}

}  // namespace
}  // namespace tongban::storage
