#include "services/external_sources.h"

#include <atomic>
#include <memory>
#include <mutex>

#include "domain/access_log.h"
#include "domain/dataset.h"
#include "domain/signed_request.h"

namespace tongban::services {
namespace {

// The call's JSON body (without a JSON library, as domain/record_values.h writes records).
std::string RequestBody(const ExternalCall& call) {
  std::string body = "{\"subject_id\":" + domain::JsonStringLiteral(call.subject_id) + ",\"fields\":[";
  bool first = true;
  for (const std::string& f : call.fields) {
    if (!first) body += ',';
    first = false;
    body += domain::JsonStringLiteral(f);
  }
  body += "],\"purpose\":" + domain::JsonStringLiteral(call.purpose) +
          ",\"legal_basis\":" + domain::JsonStringLiteral(call.legal_basis) + "}";
  return body;
}

ExternalRecord Unavailable(std::string reason) {
  ExternalRecord r;
  r.reason = std::move(reason);
  return r;
}

// The path and query of an http(s) URL, for the signature's "htu".
std::string TargetOf(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t slash = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

// Gathers the answers of several calls and completes once, after the last.
struct Gather {
  std::mutex mutex;
  ExternalReads reads;
  size_t pending = 0;
  std::function<void(ExternalReads)> done;

  void Complete(const std::string& dataset, ExternalRecord record) {
    std::function<void(ExternalReads)> finish;
    ExternalReads all;
    {
      std::lock_guard lock(mutex);
      reads[dataset] = std::move(record);
      if (--pending > 0) return;
      finish = std::move(done);
      all = std::move(reads);
    }
    finish(std::move(all));
  }
};

}  // namespace

std::string ExternalSources::UrlOf(const domain::Dataset& dataset) const {
  auto it = urls.find(dataset.code);
  return it != urls.end() ? it->second : dataset.url;
}

std::string SourceUnavailableKey(const std::string& reason) { return "data.source_unavailable." + reason; }

ExternalRecord CheckExternalAnswer(const domain::Dataset& dataset, const ExternalCall& call, int status,
                                   std::string_view body, Date today) {
  if (status == 404) {
    ExternalRecord r;
    r.available = true;
    return r;
  }
  if (status != 200) return Unavailable("http_error");
  auto values = domain::ParseRecordValues(body);
  if (!values.ok()) return Unavailable("malformed");
  ExternalRecord r;
  r.available = true;
  r.found = true;
  for (auto& [name, value] : *values) {
    if (name == "subject_id") {
      if (value != call.subject_id) return Unavailable("malformed");
    } else if (name == "record_id") {
      if (value.empty() || value.size() > 200) return Unavailable("malformed");
      r.record_id = value;
    } else if (name == "as_of") {
      auto at = ParseRfc3339(value);
      if (!at) return Unavailable("malformed");
      r.as_of = *at;
    } else {
      // Only the fields asked, each a valid value of its type.
      const domain::DatasetField* f = dataset.FindField(name);
      if (call.fields.count(name) == 0 || f == nullptr) return Unavailable("malformed");
      auto checked = domain::CheckDatasetValue(*f, value, today);
      if (!checked.ok()) return Unavailable("malformed");
      r.values[name] = std::move(checked).value();
    }
  }
  if (values->count("subject_id") == 0 || r.record_id.empty() || values->count("as_of") == 0) {
    return Unavailable("malformed");
  }
  return r;
}

void FetchExternal(const Context& ctx, std::vector<ExternalCall> calls, std::function<void(ExternalReads)> done) {
  if (calls.empty()) return done({});
  const auto catalogue = ctx.Catalogue();
  auto gather = std::make_shared<Gather>();
  gather->pending = calls.size();
  gather->done = std::move(done);
  for (ExternalCall& call : calls) {
    const domain::Dataset* ds = catalogue->FindDataset(call.dataset);
    if (ds == nullptr || ctx.external == nullptr || ctx.external->http == nullptr || ctx.keys == nullptr) {
      gather->Complete(call.dataset, Unavailable("unreachable"));
      continue;
    }
    ports::OutboundRequest request;
    request.method = "POST";
    request.url = ctx.external->UrlOf(*ds);
    request.body = RequestBody(call);
    request.headers.emplace_back("Content-Type", "application/json");
    request.headers.emplace_back("Accept", "application/json");
    const Timestamp now = ctx.clock->Now();
    auto signature = ctx.keys->Sign(kOutboundKeyOwner,
                                    domain::SignedRequestPayload(request.method, TargetOf(request.url),
                                                                 ctx.hasher->Sha256Hex(request.body), now,
                                                                 ctx.ids->NewToken()),
                                    domain::kSignedRequestType);
    if (!signature.ok()) {
      gather->Complete(call.dataset, Unavailable("signing"));
      continue;
    }
    request.headers.emplace_back(std::string(domain::kSignatureHeader), std::move(signature).value());
    ports::OutboundLimits limits;
    limits.deadline = std::chrono::milliseconds(ds->timeout_ms);
    limits.connect_timeout = std::min(limits.connect_timeout, limits.deadline);
    limits.max_response_bytes = ctx.external->max_response_bytes;
    const Date today = LocalDate(now);
    // The dataset is copied: the catalogue may be swapped while the call is out.
    ctx.external->http->Send(
        std::move(request), limits,
        [gather, dataset = *ds, call = std::move(call), today](Result<ports::OutboundResponse> answer) {
          if (!answer.ok()) {
            const std::string& key = answer.error().message;
            std::string reason = key == "error.outbound.timeout"    ? "timeout"
                                 : key == "error.outbound.too_large" ? "malformed"
                                                                     : "unreachable";
            return gather->Complete(call.dataset, Unavailable(std::move(reason)));
          }
          gather->Complete(call.dataset, CheckExternalAnswer(dataset, call, answer->status, answer->body, today));
        });
  }
}

}  // namespace tongban::services
