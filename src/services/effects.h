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
// Work an effect can do BEFORE its transaction, off the database's writer (a licence's signatures:
// the costly part of issuing it) has a preparer: the use case about to record an action asks the
// preparers registered for that action first, outside any write transaction, and the handlers find
// what they made through EffectScope::Prepared. What a preparer made is a guess about the
// transaction to come: its handler checks inside the transaction that it still holds and does the
// work itself when it does not, so a preparer that made nothing, or something stale, changes only
// the speed.
//
// Thread-safety: register every handler and preparer before the first Publish; Publish and
// PrepareFor are then safe from any number of threads (the registry is read-only).
#pragma once

#include <any>
#include <functional>
#include <map>
#include <string>
#include <typeindex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.h"
#include "domain/events.h"
#include "domain/workflow.h"
#include "ports/store.h"
#include "ports/system.h"

namespace tongban::services {

struct Context;

// An action a use case is about to record on an application, as preparers see it.
struct ApplicationIntent {
  domain::Application application;  // as read before the transaction
  domain::Action action = domain::Action::kSubmit;
  Timestamp at{};                   // the time the transaction will record
};

// What the preparers made for one transaction, by preparer name.
class PreparedEffects {
 public:
  void Put(std::string name, std::any made) { made_[std::move(name)] = std::move(made); }
  // What `name` made, or nullptr when it made nothing of type T.
  template <typename T>
  const T* Find(const std::string& name) const {
    const auto it = made_.find(name);
    return it == made_.end() ? nullptr : std::any_cast<T>(&it->second);
  }

 private:
  std::map<std::string, std::any> made_;
};

// What a handler may do: read and write through the transaction, and enqueue outbox messages.
class EffectScope {
 public:
  EffectScope(const Context& ctx, ports::Transaction& tx, const PreparedEffects* prepared = nullptr)
      : ctx_(ctx), tx_(tx), prepared_(prepared) {}
  const Context& context() const { return ctx_; }
  ports::Transaction& tx() { return tx_; }
  // What the preparer `name` made before this transaction, or nullptr (see Effects::Prepare).
  template <typename T>
  const T* Prepared(const std::string& name) const {
    return prepared_ == nullptr ? nullptr : prepared_->Find<T>(name);
  }
  // Queues a message for the sender of `kind`, due now. A non-empty `dedupe_key` names the effect
  // (e.g. "email:approved:<application id>:<version>"), so a transaction run twice queues it once.
  Status Enqueue(std::string kind, std::string dedupe_key, std::string payload);

 private:
  const Context& ctx_;
  ports::Transaction& tx_;
  const PreparedEffects* prepared_;
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

  // A preparer answers what it made for the intent, or an empty std::any when it made nothing.
  // It runs outside any write transaction and must have no effect of its own.
  using Preparer = std::function<std::any(const Context&, const ApplicationIntent&)>;
  // Registers `preparer` under `name` for intents of `action`.
  void Prepare(domain::Action action, std::string name, Preparer preparer) {
    preparers_[action].push_back({std::move(name), std::move(preparer)});
  }
  // Whether any preparer waits for `action` (so a use case reads nothing extra otherwise).
  bool Prepares(domain::Action action) const { return preparers_.count(action) > 0; }
  // Runs the preparers of the intent's action; what a preparer did not make is left out.
  PreparedEffects PrepareFor(const Context& ctx, const ApplicationIntent& intent) const;

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
  std::map<domain::Action, std::vector<std::pair<std::string, Preparer>>> preparers_;
};

// Publishes `event` to ctx.effects (if any) inside `tx`, with what was prepared for it.
Status PublishEvent(const Context& ctx, ports::Transaction& tx, const domain::DomainEvent& event,
                    const PreparedEffects* prepared = nullptr);

}  // namespace tongban::services
