// The holder's inbox (issue 12 item 3, first slice): a message to a person or an enterprise for
// every change that concerns them (an application accepted, a correction asked, approved,
// refused, delivered; a licence issued, delivered, suspended, revoked, reinstated), written in the
// transaction that makes the change, so a change is never without its message and a failed change
// leaves none. Messages store a kind and parameters; the reader's language renders them.
// Each message is also sent by email and SMS when the recipient chose those (services/contacts.h):
// the outbox rows are written with it.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ports/message_repository.h"
#include "services/context.h"
#include "services/effects.h"

namespace tongban::services {

// A message's parameters, in order: "licence_type", "item", "reference", "reason", ...
using MessageParams = std::vector<std::pair<std::string, std::string>>;

// What a message is about.
struct MessageSubject {
  std::string kind;  // "application" or "licence"
  std::string id;
};

// Puts a message of `kind` in the recipient's inbox, inside `tx`. Does nothing when recipient_id
// is empty (nobody to tell). Answers the store's error (the caller's transaction then fails).
Status PostMessage(const Context& ctx, ports::Transaction& tx, domain::ApplicantKind recipient_kind,
                   const std::string& recipient_id, const std::string& kind, const MessageParams& params,
                   const MessageSubject& subject);

// The parameters as a JSON object of strings (what ports::Message::params holds).
std::string MessageParamsJson(const MessageParams& params);

// Registers the messages of application changes that concern the applicant: accepted, not
// accepted, correction requested, approved, refused, delivered ("application_<state>").
void RegisterMessageEffects(Effects& effects);

// The actor's inbox: their own as a person, or the enterprise's (`enterprise`, a credit code)
// when they are its agent. Newest first, after the message id `after`.
// kPermissionDenied (error.message.no_agent_rights) for an enterprise they do not act for.
struct MessageList {
  std::vector<ports::Message> messages;
  std::string next_after;
  int unread = 0;  // up to ports::kUnreadCountCap
};
Result<MessageList> ListMyMessages(const Context& ctx, const Actor& actor, const std::string& enterprise,
                                   const std::string& after, int limit);

// How many messages of the actor's inbox (as in ListMyMessages) are unread, up to
// ports::kUnreadCountCap; 0 for someone who has no inbox (an official).
Result<int> CountMyUnreadMessages(const Context& ctx, const Actor& actor, const std::string& enterprise);

// Marks a message of the actor's (or of an enterprise they are an agent of) read; answers it.
// Reading it again keeps the first time. kNotFound (error.message.not_found) for a message that is
// not theirs, so ids are not probed.
Result<ports::Message> MarkMessageRead(const Context& ctx, const Actor& actor, const std::string& id);

}  // namespace tongban::services
