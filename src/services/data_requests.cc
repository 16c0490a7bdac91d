#include "services/data_requests.h"

#include <set>
#include <utility>

#include "domain/access_log.h"
#include "domain/data_request.h"
#include "domain/record_values.h"
#include "services/access_log.h"

namespace tongban::services {
namespace {

constexpr size_t kMaxConsentId = 64;

Error Malformed() { return MakeError(ErrorCode::kInvalidArgument, "error.data_request.malformed"); }

std::string ConsentBasis(const std::string& consent_id) { return "consent:" + consent_id; }

// The form of a request; the person's id comes back canonical.
Status CheckForm(const Context& ctx, DataRequest& r) {
  std::vector<FieldError> errors;
  if (!domain::IsPlatformCode(r.peer) || r.peer == ctx.platform_code) errors.push_back({"peer", "error.data_request.peer", ""});
  auto person = domain::CheckSubjectId(domain::SubjectKind::kPerson, r.person, LocalDate(ctx.clock->Now()));
  if (person.ok()) {
    r.person = *person;
  } else {
    errors.push_back({"person", "error.data_request.person", ""});
  }
  if (!domain::IsDataPurpose(r.dataset)) errors.push_back({"dataset", "error.data_request.dataset", ""});
  std::set<std::string> seen;
  bool fields_ok = !r.fields.empty() && r.fields.size() <= domain::kMaxDataRequestFields;
  for (const std::string& f : r.fields) fields_ok = fields_ok && domain::IsDataPurpose(f) && seen.insert(f).second;
  if (!fields_ok) errors.push_back({"fields", "error.data_request.fields", ""});
  if (!domain::IsDataPurpose(r.purpose)) errors.push_back({"purpose", "error.data_request.purpose", ""});
  if (r.consent.empty() || r.consent.size() > kMaxConsentId) errors.push_back({"consent", "error.data_request.consent", ""});
  if (errors.empty()) return Ok();
  Error e = MakeError(ErrorCode::kInvalidArgument, errors.front().message_key);
  e.fields = std::move(errors);
  return e;
}

}  // namespace

Result<std::string> DataRequesterRole(const Actor& actor) {
  if (!actor.user.department.empty()) {
    for (const domain::Role role : {domain::Role::kReviewer, domain::Role::kClerk, domain::Role::kDataOwner,
                                    domain::Role::kSupervisor}) {
      if (actor.user.HasRole(role)) return std::string(domain::RoleName(role));
    }
  }
  return MakeError(ErrorCode::kPermissionDenied, "error.data_request.officials_only");
}

Result<PreparedDataRequest> PrepareDataRequest(const Context& ctx, const ports::DataRequestCodec& codec,
                                               const Actor& actor, DataRequest request) {
  PreparedDataRequest out;
  TB_ASSIGN_OR_RETURN(out.role, DataRequesterRole(actor));
  TB_RETURN_IF_ERROR(CheckForm(ctx, request));
  const std::string purpose = domain::PeerDataConsentPurpose(request.peer, request.dataset, request.purpose);
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    auto peer = tx.federation().GetPeer(request.peer);
    if (!peer.ok()) {
      return peer.error().code == ErrorCode::kNotFound ? MakeError(ErrorCode::kNotFound, "error.federation.unknown_peer")
                                                       : peer.take_error();
    }
    auto consent = tx.consents().GetConsent(request.consent);
    if (!consent.ok() && consent.error().code != ErrorCode::kNotFound) return consent.take_error();
    if (!consent.ok() || consent->subject_id != request.person || consent->purpose != purpose) {
      return MakeError(ErrorCode::kPermissionDenied, "error.data_request.no_consent");
    }
    if (consent->revoked_at) return MakeError(ErrorCode::kPermissionDenied, "error.data_request.consent_revoked");
    out.consent = std::move(consent).value();
    return Ok();
  }));
  ports::DataRequestBody body;
  body.person = request.person;
  body.dataset = request.dataset;
  body.fields = request.fields;
  body.purpose = request.purpose;
  body.consent_id = out.consent.id;
  body.consent_given_at = out.consent.given_at;
  body.department = actor.user.department;
  body.role = out.role;
  OutgoingMessage message;
  message.id = ctx.ids->NewId();
  message.to = request.peer;
  message.kind = kDataRequestKind;
  message.body = codec.EncodeRequest(body);
  TB_ASSIGN_OR_RETURN(out.jws, SignFederationMessage(ctx, message));
  out.message_id = message.id;
  out.request = std::move(request);
  return out;
}

Result<DataRequestAnswer> CompleteDataRequest(const Context& ctx, const ports::DataRequestCodec& codec,
                                              const Actor& actor, const PreparedDataRequest& prepared,
                                              const Result<ports::OutboundResponse>& answer) {
  const DataRequest& request = prepared.request;
  PeerAnswer read = ReadPeerAnswer(ctx, request.peer, prepared.message_id, answer);
  if (!read.reply.ok()) return read.reply.take_error();
  const ports::FederationMessage& reply = *read.reply;
  auto body = codec.DecodeAnswer(reply.body);
  if (!body.ok() || body->dataset != request.dataset) {
    return MakeError(ErrorCode::kUnavailable, "error.data_request.bad_answer");
  }
  // The peer answers only the fields asked for.
  const std::set<std::string> asked(request.fields.begin(), request.fields.end());
  for (const ports::PeerRecord& r : body->records) {
    for (const auto& [name, value] : r.values) {
      if (!asked.contains(name)) return MakeError(ErrorCode::kUnavailable, "error.data_request.bad_answer");
    }
  }
  DataRequestAnswer out;
  out.peer = request.peer;
  out.request_id = prepared.message_id;
  out.reply_id = reply.id;
  out.answered_at = reply.sent_at;
  out.dataset = body->dataset;
  out.records = body->records;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    auto peer = tx.federation().GetPeer(request.peer);
    if (peer.ok()) {
      out.peer_name_zh = peer->name_zh;
      out.peer_name_en = peer->name_en;
    } else if (peer.error().code != ErrorCode::kNotFound) {
      return peer.take_error();
    }
    domain::AccessLogEntry entry;
    entry.accessor_user_id = actor.user.id;
    entry.accessor_role = prepared.role;
    entry.accessor_department = actor.user.department;
    entry.subject_id = request.person;
    entry.dataset = request.dataset;
    entry.fields = request.fields;
    entry.purpose = request.purpose;
    entry.legal_basis = ConsentBasis(prepared.consent.id);
    entry.platform = request.peer;
    if (body->refused) entry.outcome = "refused";
    return RecordAccess(ctx, tx, std::move(entry));
  }));
  if (body->refused) return domain::DataRefusalError(body->error);
  return out;
}

Result<std::string> AnswerDataRequest(const Context& ctx, ports::Transaction& tx, const ports::DataRequestCodec& codec,
                                      const ports::FederationMessage& message) {
  TB_ASSIGN_OR_RETURN(const ports::DataRequestBody request, codec.DecodeRequest(message.body));
  const Timestamp now = ctx.clock->Now();
  auto person = domain::CheckSubjectId(domain::SubjectKind::kPerson, request.person, LocalDate(now));
  if (!person.ok() || !domain::IsDataPurpose(request.purpose) || !domain::IsDataPurpose(request.dataset) ||
      !domain::IsDataPurpose(request.role) || !domain::IsDataPurpose(request.department) ||
      request.consent_id.empty() || request.consent_id.size() > kMaxConsentId) {
    return Malformed();
  }
  const auto catalogue = ctx.Catalogue();
  const domain::Dataset* dataset = catalogue->FindDataset(request.dataset);
  std::string refusal = domain::PeerDataRefusal(dataset, request.fields, request.purpose);
  std::vector<ports::DatasetRecord> records;
  if (refusal.empty()) {
    TB_ASSIGN_OR_RETURN(records, tx.datasets().RecordsOf(request.dataset, *person, domain::kMaxDataRequestRecords));
    if (records.empty()) refusal = domain::kNoRecordRefusal;
  }
  // The read (or the refused attempt) in this platform's access log, in the receiving transaction:
  // the reader is the asking platform's department, which has no account here.
  domain::AccessLogEntry entry;
  entry.accessor_role = request.role;
  entry.accessor_department = request.department;
  entry.subject_id = *person;
  entry.dataset = request.dataset;
  entry.fields = request.fields;
  entry.purpose = request.purpose;
  entry.legal_basis = ConsentBasis(request.consent_id);
  entry.platform = message.from;
  entry.time = now;
  if (!refusal.empty()) entry.outcome = "refused";
  TB_RETURN_IF_ERROR(RecordAccess(ctx, tx, std::move(entry)));
  ports::DataAnswerBody answer;
  answer.dataset = request.dataset;
  if (!refusal.empty()) {
    answer.refused = true;
    answer.error = std::move(refusal);
    return codec.EncodeAnswer(answer);
  }
  for (const ports::DatasetRecord& r : records) {
    TB_ASSIGN_OR_RETURN(const domain::RecordValues values, domain::ParseRecordValues(r.fields_json));
    ports::PeerRecord out;
    out.record_id = r.record_id;
    out.as_of = r.as_of;
    for (const std::string& f : request.fields) {
      const auto it = values.find(f);
      if (it != values.end()) out.values[f] = it->second;
    }
    answer.records.push_back(std::move(out));
  }
  return codec.EncodeAnswer(answer);
}

void RegisterDataRequestHandler(FederationHandlers& handlers, const ports::DataRequestCodec& codec) {
  handlers.Register(kDataRequestKind, [&codec](const Context& ctx, ports::Transaction& tx,
                                               const ports::FederationMessage& message) {
    return AnswerDataRequest(ctx, tx, codec, message);
  });
}

std::map<std::string, domain::Peer> PeerNames(const Context& ctx) {
  std::map<std::string, domain::Peer> out;
  if (ctx.store == nullptr) return out;
  const Status read = ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(std::vector<domain::Peer> peers, tx.federation().ListPeers("", ports::kMaxPeerPage));
    for (domain::Peer& p : peers) out.emplace(p.code, std::move(p));
    return Ok();
  });
  if (!read.ok()) out.clear();
  return out;
}

}  // namespace tongban::services
