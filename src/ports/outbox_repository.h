// The outbox: what must happen after a transaction commits (send an email or an SMS, call another
// platform), written in the same transaction as the change that causes it, and delivered at least
// once by services::OutboxWorker. A message is claimed with a lease, so several servers can drain
// one outbox and a server that dies mid-send leaves its claim to expire and be taken again.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "common/enum_names.h"

namespace tongban::ports {

enum class OutboxState { kPending, kSent, kDead };

struct OutboxMessage {
  std::string id;          // ULID; a sender passes it on as the idempotency key
  std::string kind;        // which sender delivers it ("email", "sms", ...)
  std::string dedupe_key;  // the same effect enqueued twice is stored once ("" = never a duplicate)
  std::string payload;     // JSON text, the sender's to read
  Timestamp created_at{};
  Timestamp next_attempt_at{};
  int attempts = 0;  // delivery attempts made so far
  OutboxState state = OutboxState::kPending;
  std::string last_error;  // the sender's last error message (never personal data)
  std::optional<Timestamp> sent_at;
};

class OutboxRepository {
 public:
  virtual ~OutboxRepository() = default;
  // Stores a pending message. A message whose non-empty dedupe_key is already stored is not
  // stored again (answers OK): effects are idempotent.
  virtual Status EnqueueMessage(const OutboxMessage& message) = 0;
  // Claims at most `limit` pending messages due at `now` and not claimed by a live lease, oldest
  // first, for `worker` until `lease_until`. Concurrent claimers never get the same message.
  virtual Result<std::vector<OutboxMessage>> ClaimOutboxMessages(Timestamp now, const std::string& worker,
                                                                 Timestamp lease_until, int limit) = 0;
  // Records the outcome of an attempt by the worker that holds the claim; kConflict when the claim
  // was lost (it expired and another worker took the message).
  virtual Status FinishOutboxAttempt(const std::string& id, const std::string& worker, OutboxState state,
                                     Timestamp next_attempt_at, const std::string& error, Timestamp at) = 0;
  virtual Result<OutboxMessage> GetOutboxMessage(const std::string& id) = 0;
  // Housekeeping: deletes at most `limit` messages sent before `before`.
  virtual Result<int64_t> DeleteSentOutboxMessagesBefore(Timestamp before, int limit) = 0;
};

inline constexpr std::array kOutboxStateNames = {
    EnumName<OutboxState>{OutboxState::kPending, "pending"},
    EnumName<OutboxState>{OutboxState::kSent, "sent"},
    EnumName<OutboxState>{OutboxState::kDead, "dead"},
};
inline const char* OutboxStateName(OutboxState state) { return NameOf(kOutboxStateNames, state); }
inline std::optional<OutboxState> ParseOutboxState(std::string_view name) {
  return ValueOf(kOutboxStateNames, name);
}

}  // namespace tongban::ports
