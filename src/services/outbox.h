// The outbox worker: delivers what effects queued (services/effects.h) after their transaction
// committed, at least once, by the sender registered for each message's kind. Any number of
// servers may run it on one database: each claims due messages under a lease, sends them outside
// any transaction, and records each outcome; a server that dies mid-send leaves its lease to
// expire and another sends the message again, so senders must be idempotent on the message id
// (pass it on as the idempotency key, e.g. a Message-ID header).
//
// A failed attempt is tried again after a growing delay (first_retry, doubled each time, at most
// max_retry); after max_attempts (never, for a kind registered until_delivered), or at once when
// the sender answers kInvalidArgument (the message can never be sent as it is), the message is
// dead: kept with its last error for an operator.
//
// Thread-safety: OutboxSenders is filled at start-up and read-only after; DeliverOutbox is safe
// from any number of threads and servers.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "common/result.h"
#include "ports/outbox_repository.h"
#include "services/context.h"

namespace tongban::services {

class OutboxSenders {
 public:
  // Delivers one message; OK once the receiving system accepted it. The error message is stored
  // with the message and logged: it must not contain personal data.
  using Sender = std::function<Status(const ports::OutboxMessage&)>;
  // `until_delivered`: a message of this kind is never given up for its number of attempts, only
  // when the receiver refuses it (kInvalidArgument): a peer platform that is down delays a case,
  // it must not lose one. Other kinds are dead after OutboxPolicy::max_attempts.
  void Register(std::string kind, Sender sender, bool until_delivered = false) {
    senders_[std::move(kind)] = {std::move(sender), until_delivered};
  }
  const Sender* Find(const std::string& kind) const {
    const auto it = senders_.find(kind);
    return it == senders_.end() ? nullptr : &it->second.send;
  }
  bool UntilDelivered(const std::string& kind) const {
    const auto it = senders_.find(kind);
    return it != senders_.end() && it->second.until_delivered;
  }
  bool empty() const { return senders_.empty(); }

 private:
  struct Entry {
    Sender send;
    bool until_delivered = false;
  };
  std::map<std::string, Entry> senders_;
};

struct OutboxPolicy {
  int batch = 32;                                  // messages claimed at a time
  std::chrono::seconds lease{120};                 // a claim's lifetime: longer than a send
  int max_attempts = 10;
  std::chrono::seconds first_retry{30};
  std::chrono::seconds max_retry{std::chrono::hours(6)};
};

struct OutboxRun {
  int sent = 0;
  int retried = 0;
  int dead = 0;
  int lost = 0;  // claims that expired before the outcome was recorded (sent again later)
};

// Claims one batch of due messages for `worker` (a name unique to this process), sends each and
// records the outcomes. kUnavailable when the database cannot be reached.
Result<OutboxRun> DeliverOutbox(const Context& ctx, const OutboxSenders& senders, const std::string& worker,
                                const OutboxPolicy& policy = {});

// Housekeeping: runs `delete_batch` (deleting at most `limit` rows) in write transactions of their
// own until a batch deletes fewer than `limit`; answers how many were deleted in all.
Result<int64_t> DeleteInBatches(const Context& ctx,
                                const std::function<Result<int64_t>(ports::Transaction&, int limit)>& delete_batch);

// Housekeeping: deletes messages sent more than `keep` ago, in batches; answers how many.
Result<int64_t> PruneSentOutbox(const Context& ctx, std::chrono::seconds keep = std::chrono::hours(24 * 30));

// The delay before attempt number `attempts + 1`, given `attempts` failed ones.
std::chrono::seconds OutboxRetryDelay(const OutboxPolicy& policy, int attempts);

}  // namespace tongban::services
