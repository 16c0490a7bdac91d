// What federation (issue 14) needs from crypto: reading a peer's GET /api/v1/platform document,
// checking a peer's trust list against the one list key trusted for it, and RFC 7638 thumbprints.
// Implemented by crypto::JoseFederationCodec (crypto/federation_codec.h).
// Thread-safety: implementations are stateless and safe from every thread.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>
#include <string_view>

#include "common/result.h"
#include "common/time.h"
#include "domain/catalogue.h"
#include "ports/key_store.h"
#include "ports/verification.h"

namespace tongban::ports {

// A platform as GET /api/v1/platform describes it.
struct PlatformIdentity {
  std::string code;
  std::string name_zh, name_en;
  std::string url;
  PublicSigningKey list_key;  // kid is the key's own thumbprint (checked)
};

// A federation message (API.md "Federation"): what POST /api/v1/federation/messages carries, a
// compact JWS (typ federation-message+jwt) signed with the sender's list key. A receiver takes each
// id once. A reply travels the same way, in the body of the 200 answer: kind "<kind>.reply", signed
// by the receiver, `request` naming the id it answers.
struct FederationMessage {
  std::string id;       // ULID, new per message (a retry of the same message keeps it)
  std::string from;     // the sender's platform code
  std::string to;       // the receiver's platform code
  std::string kind;     // "case.forward", "case.update", "data.request", "<kind>.reply"
  std::string body;     // a JSON object (text): the kind's to read
  std::string request;  // a reply: the id of the message it answers; "" otherwise
  Timestamp sent_at{};
};

// A cross-province case (跨省通办) as the platform where the person applied forwards it (kind
// "case.forward"), and each change the handling platform sends back (kind "case.update").
struct CaseForward {
  std::string application;  // the origin's case id
  std::string reference;    // and its reference number
  std::string item;         // the handler's item code
  std::string person_id;    // the person (resident id) and their name
  std::string person_name;
  std::string channel;      // how the person applied: web, mobile, kiosk, window
  std::string delivery;     // where the result is delivered: origin (收件地) or handler (办理地)
  std::string delivery_address;
  std::map<std::string, std::string> fields;
  Timestamp submitted_at{};
};
struct CaseUpdateEvent {
  int64_t seq = 0;     // the handler's event number
  std::string action;  // the workflow's action name
  std::string from, to;  // states
  std::string role;    // the actor's role (never who)
  std::string reason;
  Timestamp at{};
};
struct CaseUpdate {
  std::string application;       // the origin's case id
  std::string peer_application;  // the handler's case id and reference number
  std::string peer_reference;
  std::string deadline;          // YYYY-MM-DD, "" when none
  std::vector<CaseUpdateEvent> events;  // every event of the case so far, in order
};

class FederationCodec {
 public:
  virtual ~FederationCodec() = default;
  // GET /api/v1/platform's JSON document. kInvalidArgument (error.federation.bad_platform) when it
  // is not one: not JSON, no code, or a list_key that is not an OKP Ed25519 JWK.
  virtual Result<PlatformIdentity> ParsePlatform(std::string_view json) const = 0;
  // The same document for this platform (GET /api/v1/platform answers it).
  virtual std::string PlatformJson(const PlatformIdentity& platform) const = 0;
  // A peer's trust list (compact JWS, typ trust-list+jwt) checked against `key`, the one list key
  // trusted for the peer, at `now`. kInvalidArgument with
  //   error.federation.list_malformed  not a compact JWS or not a trust list with a platform;
  //   error.federation.list_wrong_key  signed by another key than `key`;
  //   error.federation.list_signature  the signature does not verify (tampered);
  //   error.federation.list_expired    its exp has passed.
  virtual Result<TrustList> CheckPeerList(std::string_view jws, const PublicSigningKey& key, Timestamp now) const = 0;
  // The RFC 7638 thumbprint of the OKP Ed25519 key whose "x" is `x` (base64url); "" when `x` is
  // not 32 bytes of base64url.
  virtual std::string Thumbprint(std::string_view x) const = 0;

  // The JSON payload of a message ({"id","from","to","kind","body","sent_at"[,"request"]}; body a
  // JSON object written as is).
  virtual std::string MessagePayload(const FederationMessage& message) const = 0;
  // The "from" a message's payload names, read WITHOUT checking the signature, to find the key to
  // check it with. kInvalidArgument (error.federation.message_malformed).
  virtual Result<std::string> PeekMessageSender(std::string_view jws) const = 0;
  // A message checked against `key`, the list key trusted for its sender. kInvalidArgument with
  //   error.federation.message_malformed  not a compact JWS of a message (typ, members, body object);
  //   error.federation.message_wrong_key  signed by another key than `key`;
  //   error.federation.message_signature  the signature does not verify (tampered).
  virtual Result<FederationMessage> CheckMessage(std::string_view jws, const PublicSigningKey& key) const = 0;

  // Bodies of cross-province messages (JSON objects, text). Parse* answer kInvalidArgument
  // (error.federation.message_malformed) for a body that is not one.
  virtual std::string CaseForwardBody(const CaseForward& forward) const = 0;
  virtual Result<CaseForward> ParseCaseForward(std::string_view body) const = 0;
  virtual std::string CaseUpdateBody(const CaseUpdate& update) const = 0;
  virtual Result<CaseUpdate> ParseCaseUpdate(std::string_view body) const = 0;
  // An item a platform handles for people of other provinces, as it publishes it: code, names,
  // description, the department's name, the promised limit and the questions (fields) asked.
  virtual std::string CrossProvinceItemJson(const domain::ServiceItem& item,
                                            const domain::LocalText& department) const = 0;
  // kInvalidArgument (error.federation.bad_item) when the document is not one.
  virtual Result<std::pair<domain::ServiceItem, domain::LocalText>> ParseCrossProvinceItem(
      std::string_view json) const = 0;
  // The body of an items.list reply ({"items":[...]}) and its items (code, document), each checked.
  virtual std::string ItemListBody(const std::vector<std::string>& documents) const = 0;
  virtual Result<std::vector<std::pair<std::string, std::string>>> ParseItemList(std::string_view body) const = 0;
};

}  // namespace tongban::ports
