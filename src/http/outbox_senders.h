// The outbox's senders of inbox messages (issue 12 item 3): "email" over SMTP with libcurl and
// "sms" through an HTTP gateway over ports::OutboundHttp. Both render the message from its kind
// and parameters with the zh/en texts of web/i18n ("message.<kind>"), in the recipient's language.
// Both run on the outbox worker's thread (services::DeliverOutbox), never on an I/O thread: the
// SMTP sender blocks that thread for one transfer; the SMS sender waits for the client's answer.
// Each passes the outbox id on as its idempotency key (the Message-ID; the gateway's
// Idempotency-Key), so a message sent again after a lost outcome is recognised as the same.
// Errors never carry the address, the number or the text (personal data).
// Thread-safety: a sender may be called from any thread; the SMTP sender serialises its calls.
#pragma once

#include <string>

#include "http/i18n.h"
#include "ports/outbound_http.h"
#include "services/context.h"
#include "services/outbox.h"

namespace tongban::http {

struct SmtpOptions {
  std::string url;   // smtp://host[:port] or smtps://host[:port]; empty: no email
  std::string from;  // the sender's address (MAIL FROM and From:)
  std::string user;  // optional login
  std::string password;
  std::string tls = "try";  // off | try (STARTTLS when offered) | required
  int timeout_seconds = 30;
};

struct SmsOptions {
  std::string url;    // http(s)://gateway/path: POST {"to","text","idempotency_key"}; empty: no SMS
  std::string token;  // optional: sent as "Authorization: Bearer <token>"
  int timeout_seconds = 10;
};

// What a message reads as in an email or an SMS.
struct OutgoingText {
  std::string subject;
  std::string body;
};

// Renders an outbox payload (services/contacts.h) in its language. kInvalidArgument when the
// payload is not one.
Result<OutgoingText> RenderOutboxText(const Translator& i18n, const domain::Catalogue* catalogue,
                                      const std::string& public_base_url, const std::string& payload);

// The email sender. kInvalidArgument (the message is dead at once) for a payload or address that
// can never be sent; kUnavailable for anything the next attempt may get past (server down,
// refused, timed out). `i18n` and `ctx` must outlive the sender.
services::OutboxSenders::Sender MakeSmtpSender(SmtpOptions options, const Translator& i18n,
                                               const services::Context& ctx);

// The SMS sender. A 2xx answer is delivered; 4xx other than 408 and 429 is kInvalidArgument (the
// gateway will never take it); anything else kUnavailable. `client`, `i18n` and `ctx` must outlive it.
services::OutboxSenders::Sender MakeSmsSender(SmsOptions options, ports::OutboundHttp& client,
                                              const Translator& i18n, const services::Context& ctx);

// The sender of kind "federation" (services/federation_messages.h): reads the queued message and
// delivers it with services::DeliverFederationMessage (signed when sent, the same id every attempt).
// kInvalidArgument for a payload that is not one. `ctx` and `client` must outlive it.
services::OutboxSenders::Sender MakeFederationSender(const services::Context& ctx, ports::OutboundHttp& client);

}  // namespace tongban::http
