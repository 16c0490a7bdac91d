// Federation messages (issue 14 items 4 and 5; API.md "Federation"): how platforms that trust each
// other's list keys talk. A message is a compact JWS (typ federation-message+jwt) of
// {"id","from","to","kind","body","sent_at"}, signed with the sender's list key (the key a peer
// pinned by its thumbprint) and POSTed to the receiver's /api/v1/federation/messages. The receiver
// checks it against the list key it trusts for `from` (a peer whose list serves now), refuses one
// addressed to another platform, and takes each id ONCE: the id is recorded in the same
// transaction as what the message causes, so a message delivered twice (a retry after a lost
// answer, a replay) changes nothing the second time and is answered 409 error.federation.replayed.
// The answer to a message taken is a reply, signed the same way by the receiver: kind
// "<kind>.reply", `request` the id it answers, its body what the kind's handler returned.
//
// Messages that must arrive (a forwarded case, a case's state) go through the outbox (kind
// "federation", EnqueueFederationMessage): queued in the transaction of the change that causes them,
// signed when sent, retried with back-off while the peer is down; a 409 replayed answer means an
// earlier attempt arrived. A question that needs its answer now (a data request) is signed with
// SignFederationMessage and posted with PostToPeer, never from an I/O thread.
// Thread-safety: stateless functions over a shared Context; FederationHandlers is filled at
// start-up and read-only after.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "ports/federation.h"
#include "ports/outbound_http.h"
#include "services/context.h"

namespace tongban::services {

inline constexpr const char* kFederationMessageTyp = "federation-message+jwt";
// The outbox kind of messages to peers.
inline constexpr const char* kFederationOutboxKind = "federation";
// The header of a refusal that names its i18n key (error.federation.replayed, ...), for the sender.
inline constexpr const char* kFederationErrorHeader = "Tongban-Error";
// The largest message a platform takes (a forwarded case with its form; never uploads).
inline constexpr size_t kMaxFederationMessageBytes = 512 * 1024;

// Handlers of received messages by kind, registered at start-up (app/wiring.cc). A handler runs
// in the receiving transaction, after the message's id was taken; what it answers is the body of
// the reply (a JSON object, text). An error rolls the whole transaction back (the id is not taken,
// so the sender may send it again) and is answered to the sender as it is.
class FederationHandlers {
 public:
  using Handler =
      std::function<Result<std::string>(const Context&, ports::Transaction&, const ports::FederationMessage&)>;
  void Register(std::string kind, Handler handler) { handlers_[std::move(kind)] = std::move(handler); }
  const Handler* Find(const std::string& kind) const {
    const auto it = handlers_.find(kind);
    return it == handlers_.end() ? nullptr : &it->second;
  }

 private:
  std::map<std::string, Handler> handlers_;
};

// A message from this platform to the peer `to`, signed with the active list key. `id` empty: a
// new ULID (a message sent again keeps its id). kNotFound (error.keys.no_active_key) before the
// list key exists.
struct OutgoingMessage {
  std::string id;
  std::string to;
  std::string kind;
  std::string body = "{}";
  std::string request;  // a reply: the id it answers
};
Result<std::string> SignFederationMessage(const Context& ctx, const OutgoingMessage& message);

// Checks a received message in `tx` (read only): signed by the list key trusted for the peer its
// `from` names, that peer's list serving now, addressed to this platform. kInvalidArgument with
// error.federation.message_* (ports::FederationCodec::CheckMessage) or
// error.federation.wrong_recipient; kPermissionDenied (error.federation.unknown_peer) when `from`
// is not a peer, or error.federation.no_list when the peer's list no longer serves.
Result<ports::FederationMessage> OpenFederationMessage(const Context& ctx, ports::Transaction& tx,
                                                       std::string_view jws);

// POST /api/v1/federation/messages: opens the message, takes its id, runs its kind's handler and
// commits, all in one transaction, then answers the signed reply. The errors of
// OpenFederationMessage; kConflict (error.federation.replayed) for an id already taken;
// kInvalidArgument (error.federation.unknown_kind) for a kind without a handler (nothing taken).
Result<std::string> ReceiveFederationMessage(const Context& ctx, const FederationHandlers& handlers,
                                             std::string_view jws);

// Posts a signed message to the peer `to` and completes `done` with the HTTP answer, on the
// client's thread (ports::OutboundHttp). kNotFound (error.federation.unknown_peer).
void PostToPeer(const Context& ctx, ports::OutboundHttp& http, const std::string& to, std::string jws,
                std::function<void(Result<ports::OutboundResponse>)> done);

// The peer's answer to the message `request` sent to `to`: a 200 whose body is the reply, checked
// (signed by `to`, addressed here, answering `request`). Any other answer is the peer's error, its
// key (the kFederationErrorHeader) in `detail`: kConflict (error.federation.replayed) for a 409
// replayed; kUnavailable (error.federation.unreachable) when no answer came, the peer failed (5xx,
// 408, 429) or met a conflict it may not meet again (another 409); kInvalidArgument
// (error.federation.refused) for the other 4xx.
struct PeerAnswer {
  Result<ports::FederationMessage> reply = MakeError(ErrorCode::kUnavailable, "error.federation.unreachable");
  std::string detail;  // the peer's error code or the outbound error, for logs and the operator
};
PeerAnswer ReadPeerAnswer(const Context& ctx, const std::string& to, const std::string& request,
                          const Result<ports::OutboundResponse>& answer);

// Queues `message` (its id given, so every attempt sends the same id) in the outbox of `tx`, for
// the sender of kind "federation" (http/federation_sender.h), under `dedupe_key`.
Status EnqueueFederationMessage(const Context& ctx, ports::Transaction& tx, const OutgoingMessage& message,
                                const std::string& dedupe_key);
// One attempt of the outbox sender: signs `message`, posts it and waits for the answer (on the
// outbox worker's thread, never an I/O thread). OK on a checked reply or a 409 replayed (an
// earlier attempt arrived); kUnavailable to try again; kInvalidArgument when the peer refused the
// message or was removed (it will never be taken: the outbox marks it dead).
Status DeliverFederationMessage(const Context& ctx, ports::OutboundHttp& http, const OutgoingMessage& message);

}  // namespace tongban::services
