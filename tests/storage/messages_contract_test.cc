// The holder's inbox (ports/message_repository.h, V017): the storage contract on every database.
#include "store_contract.h"

namespace tongban::storage {
namespace {

using domain::ApplicantKind;
using ports::Message;

Message Sample(const std::string& id, const std::string& recipient, ApplicantKind kind = ApplicantKind::kPerson) {
  Message m;
  m.id = id;
  m.recipient_kind = kind;
  m.recipient_id = recipient;
  m.kind = "licence_suspended";
  m.params = R"({"licence_type":"driving_licence","reason":"现场检查不合格"})";
  m.reference_kind = "licence";
  m.reference_id = "L-" + id;
  m.created_at = At(1000);
  return m;
}

class MessagesContractTest : public StoreContractTest {
 protected:
  Status Insert(const Message& m) {
    return Write([&](ports::Transaction& tx) { return tx.messages().InsertMessage(m); });
  }
  Result<ports::MessagePage> List(const std::string& recipient, const std::string& after, int limit,
                                  ApplicantKind kind = ApplicantKind::kPerson) {
    return ReadValue<ports::MessagePage>(
        [&](ports::Transaction& tx) { return tx.messages().ListMessages(kind, recipient, after, limit); });
  }
  Result<int> Unread(const std::string& recipient, ApplicantKind kind = ApplicantKind::kPerson) {
    return ReadValue<int>([&](ports::Transaction& tx) { return tx.messages().CountUnreadMessages(kind, recipient); });
  }
  Status MarkRead(const std::string& id, int64_t at) {
    return Write([&](ports::Transaction& tx) { return tx.messages().MarkMessageRead(id, At(at)); });
  }
  Result<Message> Get(const std::string& id) {
    return ReadValue<Message>([&](ports::Transaction& tx) { return tx.messages().GetMessage(id); });
  }
};

std::vector<std::string> Ids(const ports::MessagePage& page) {
  std::vector<std::string> ids;
  for (const auto& m : page.messages) ids.push_back(m.id);
  return ids;
}

TEST_P(MessagesContractTest, AMessageIsStoredAsWrittenAndUnread) {
  ASSERT_OK(Insert(Sample("01A", "110101199003077777")));
  const auto m = Get("01A");
  ASSERT_OK(m);
  EXPECT_EQ(m->recipient_kind, ApplicantKind::kPerson);
  EXPECT_EQ(m->recipient_id, "110101199003077777");
  EXPECT_EQ(m->kind, "licence_suspended");
  EXPECT_EQ(m->params, R"({"licence_type":"driving_licence","reason":"现场检查不合格"})");
  EXPECT_EQ(m->reference_kind, "licence");
  EXPECT_EQ(m->reference_id, "L-01A");
  EXPECT_EQ(m->created_at, At(1000));
  EXPECT_FALSE(m->read_at.has_value());
  EXPECT_CODE(Get("nope"), ErrorCode::kNotFound);
  EXPECT_CODE(Insert(Sample("01A", "someone else")), ErrorCode::kConflict);  // the id is taken
  EXPECT_EQ(Get("01A")->recipient_id, "110101199003077777");
}

TEST_P(MessagesContractTest, ARecipientsInboxIsNewestFirstAndPaginated) {
  for (const char* id : {"01A", "01B", "01C", "01D", "01E"}) ASSERT_OK(Insert(Sample(id, "p1")));
  ASSERT_OK(Insert(Sample("01F", "p2")));                               // another person's
  ASSERT_OK(Insert(Sample("01G", "p1", ApplicantKind::kEnterprise)));  // an enterprise with the same id
  const auto first = List("p1", "", 2);
  ASSERT_OK(first);
  EXPECT_EQ(Ids(*first), (std::vector<std::string>{"01E", "01D"}));
  EXPECT_EQ(first->next_after, "01D");
  const auto second = List("p1", first->next_after, 2);
  EXPECT_EQ(Ids(*second), (std::vector<std::string>{"01C", "01B"}));
  const auto last = List("p1", second->next_after, 2);
  EXPECT_EQ(Ids(*last), (std::vector<std::string>{"01A"}));
  EXPECT_TRUE(last->next_after.empty());
  EXPECT_EQ(Ids(*List("p1", "", 10, ApplicantKind::kEnterprise)), (std::vector<std::string>{"01G"}));
  EXPECT_EQ(List("p1", "", 1000)->messages.size(), 5u);  // the limit is clamped, not refused
  EXPECT_TRUE(List("nobody", "", 10)->messages.empty());
}

TEST_P(MessagesContractTest, MarkingReadKeepsTheFirstReadingAndTheUnreadCountFollows) {
  for (const char* id : {"01A", "01B", "01C"}) ASSERT_OK(Insert(Sample(id, "p1")));
  EXPECT_EQ(*Unread("p1"), 3);
  ASSERT_OK(MarkRead("01B", 2000));
  EXPECT_EQ(*Unread("p1"), 2);
  ASSERT_OK(MarkRead("01B", 3000));  // again: no change, no error
  EXPECT_EQ(*Get("01B")->read_at, At(2000));
  EXPECT_CODE(MarkRead("nope", 2000), ErrorCode::kNotFound);
  EXPECT_EQ(*Unread("p2"), 0);
}

TEST_P(MessagesContractTest, TheUnreadCountStopsAtItsCap) {
  ASSERT_OK(Write([&](ports::Transaction& tx) -> Status {
    for (int i = 0; i < ports::kUnreadCountCap + 5; ++i) {
      char id[16];
      std::snprintf(id, sizeof id, "M%05d", i);
      TB_RETURN_IF_ERROR(tx.messages().InsertMessage(Sample(id, "p1")));
    }
    return Ok();
  }));
  EXPECT_EQ(*Unread("p1"), ports::kUnreadCountCap);
}

TEST_P(MessagesContractTest, WritesInsideReadAreRefused) {
  const Status s = store_->Read([&](ports::Transaction& tx) { return tx.messages().InsertMessage(Sample("01A", "p1")); });
  EXPECT_EQ(s.error().code, ErrorCode::kInternal);
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Databases, MessagesContractTest, ::testing::ValuesIn(testing::StoreTargets()),
                         [](const ::testing::TestParamInfo<testing::StoreTarget>& info) { return info.param.name; });

}  // namespace tongban::storage
