// How a person is told besides the inbox (issue 12 item 3): their email address and mobile
// number, the channels they chose (PATCH /api/v1/me) and the language of what is sent; and, for
// every inbox message, one outbox row per chosen channel in the message's own transaction, so a
// message is sent by email and SMS exactly when it is in the inbox. Contact details are personal
// data: they are stored and handed to the senders, never logged and never in an error message.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <optional>
#include <string>

#include "ports/contact_repository.h"
#include "ports/message_repository.h"
#include "services/context.h"

namespace tongban::services {

inline constexpr size_t kMaxEmailBytes = 254;

// The actor's settings; the defaults (no address, no number, inbox only, Chinese) when they never
// saved any.
Result<ports::ContactSettings> GetMyContact(const Context& ctx, const Actor& actor);

// A change of the actor's settings: each field given replaces the stored one. An empty email or
// mobile removes it (and its channel).
struct ContactChange {
  std::optional<std::string> email;
  std::optional<std::string> mobile;
  std::optional<bool> email_on;
  std::optional<bool> sms_on;
  std::optional<std::string> language;
};

// Applies the change and answers the settings now in force. Email is turned on when an address is
// first given and SMS when a number is first given, unless the change says otherwise.
// kInvalidArgument, and nothing stored, for: a malformed address (error.me.email_invalid), a
// number that is not a mainland mobile number, with or without +86 (error.me.mobile_invalid), a
// language other than zh and en (error.me.language_invalid), email on without an address
// (error.me.email_needs_address), SMS on without a number (error.me.sms_needs_mobile).
Result<ports::ContactSettings> UpdateMyContact(const Context& ctx, const Actor& actor, const ContactChange& change);

// The mobile number in its stored form (11 digits) or "" when `text` is not a mainland mobile
// number; spaces and hyphens are ignored, +86 / 0086 is dropped.
std::string NormaliseMobile(const std::string& text);
// Whether `text` is an address we can send to: local@domain, printable ASCII without spaces,
// quotes or angle brackets, a domain of letters, digits and hyphens with a dot, at most 254 bytes.
bool ValidEmail(const std::string& text);

// Writes, inside `tx`, one outbox row per channel the recipient of `message` chose and the
// platform delivers on (ctx.deliver_email, ctx.deliver_sms; kind "email" or "sms", dedupe key
// "message:<id>:<channel>"), with what the sender needs: address, language, kind, parameters and
// reference. Nothing when nobody with settings receives it.
Status EnqueueMessageDeliveries(const Context& ctx, ports::Transaction& tx, const ports::Message& message);

}  // namespace tongban::services
