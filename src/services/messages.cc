#include "services/messages.h"

#include "domain/access_log.h"
#include "services/contacts.h"

namespace tongban::services {
namespace {

// The message kind of an application action that concerns the applicant; "" for the others.
std::string ApplicationMessageKind(const std::string& action) {
  using domain::Action;
  using domain::ActionName;
  if (action == ActionName(Action::kAccept)) return "application_accepted";
  if (action == ActionName(Action::kReject)) return "application_not_accepted";
  if (action == ActionName(Action::kRequestCorrection)) return "application_correction_requested";
  if (action == ActionName(Action::kApprove)) return "application_approved";
  if (action == ActionName(Action::kRefuse)) return "application_refused";
  if (action == ActionName(Action::kDeliver)) return "application_delivered";
  return "";
}

// Whether the actor reads the inbox of (kind, id): their own as a person, an enterprise's as its
// agent.
Result<bool> ReadsInbox(ports::Transaction& tx, const Actor& actor, domain::ApplicantKind kind, const std::string& id) {
  const domain::User& u = actor.user;
  if (id.empty()) return false;
  if (kind == domain::ApplicantKind::kPerson) return !u.person_id.empty() && u.person_id == id;
  if (!u.HasRole(domain::Role::kEnterpriseAgent)) return false;
  auto grant = tx.accounts().GetAgentGrant(id, u.id);
  if (grant.ok()) return true;
  if (grant.error().code == ErrorCode::kNotFound) return false;
  return grant.take_error();
}

// The inbox the actor asks for: the enterprise's when `enterprise` is set (and they are its
// agent), else their own.
Result<std::pair<domain::ApplicantKind, std::string>> InboxOf(ports::Transaction& tx, const Actor& actor,
                                                              const std::string& enterprise) {
  if (enterprise.empty()) return std::make_pair(domain::ApplicantKind::kPerson, actor.user.person_id);
  TB_ASSIGN_OR_RETURN(const bool agent, ReadsInbox(tx, actor, domain::ApplicantKind::kEnterprise, enterprise));
  if (!agent) return MakeError(ErrorCode::kPermissionDenied, "error.message.no_agent_rights");
  return std::make_pair(domain::ApplicantKind::kEnterprise, enterprise);
}

}  // namespace

std::string MessageParamsJson(const MessageParams& params) {
  std::string out = "{";
  for (const auto& [name, value] : params) {
    if (out.size() > 1) out.push_back(',');
    out += domain::JsonStringLiteral(name);
    out.push_back(':');
    out += domain::JsonStringLiteral(value);
  }
  out.push_back('}');
  return out;
}

Status PostMessage(const Context& ctx, ports::Transaction& tx, domain::ApplicantKind recipient_kind,
                   const std::string& recipient_id, const std::string& kind, const MessageParams& params,
                   const MessageSubject& subject) {
  if (recipient_id.empty()) return Ok();
  ports::Message m;
  m.id = ctx.ids->NewId();
  m.recipient_kind = recipient_kind;
  m.recipient_id = recipient_id;
  m.kind = kind;
  m.params = MessageParamsJson(params);
  m.reference_kind = subject.kind;
  m.reference_id = subject.id;
  m.created_at = ctx.clock->Now();
  TB_RETURN_IF_ERROR(tx.messages().InsertMessage(m));
  // Email and SMS in the same transaction: sent exactly when the message is in the inbox.
  return EnqueueMessageDeliveries(ctx, tx, m);
}

void RegisterMessageEffects(Effects& effects) {
  effects.On<domain::ApplicationChanged>(
      "messages.tell_applicant", [](EffectScope& scope, const domain::ApplicationChanged& e) -> Status {
        if (!e.Transitioned()) return Ok();
        const std::string kind = ApplicationMessageKind(e.action);
        if (kind.empty()) return Ok();
        const domain::Application& app = e.application;
        const bool enterprise = !app.enterprise.empty();
        MessageParams params{{"item", app.item}, {"reference", app.reference}};
        if (!e.reason.empty()) params.emplace_back("reason", e.reason);
        return PostMessage(scope.context(), scope.tx(),
                           enterprise ? domain::ApplicantKind::kEnterprise : domain::ApplicantKind::kPerson,
                           enterprise ? app.enterprise : app.person_id, kind, params, {"application", app.id});
      });
}

Result<MessageList> ListMyMessages(const Context& ctx, const Actor& actor, const std::string& enterprise,
                                   const std::string& after, int limit) {
  MessageList out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const auto inbox, InboxOf(tx, actor, enterprise));
    if (inbox.second.empty()) return Ok();
    TB_ASSIGN_OR_RETURN(ports::MessagePage page, tx.messages().ListMessages(inbox.first, inbox.second, after, limit));
    out.messages = std::move(page.messages);
    out.next_after = std::move(page.next_after);
    TB_ASSIGN_OR_RETURN(out.unread, tx.messages().CountUnreadMessages(inbox.first, inbox.second));
    return Ok();
  }));
  return out;
}

Result<int> CountMyUnreadMessages(const Context& ctx, const Actor& actor, const std::string& enterprise) {
  int unread = 0;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const auto inbox, InboxOf(tx, actor, enterprise));
    if (inbox.second.empty()) return Ok();
    TB_ASSIGN_OR_RETURN(unread, tx.messages().CountUnreadMessages(inbox.first, inbox.second));
    return Ok();
  }));
  return unread;
}

Result<ports::Message> MarkMessageRead(const Context& ctx, const Actor& actor, const std::string& id) {
  ports::Message out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(out, tx.messages().GetMessage(id));
    TB_ASSIGN_OR_RETURN(const bool mine, ReadsInbox(tx, actor, out.recipient_kind, out.recipient_id));
    if (!mine) return MakeError(ErrorCode::kNotFound, "error.message.not_found");
    if (out.read_at) return Ok();
    const Timestamp now = ctx.clock->Now();
    TB_RETURN_IF_ERROR(tx.messages().MarkMessageRead(id, now));
    out.read_at = now;
    return Ok();
  }));
  return out;
}

}  // namespace tongban::services
