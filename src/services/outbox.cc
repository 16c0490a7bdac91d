#include "services/outbox.h"

#include <algorithm>
#include <exception>
#include <vector>

namespace tongban::services {

std::chrono::seconds OutboxRetryDelay(const OutboxPolicy& policy, int attempts) {
  std::chrono::seconds delay = policy.first_retry;
  for (int i = 1; i < attempts && delay < policy.max_retry; ++i) delay *= 2;
  return std::min(delay, policy.max_retry);
}

Result<int64_t> DeleteInBatches(const Context& ctx,
                                const std::function<Result<int64_t>(ports::Transaction&, int limit)>& delete_batch) {
  constexpr int kBatch = 1000;
  int64_t total = 0;
  while (true) {
    int64_t deleted = 0;
    TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(deleted, delete_batch(tx, kBatch));
      return Ok();
    }));
    total += deleted;
    if (deleted < kBatch) return total;
  }
}

Result<int64_t> PruneSentOutbox(const Context& ctx, std::chrono::seconds keep) {
  const Timestamp before = ctx.clock->Now() - keep;
  return DeleteInBatches(ctx, [&](ports::Transaction& tx, int limit) {
    return tx.outbox().DeleteSentOutboxMessagesBefore(before, limit);
  });
}

Result<OutboxRun> DeliverOutbox(const Context& ctx, const OutboxSenders& senders, const std::string& worker,
                                const OutboxPolicy& policy) {
  const Timestamp claimed_at = ctx.clock->Now();
  std::vector<ports::OutboxMessage> claimed;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(claimed, tx.outbox().ClaimOutboxMessages(claimed_at, worker, claimed_at + policy.lease,
                                                                 policy.batch));
    return Ok();
  }));

  OutboxRun run;
  for (const ports::OutboxMessage& message : claimed) {
    Status sent = MakeError(ErrorCode::kUnavailable, "no sender for outbox kind '" + message.kind + "'");
    if (const OutboxSenders::Sender* sender = senders.Find(message.kind)) {
      try {
        sent = (*sender)(message);
      } catch (const std::exception& e) {
        sent = MakeError(ErrorCode::kInternal, std::string("sender threw: ") + e.what());
      }
    }
    const Timestamp now = ctx.clock->Now();
    const int attempts = message.attempts + 1;
    ports::OutboxState state = ports::OutboxState::kSent;
    Timestamp next = now;
    std::string error;
    if (!sent.ok()) {
      error = sent.error().message;
      const bool permanent = sent.error().code == ErrorCode::kInvalidArgument;
      if (permanent || (attempts >= policy.max_attempts && !senders.UntilDelivered(message.kind))) {
        state = ports::OutboxState::kDead;
      } else {
        state = ports::OutboxState::kPending;
        next = now + OutboxRetryDelay(policy, attempts);
      }
    }
    const Status recorded = ctx.store->Write([&](ports::Transaction& tx) {
      return tx.outbox().FinishOutboxAttempt(message.id, worker, state, next, error, now);
    });
    if (!recorded.ok()) {
      if (recorded.error().code != ErrorCode::kConflict) return recorded.error();
      ++run.lost;
      continue;
    }
    switch (state) {
      case ports::OutboxState::kSent: ++run.sent; break;
      case ports::OutboxState::kPending: ++run.retried; break;
      case ports::OutboxState::kDead: ++run.dead; break;
    }
  }
  return run;
}

}  // namespace tongban::services
