#include "services/contacts.h"

#include <cctype>

#include "domain/access_log.h"

namespace tongban::services {
namespace {

bool DomainLabelChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-'; }

std::string Payload(const ports::ContactSettings& contact, const std::string& to, const ports::Message& m) {
  using domain::JsonStringLiteral;
  return "{\"to\":" + JsonStringLiteral(to) + ",\"language\":" + JsonStringLiteral(contact.language) +
         ",\"message_id\":" + JsonStringLiteral(m.id) + ",\"kind\":" + JsonStringLiteral(m.kind) +
         ",\"params\":" + (m.params.empty() ? std::string("{}") : m.params) +
         ",\"reference_kind\":" + JsonStringLiteral(m.reference_kind) +
         ",\"reference_id\":" + JsonStringLiteral(m.reference_id) + "}";
}

}  // namespace

std::string NormaliseMobile(const std::string& text) {
  std::string digits;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '-') continue;
    if (c == '+' && digits.empty() && i + 1 < text.size()) {
      digits.push_back('+');
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) return "";
    digits.push_back(c);
  }
  if (digits.rfind("+86", 0) == 0) {
    digits.erase(0, 3);
  } else if (digits.rfind("0086", 0) == 0) {
    digits.erase(0, 4);
  }
  if (digits.size() != 11 || digits[0] != '1' || digits[1] < '3' || digits[1] > '9') return "";
  return digits;
}

bool ValidEmail(const std::string& text) {
  if (text.empty() || text.size() > kMaxEmailBytes) return false;
  const size_t at = text.find('@');
  if (at == 0 || at == std::string::npos || text.find('@', at + 1) != std::string::npos) return false;
  if (at > 64) return false;
  for (size_t i = 0; i < at; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c <= ' ' || c >= 0x7f) return false;
    if (std::string_view("\"(),:;<>[\\]").find(static_cast<char>(c)) != std::string_view::npos) return false;
  }
  const std::string domain = text.substr(at + 1);
  if (domain.empty() || domain.find('.') == std::string::npos) return false;
  size_t label = 0;
  for (size_t i = 0; i <= domain.size(); ++i) {
    if (i == domain.size() || domain[i] == '.') {
      if (label == 0 || label > 63 || domain[i - 1] == '-' || domain[i - label] == '-') return false;
      label = 0;
      continue;
    }
    if (!DomainLabelChar(domain[i])) return false;
    ++label;
  }
  return true;
}

Result<ports::ContactSettings> GetMyContact(const Context& ctx, const Actor& actor) {
  ports::ContactSettings out;
  out.user_id = actor.user.id;
  out.person_id = actor.user.person_id;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    auto stored = tx.contacts().GetContactSettings(actor.user.id);
    if (stored.ok()) {
      out = std::move(stored).value();
      return Ok();
    }
    if (stored.error().code == ErrorCode::kNotFound) return Ok();
    return stored.take_error();
  }));
  return out;
}

Result<ports::ContactSettings> UpdateMyContact(const Context& ctx, const Actor& actor, const ContactChange& change) {
  // Everything is checked before anything is read or written: bad input changes nothing.
  std::optional<std::string> email;
  if (change.email) {
    if (!change.email->empty() && !ValidEmail(*change.email)) {
      return MakeError(ErrorCode::kInvalidArgument, "error.me.email_invalid");
    }
    email = *change.email;
  }
  std::optional<std::string> mobile;
  if (change.mobile) {
    mobile = change.mobile->empty() ? std::string() : NormaliseMobile(*change.mobile);
    if (!change.mobile->empty() && mobile->empty()) return MakeError(ErrorCode::kInvalidArgument, "error.me.mobile_invalid");
  }
  if (change.language && *change.language != "zh" && *change.language != "en") {
    return MakeError(ErrorCode::kInvalidArgument, "error.me.language_invalid");
  }
  ports::ContactSettings out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    auto stored = tx.contacts().GetContactSettings(actor.user.id);
    ports::ContactSettings s;
    if (stored.ok()) {
      s = std::move(stored).value();
    } else if (stored.error().code != ErrorCode::kNotFound) {
      return stored.take_error();
    }
    s.user_id = actor.user.id;
    s.person_id = actor.user.person_id;
    if (email) {
      if (email->empty()) s.email_on = false;
      else if (s.email.empty()) s.email_on = true;  // on by default once an address is given
      s.email = *email;
    }
    if (mobile) {
      if (mobile->empty()) s.sms_on = false;
      else if (s.mobile.empty()) s.sms_on = true;  // on once a number is given
      s.mobile = *mobile;
    }
    if (change.email_on) s.email_on = *change.email_on;
    if (change.sms_on) s.sms_on = *change.sms_on;
    if (change.language) s.language = *change.language;
    if (s.email_on && s.email.empty()) return MakeError(ErrorCode::kInvalidArgument, "error.me.email_needs_address");
    if (s.sms_on && s.mobile.empty()) return MakeError(ErrorCode::kInvalidArgument, "error.me.sms_needs_mobile");
    s.updated_at = ctx.clock->Now();
    TB_RETURN_IF_ERROR(tx.contacts().PutContactSettings(s));
    out = s;
    return Ok();
  }));
  return out;
}

Status EnqueueMessageDeliveries(const Context& ctx, ports::Transaction& tx, const ports::Message& message) {
  std::optional<ports::ContactSettings> contact;
  if (message.recipient_kind == domain::ApplicantKind::kPerson) {
    TB_ASSIGN_OR_RETURN(contact, tx.contacts().ContactOfPerson(message.recipient_id));
  } else {
    TB_ASSIGN_OR_RETURN(contact, tx.contacts().ContactOfEnterprise(message.recipient_id));
  }
  if (!contact) return Ok();
  auto enqueue = [&](const char* channel, const std::string& to) -> Status {
    ports::OutboxMessage out;
    out.id = ctx.ids->NewId();
    out.kind = channel;
    out.dedupe_key = "message:" + message.id + ":" + channel;
    out.payload = Payload(*contact, to, message);
    out.created_at = message.created_at;
    out.next_attempt_at = message.created_at;
    return tx.outbox().EnqueueMessage(out);
  };
  if (ctx.deliver_email && contact->email_on && !contact->email.empty()) {
    TB_RETURN_IF_ERROR(enqueue("email", contact->email));
  }
  if (ctx.deliver_sms && contact->sms_on && !contact->mobile.empty()) {
    TB_RETURN_IF_ERROR(enqueue("sms", contact->mobile));
  }
  return Ok();
}

}  // namespace tongban::services
