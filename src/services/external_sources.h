// Datasets served by a department's own system over HTTP (issue 9 item 8). Before the
// transaction that reads for an item (pre-fill, submission), the caller asks FetchExternal for the
// records of the item's external datasets: one signed call per dataset through the outbound
// client (ports::OutboundHttp), never holding a thread while the department answers; the answers
// are then passed into the read (ReadRequest::external), which logs them in its transaction like
// any other read. A timeout, a refused connection, an HTTP error or an answer that is not what was
// asked makes the dataset "source unavailable": its fields stay empty and its materials may be
// uploaded instead.
//
// The call: POST {url} with the JSON body
//   {"subject_id": "...", "fields": ["..."], "purpose": "<item code>", "legal_basis": "<code>"}
// and the header Tongban-Signature: a compact JWS (crypto/request_signing.h) by the key of
// purpose "outbound" (kOutboundKeyOwner), whose public key is in /.well-known/jwks.json.
// The answer: 200 with a flat JSON object of strings, {"subject_id", "record_id", "as_of"
// (RFC 3339), and the fields asked, no others}; or 404 when the department holds no record.
// Thread-safety: ExternalSources is read-only after start; FetchExternal from any thread.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "domain/record_values.h"
#include "ports/key_repository.h"
#include "ports/outbound_http.h"
#include "services/context.h"

namespace tongban::services {

inline const ports::KeyOwner kOutboundKeyOwner{ports::KeyOwnerKind::kPurpose, "outbound"};

// Where a department's answer came to.
struct ExternalRecord {
  bool available = false;
  // Not available: "timeout", "unreachable" (no connection), "http_error" (a status other than
  // 200 or 404), "malformed" (not the JSON asked for, a field not asked, a bad value, too large),
  // "signing" (the platform could not sign the call).
  std::string reason;
  bool found = false;  // available: the department holds a record for the subject
  std::string record_id;
  Timestamp as_of{};
  domain::RecordValues values;
};
using ExternalReads = std::map<std::string, ExternalRecord>;  // by dataset code

// One call to make: a dataset's record of one subject, the fields the item may read.
struct ExternalCall {
  std::string dataset;
  std::string subject_id;
  std::set<std::string> fields;
  std::string purpose;
  std::string legal_basis;
};

// The outbound client and the addresses of the external datasets (Context::external).
struct ExternalSources {
  ports::OutboundHttp* http = nullptr;
  // Configured addresses by dataset code (config `data_sources`), over the catalogue's `url`.
  std::map<std::string, std::string> urls;
  size_t max_response_bytes = 64 * 1024;  // a record's answer at most

  std::string UrlOf(const domain::Dataset& dataset) const;
};

// The plain reason's message key for an unavailable source: data.source_unavailable.<reason>.
std::string SourceUnavailableKey(const std::string& reason);

// Makes the calls (all at once); `done` runs exactly once with an answer for every call's dataset:
// on the outbound client's thread when a call was made, at once on the caller's thread when
// `calls` is empty. Without ctx.external every call's dataset is unavailable ("unreachable").
void FetchExternal(const Context& ctx, std::vector<ExternalCall> calls, std::function<void(ExternalReads)> done);

// Checks a department's answer to `call` (status, shape, fields asked, values); the record.
ExternalRecord CheckExternalAnswer(const domain::Dataset& dataset, const ExternalCall& call, int status,
                                   std::string_view body, Date today);

}  // namespace tongban::services
