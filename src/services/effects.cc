#include "services/effects.h"

#include "services/context.h"

namespace tongban::services {

Status EffectScope::Enqueue(std::string kind, std::string dedupe_key, std::string payload) {
  ports::OutboxMessage message;
  message.id = ctx_.ids->NewId();
  message.kind = std::move(kind);
  message.dedupe_key = std::move(dedupe_key);
  message.payload = std::move(payload);
  message.created_at = ctx_.clock->Now();
  message.next_attempt_at = message.created_at;
  return tx_.outbox().EnqueueMessage(message);
}

Status Effects::Publish(EffectScope& scope, const domain::DomainEvent& event) const {
  const auto it = handlers_.find(std::visit([](const auto& e) { return std::type_index(typeid(e)); }, event));
  if (it == handlers_.end()) return Ok();
  for (const Entry& entry : it->second) {
    Status status = entry.run(scope, event);
    if (!status.ok()) return status;
  }
  return Ok();
}

Status PublishEvent(const Context& ctx, ports::Transaction& tx, const domain::DomainEvent& event) {
  if (ctx.effects == nullptr) return Ok();
  EffectScope scope(ctx, tx);
  return ctx.effects->Publish(scope, event);
}

}  // namespace tongban::services
