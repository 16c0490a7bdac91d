#include "storage/sql_messages.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

namespace tongban::storage {
namespace {

using ports::Message;

#define TB_MESSAGE_COLUMNS \
  "id, recipient_kind, recipient_id, kind, params, reference_kind, reference_id, created_at, read_at"
constexpr std::string_view kInsertMessage =
    "INSERT INTO messages (" TB_MESSAGE_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)";
constexpr std::string_view kSelectMessage = "SELECT " TB_MESSAGE_COLUMNS " FROM messages WHERE id = $1";
constexpr std::string_view kListFirst =
    "SELECT " TB_MESSAGE_COLUMNS
    " FROM messages WHERE recipient_kind = $1 AND recipient_id = $2 ORDER BY id DESC LIMIT $3";
constexpr std::string_view kListAfter =
    "SELECT " TB_MESSAGE_COLUMNS
    " FROM messages WHERE recipient_kind = $1 AND recipient_id = $2 AND id < $3 ORDER BY id DESC LIMIT $4";
#undef TB_MESSAGE_COLUMNS
constexpr std::string_view kMarkRead = "UPDATE messages SET read_at = $2 WHERE id = $1 AND read_at IS NULL";
constexpr std::string_view kExists = "SELECT 1 FROM messages WHERE id = $1";
// Counted through the partial index of unread rows, and never past the cap.
constexpr std::string_view kCountUnread =
    "SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE recipient_kind = $1 AND recipient_id = $2"
    " AND read_at IS NULL LIMIT $3) unread";

Result<Message> ReadMessage(Statement& statement) {
  Columns c(statement);
  Message m;
  m.id = c.Text();
  const std::string kind = c.Text();
  const std::optional<domain::ApplicantKind> parsed = domain::ParseApplicantKind(kind);
  if (!parsed) return Corrupt("messages.recipient_kind '" + kind + "'");
  m.recipient_kind = *parsed;
  m.recipient_id = c.Text();
  m.kind = c.Text();
  m.params = c.Text();
  m.reference_kind = c.Text();
  m.reference_id = c.Text();
  m.created_at = FromSeconds(c.Int());
  if (const std::optional<int64_t> read = c.OptionalInt()) m.read_at = FromSeconds(*read);
  return m;
}

}  // namespace

Status SqlMessages::InsertMessage(const Message& m) {
  return sql_.Run(kInsertMessage, [&](Binder& b) {
    b.Text(m.id)
        .Text(domain::ApplicantKindName(m.recipient_kind))
        .Text(m.recipient_id)
        .Text(m.kind)
        .Text(m.params)
        .Text(m.reference_kind)
        .Text(m.reference_id)
        .Int(Seconds(m.created_at));
  });
}

Result<Message> SqlMessages::GetMessage(const std::string& id) {
  return sql_.One<Message>(kSelectMessage, [&](Binder& b) { b.Text(id); }, "error.message.not_found", ReadMessage);
}

Result<ports::MessagePage> SqlMessages::ListMessages(domain::ApplicantKind kind, const std::string& recipient_id,
                                                     const std::string& after, int limit) {
  const int page = std::clamp(limit, 1, ports::kMaxMessagePage);
  ports::MessagePage out;
  if (after.empty()) {
    TB_ASSIGN_OR_RETURN(out.messages, sql_.All<Message>(kListFirst, [&](Binder& b) {
      b.Text(domain::ApplicantKindName(kind)).Text(recipient_id).Int(page + 1);
    }, ReadMessage));
  } else {
    TB_ASSIGN_OR_RETURN(out.messages, sql_.All<Message>(kListAfter, [&](Binder& b) {
      b.Text(domain::ApplicantKindName(kind)).Text(recipient_id).Text(after).Int(page + 1);
    }, ReadMessage));
  }
  if (static_cast<int>(out.messages.size()) > page) {
    out.messages.pop_back();
    out.next_after = out.messages.back().id;
  }
  return out;
}

Status SqlMessages::MarkMessageRead(const std::string& id, Timestamp at) {
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kMarkRead, [&](Binder& b) { b.Text(id).Int(Seconds(at)); }));
  if (changed > 0) return Ok();
  // Already read, or no such message.
  TB_ASSIGN_OR_RETURN(std::vector<int> rows, sql_.All<int>(kExists, [&](Binder& b) { b.Text(id); },
                                                          [](Statement&) { return Result<int>(1); }));
  const bool exists = !rows.empty();
  if (!exists) return MakeError(ErrorCode::kNotFound, "error.message.not_found");
  return Ok();
}

Result<int> SqlMessages::CountUnreadMessages(domain::ApplicantKind kind, const std::string& recipient_id) {
  return sql_.One<int>(kCountUnread, [&](Binder& b) {
    b.Text(domain::ApplicantKindName(kind)).Text(recipient_id).Int(ports::kUnreadCountCap);
  }, "", [](Statement& s) { return Result<int>(static_cast<int>(Columns(s).Int())); });
}

}  // namespace tongban::storage
