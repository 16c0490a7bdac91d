// Domain events: what a use case records as having happened, inside the transaction that made it
// happen. Effects of other capabilities (a licence issued on approval, a message to the applicant,
// a dashboard counter, a waiting sub-case started) react to them through services::Effects, in
// the same transaction, so the change and its effects commit together or not at all.
// Thread-safety: plain value types.
#pragma once

#include <string>
#include <variant>

#include "common/time.h"
#include "domain/application.h"
#include "domain/rating.h"
#include "domain/workflow.h"

namespace tongban::domain {

// An application was written through the workflow: created (as a draft or submitted), its answers
// or uploads changed, or an action moved it from `from` to `application.state`. `action` is the
// event's action as stored in its history ("create", "update", "upload", or an ActionName).
struct ApplicationChanged {
  Application application;  // as written, version included
  ApplicationState from = ApplicationState::kDraft;
  std::string action;
  std::string actor_user_id;
  std::string actor_role;  // "applicant", "clerk", "reviewer"
  Channel channel = Channel::kWeb;
  Timestamp at{};
  std::string reason;

  // True when the action changed the state (a workflow transition, submission included).
  bool Transitioned() const { return from != application.state; }
};

// A case's rating counters moved (domain/rating.h): a rating given, its rectification answered on
// time or late, or escalated. `month` is the rating's month, the one its counters count in.
struct RatingCounted {
  std::string application_id;
  std::string department;
  std::string item;
  std::string month;
  RatingCounts delta;
};

using DomainEvent = std::variant<ApplicationChanged, RatingCounted>;

}  // namespace tongban::domain
