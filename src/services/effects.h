// Effects of a transition: handlers that capabilities register for domain events and that run
// inside the transaction that recorded the event. A handler's error fails that transaction, so a
// case never moves without its effects (a licence on approval, a message, a counter). What must
// happen after the commit (send an email, call another platform) a handler puts in the outbox
// (EffectScope::Enqueue), which services::DeliverOutbox carries out at least once.
//
// Adding a capability's effect is one registration at start-up (app/wiring.cc), never an `if` in
// the use case:
//   effects.On<domain::ApplicationChanged>("licences.issue_on_approval",
//       [](EffectScope& scope, const domain::ApplicationChanged& e) -> Status { ... });
//
// Thread-safety: register every handler before the first Publish; Publish is then safe from any
// number of threads (the registry is read-only).
#pragma once

#include <functional>
#include <string>
#include <typeindex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.h"
#include "domain/events.h"
#include "ports/store.h"
#include "ports/system.h"

namespace tongban::services {

struct Context;

// What a handler may do: read and write through the transaction, and enqueue outbox messages.
class EffectScope {
 public:
  EffectScope(const Context& ctx, ports::Transaction& tx) : ctx_(ctx), tx_(tx) {}
  const Context& context() const { return ctx_; }
  ports::Transaction& tx() { return tx_; }
  // Queues a message for the sender of `kind`, due now. A non-empty `dedupe_key` names the effect
  // (e.g. "email:approved:<application id>:<version>"), so a transaction run twice queues it once.
  Status Enqueue(std::string kind, std::string dedupe_key, std::string payload);

 private:
  const Context& ctx_;
  ports::Transaction& tx_;
};

class Effects {
 public:
  template <typename E>
  using Handler = std::function<Status(EffectScope&, const E&)>;

  // Registers `handler` for events of type E under `name` (for logs and errors).
  template <typename E>
  void On(std::string name, Handler<E> handler) {
    handlers_[std::type_index(typeid(E))].push_back(
        {std::move(name), [handler = std::move(handler)](EffectScope& scope, const domain::DomainEvent& event) {
           return handler(scope, std::get<E>(event));
         }});
  }

  // Runs every handler registered for the event's type, in registration order, and stops at the
  // first error, which it returns (the caller's transaction then rolls back).
  Status Publish(EffectScope& scope, const domain::DomainEvent& event) const;

  // How many handlers are registered for events of type E.
  template <typename E>
  size_t HandlerCount() const {
    const auto it = handlers_.find(std::type_index(typeid(E)));
    return it == handlers_.end() ? 0 : it->second.size();
  }

 private:
  struct Entry {
    std::string name;
    std::function<Status(EffectScope&, const domain::DomainEvent&)> run;
  };
  std::unordered_map<std::type_index, std::vector<Entry>> handlers_;
};

// Publishes `event` to ctx.effects (if any) inside `tx`.
Status PublishEvent(const Context& ctx, ports::Transaction& tx, const domain::DomainEvent& event);

}  // namespace tongban::services
