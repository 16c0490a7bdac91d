// The holder's inbox (issue 12 item 3): messages to a person or an enterprise telling them of a
// change that concerns them (an application accepted, a licence suspended, ...), written in the
// same transaction as the change. A message stores its kind and parameters, not its text, so it
// reads in the reader's language.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "domain/catalogue.h"

namespace tongban::ports {

// At most this many messages per page of ListMessages.
inline constexpr int kMaxMessagePage = 100;
// The unread count stops counting here (the menu shows "99+").
inline constexpr int kUnreadCountCap = 100;

struct Message {
  std::string id;  // ULID
  domain::ApplicantKind recipient_kind = domain::ApplicantKind::kPerson;
  std::string recipient_id;    // ID number or unified social credit code
  std::string kind;            // "licence_suspended", "application_approved", ...
  std::string params;          // JSON object of strings: "licence_type", "item", "reference", "reason"
  std::string reference_kind;  // "application" or "licence"
  std::string reference_id;
  Timestamp created_at{};
  std::optional<Timestamp> read_at;
};

struct MessagePage {
  std::vector<Message> messages;
  std::string next_after;  // the last id of this page when there may be more; empty on the last
};

class MessageRepository {
 public:
  virtual ~MessageRepository() = default;
  // Stores a new message; kConflict when the id is taken (nothing is stored then).
  virtual Status InsertMessage(const Message& message) = 0;
  // kNotFound (error.message.not_found).
  virtual Result<Message> GetMessage(const std::string& id) = 0;
  // The recipient's messages, newest first, after the message id `after` (empty: from the newest);
  // `limit` is clamped to 1..kMaxMessagePage.
  virtual Result<MessagePage> ListMessages(domain::ApplicantKind kind, const std::string& recipient_id,
                                           const std::string& after, int limit) = 0;
  // Marks the message read at `at` unless it already is (the first reading is kept). kNotFound
  // (error.message.not_found) when there is no such message.
  virtual Status MarkMessageRead(const std::string& id, Timestamp at) = 0;
  // How many of the recipient's messages are unread, counted up to kUnreadCountCap.
  virtual Result<int> CountUnreadMessages(domain::ApplicantKind kind, const std::string& recipient_id) = 0;
};

}  // namespace tongban::ports
