#include "services/federation_messages.h"

#include <future>
#include <memory>

#include "domain/federation.h"
#include "domain/access_log.h"
#include "services/federation.h"

namespace tongban::services {
namespace {

const ports::KeyOwner kListKeyOwner{ports::KeyOwnerKind::kPurpose, kListKeyPurpose};

ports::PublicSigningKey TrustedKeyOf(const domain::Peer& peer) {
  ports::PublicSigningKey key;
  key.kid = peer.fingerprint;
  key.x = peer.list_key;
  key.owner = kListKeyOwner;
  key.active = true;
  return key;
}

Status RequireCodec(const Context& ctx) {
  if (ctx.federation_codec == nullptr || ctx.keys == nullptr) {
    return MakeError(ErrorCode::kUnavailable, "error.keys.unavailable");
  }
  return Ok();
}

}  // namespace

Result<std::string> SignFederationMessage(const Context& ctx, const OutgoingMessage& message) {
  TB_RETURN_IF_ERROR(RequireCodec(ctx));
  ports::FederationMessage m;
  m.id = message.id.empty() ? ctx.ids->NewId() : message.id;
  m.from = ctx.platform_code;
  m.to = message.to;
  m.kind = message.kind;
  m.body = message.body;
  m.request = message.request;
  m.sent_at = ctx.clock->Now();
  return ctx.keys->Sign(kListKeyOwner, ctx.federation_codec->MessagePayload(m), kFederationMessageTyp);
}

Result<ports::FederationMessage> OpenFederationMessage(const Context& ctx, ports::Transaction& tx,
                                                       std::string_view jws) {
  TB_RETURN_IF_ERROR(RequireCodec(ctx));
  if (jws.size() > kMaxFederationMessageBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "error.federation.message_malformed");
  }
  TB_ASSIGN_OR_RETURN(const std::string from, ctx.federation_codec->PeekMessageSender(jws));
  auto peer = tx.federation().GetPeer(from);
  if (!peer.ok()) {
    if (peer.error().code == ErrorCode::kNotFound) {
      return MakeError(ErrorCode::kPermissionDenied, "error.federation.unknown_peer");
    }
    return peer.take_error();
  }
  // A peer whose list no longer serves is not trusted either: its key may have been rotated away.
  if (!domain::PeerListServes(*peer, ctx.clock->Now())) {
    return MakeError(ErrorCode::kPermissionDenied, "error.federation.no_list");
  }
  TB_ASSIGN_OR_RETURN(ports::FederationMessage m, ctx.federation_codec->CheckMessage(jws, TrustedKeyOf(*peer)));
  if (m.from != from) return MakeError(ErrorCode::kInvalidArgument, "error.federation.message_malformed");
  if (m.to != ctx.platform_code) return MakeError(ErrorCode::kInvalidArgument, "error.federation.wrong_recipient");
  return m;
}

Result<std::string> ReceiveFederationMessage(const Context& ctx, const FederationHandlers& handlers,
                                             std::string_view jws) {
  ports::FederationMessage received;
  std::string reply_body;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(received, OpenFederationMessage(ctx, tx, jws));
    const FederationHandlers::Handler* handler = handlers.Find(received.kind);
    if (handler == nullptr) return MakeError(ErrorCode::kInvalidArgument, "error.federation.unknown_kind");
    TB_ASSIGN_OR_RETURN(const bool taken,
                        tx.federation().TakeMessageId(received.id, received.from, received.kind, ctx.clock->Now()));
    if (!taken) return MakeError(ErrorCode::kConflict, "error.federation.replayed");
    TB_ASSIGN_OR_RETURN(reply_body, (*handler)(ctx, tx, received));
    return Ok();
  }));
  OutgoingMessage reply;
  reply.to = received.from;
  reply.kind = received.kind + ".reply";
  reply.body = std::move(reply_body);
  reply.request = received.id;
  return SignFederationMessage(ctx, reply);
}

void PostToPeer(const Context& ctx, ports::OutboundHttp& http, const std::string& to, std::string jws,
                std::function<void(Result<ports::OutboundResponse>)> done) {
  std::string url;
  const Status found = ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const domain::Peer peer, tx.federation().GetPeer(to));
    url = peer.url;
    return Ok();
  });
  if (!found.ok()) {
    done(found.error());
    return;
  }
  ports::OutboundRequest request;
  request.method = "POST";
  request.url = url + "/api/v1/federation/messages";
  request.headers.emplace_back("Content-Type", "application/jwt");
  request.headers.emplace_back("Accept", "application/jwt");
  request.body = std::move(jws);
  ports::OutboundLimits limits;
  limits.max_response_bytes = kMaxFederationMessageBytes;
  http.Send(std::move(request), limits, std::move(done));
}

PeerAnswer ReadPeerAnswer(const Context& ctx, const std::string& to, const std::string& request,
                          const Result<ports::OutboundResponse>& answer) {
  PeerAnswer out;
  if (!answer.ok()) {
    out.detail = answer.error().message;
    if (answer.error().message == "error.federation.unknown_peer") out.reply = answer.error();
    return out;
  }
  const ports::OutboundResponse& r = *answer;
  if (r.status != 200) {
    out.detail = r.Header(kFederationErrorHeader);
    if (out.detail.empty()) out.detail = "HTTP " + std::to_string(r.status);
    if (r.status == 409 && out.detail == "error.federation.replayed") {
      out.reply = MakeError(ErrorCode::kConflict, "error.federation.replayed");
    } else if (r.status >= 500 || r.status == 408 || r.status == 429 || r.status == 409) {
      out.reply = MakeError(ErrorCode::kUnavailable, "error.federation.unreachable");
    } else {
      out.reply = MakeError(ErrorCode::kInvalidArgument, "error.federation.refused");
    }
    return out;
  }
  const Status read = ctx.store->Read([&](ports::Transaction& tx) -> Status {
    out.reply = OpenFederationMessage(ctx, tx, r.body);
    return Ok();
  });
  if (!read.ok()) out.reply = read.error();
  if (out.reply.ok() && (out.reply->from != to || out.reply->request != request)) {
    out.reply = MakeError(ErrorCode::kInvalidArgument, "error.federation.message_malformed");
  }
  if (!out.reply.ok()) out.detail = out.reply.error().message;
  return out;
}

Status EnqueueFederationMessage(const Context& ctx, ports::Transaction& tx, const OutgoingMessage& message,
                                const std::string& dedupe_key) {
  using domain::JsonStringLiteral;
  ports::OutboxMessage out;
  out.id = ctx.ids->NewId();
  out.kind = kFederationOutboxKind;
  out.dedupe_key = dedupe_key;
  out.payload = "{\"id\":" + JsonStringLiteral(message.id) + ",\"to\":" + JsonStringLiteral(message.to) +
                ",\"kind\":" + JsonStringLiteral(message.kind) + ",\"body\":" + message.body + "}";
  out.created_at = ctx.clock->Now();
  out.next_attempt_at = out.created_at;
  return tx.outbox().EnqueueMessage(out);
}

Status DeliverFederationMessage(const Context& ctx, ports::OutboundHttp& http, const OutgoingMessage& message) {
  auto jws = SignFederationMessage(ctx, message);
  if (!jws.ok()) return jws.error();  // the key store: the next attempt may pass
  auto promise = std::make_shared<std::promise<Result<ports::OutboundResponse>>>();
  auto future = promise->get_future();
  PostToPeer(ctx, http, message.to, std::move(jws).value(),
             [promise](Result<ports::OutboundResponse> answer) { promise->set_value(std::move(answer)); });
  const PeerAnswer answer = ReadPeerAnswer(ctx, message.to, message.id, future.get());
  if (answer.reply.ok()) return Ok();
  switch (answer.reply.error().code) {
    case ErrorCode::kConflict:  // replayed: an earlier attempt arrived
      return Ok();
    case ErrorCode::kUnavailable:
      return MakeError(ErrorCode::kUnavailable, "federation: " + message.to + " unreachable (" + answer.detail + ")");
    case ErrorCode::kNotFound:
      return MakeError(ErrorCode::kInvalidArgument, "federation: " + message.to + " is no longer a peer");
    default:
      // The peer refused the message (a 4xx); a refusal while its list is stale may pass later.
      if (answer.detail == "error.federation.no_list" || answer.detail == "error.federation.unknown_peer") {
        return MakeError(ErrorCode::kUnavailable, "federation: " + message.to + " does not trust us now (" +
                                                      answer.detail + ")");
      }
      return MakeError(ErrorCode::kInvalidArgument,
                       "federation: " + message.to + " refused " + message.kind + " (" + answer.detail + ")");
  }
}

}  // namespace tongban::services
