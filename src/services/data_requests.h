// Cross-platform data requests (跨省数据共享, issue 14 item 5; API.md "Federation",
// POST /api/v1/federation/data-requests). An official of a department here asks a peer for a
// person's record, for a declared purpose, with the person's consent on this platform:
//   1. PrepareDataRequest (here, before anything is sent): the form, the official, the peer, and the
//      person's consent in force for domain::PeerDataConsentPurpose(peer, dataset, purpose); then
//      the signed "data.request" message (services/federation_messages.h).
//   2. The handler posts it with PostToPeer without holding a worker (http Later/Resume).
//   3. At the peer, AnswerDataRequest runs in the receiving transaction (the message's id taken in
//      it, so a replay is refused 409): the dataset must allow the purpose for other platforms
//      (domain::PeerDataRefusal), the record is read and the read recorded in ITS access log
//      (reader: the asking platform's department and role, legal basis the consent, platform the
//      asker's code); a refusal is answered as a refused body and recorded as refused, so it is kept.
//   4. CompleteDataRequest (here, on a worker): the peer's reply checked (ReadPeerAnswer), then in
//      one transaction the read recorded in this platform's access log (the official, the
//      department, purpose, "consent:<id>", platform the peer; refused when the peer refused). A
//      peer that is down or failed records nothing.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "domain/federation.h"
#include "ports/consent_repository.h"
#include "ports/data_request.h"
#include "ports/outbound_http.h"
#include "services/context.h"
#include "services/federation_messages.h"

namespace tongban::services {

inline constexpr const char* kDataRequestKind = "data.request";

struct DataRequest {
  std::string peer;
  std::string person;
  std::string dataset;
  std::vector<std::string> fields;
  std::string purpose;
  std::string consent;  // the id of the person's consent on this platform
};

// Officials of a department only (a clerk, reviewer, data owner or supervisor with a department):
// kPermissionDenied (error.data_request.officials_only) otherwise; an administrator is not a
// department. Answers the role recorded for the read.
Result<std::string> DataRequesterRole(const Actor& actor);

// What step 1 made: the checked request, its consent, and the signed message.
struct PreparedDataRequest {
  DataRequest request;
  ports::Consent consent;
  std::string role;        // the official's role recorded
  std::string message_id;  // the id of the signed message (the reply names it)
  std::string jws;
};
// kInvalidArgument for the form, with FieldErrors: error.data_request.peer (not a platform code,
// or this platform's own), .person (not a valid resident id), .dataset / .purpose (not a code),
// .fields (none, more than domain::kMaxDataRequestFields, repeated or not codes), .consent (empty);
// kNotFound (error.federation.unknown_peer); kPermissionDenied error.data_request.no_consent (no such
// consent of the person for this peer, dataset and purpose) or error.data_request.consent_revoked;
// the signing errors of SignFederationMessage. Reads in one read transaction; writes nothing.
Result<PreparedDataRequest> PrepareDataRequest(const Context& ctx, const ports::DataRequestCodec& codec,
                                               const Actor& actor, DataRequest request);

// What the peer answered, with provenance.
struct DataRequestAnswer {
  std::string peer;
  std::string peer_name_zh, peer_name_en;
  std::string request_id;  // our message's id
  std::string reply_id;    // the peer's reply's id
  Timestamp answered_at{};  // the reply's sent_at
  std::string dataset;
  std::vector<ports::PeerRecord> records;
};
// Step 4, on a worker, after PostToPeer completed with `answer`. The errors of ReadPeerAnswer
// (kUnavailable error.federation.unreachable when the peer is down: nothing recorded) and
// kUnavailable (error.data_request.bad_answer) for a reply that is not a data answer (nothing
// recorded); for a refusal, domain::DataRefusalError after recording the refusal.
Result<DataRequestAnswer> CompleteDataRequest(const Context& ctx, const ports::DataRequestCodec& codec,
                                              const Actor& actor, const PreparedDataRequest& prepared,
                                              const Result<ports::OutboundResponse>& answer);

// The peer's side: the handler of kind "data.request" (in the receiving transaction). Answers the
// reply body (ports::DataAnswerBody); kInvalidArgument (error.data_request.malformed) for a body
// that is not a request or a person that is not a valid resident id (nothing recorded: the
// transaction rolls back and the sender is told).
Result<std::string> AnswerDataRequest(const Context& ctx, ports::Transaction& tx, const ports::DataRequestCodec& codec,
                                      const ports::FederationMessage& message);
// Registers AnswerDataRequest for kDataRequestKind (app/wiring.cc).
void RegisterDataRequestHandler(FederationHandlers& handlers, const ports::DataRequestCodec& codec);

// The peers' names by code (one page of peers), for the "who read my data" entries that name
// another platform. Empty without a store or on an error (the entries then show the code).
std::map<std::string, domain::Peer> PeerNames(const Context& ctx);

}  // namespace tongban::services
