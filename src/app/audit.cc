#include "app/audit.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <future>
#include <optional>
#include <ostream>
#include <thread>

#include "crypto/jose.h"
#include "crypto/merkle.h"
#include "crypto/system.h"
#include "http/client.h"

namespace tongban::app {
namespace {

using Json = nlohmann::json;

struct Head {
  uint64_t tree_size = 0;
  std::string root_b64;
  crypto::merkle::Hash root{};
};

// Standard base64 (with padding) as the log publishes hashes.
std::optional<std::string> DecodeBase64(std::string text) {
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
    else if (c == '-' || c == '_') return std::nullopt;
  }
  return crypto::Base64UrlDecode(text);
}

std::optional<crypto::merkle::Hash> DecodeHash(const std::string& b64) {
  const auto bytes = DecodeBase64(b64);
  if (!bytes || bytes->size() != 32) return std::nullopt;
  crypto::merkle::Hash h;
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

class Fetcher {
 public:
  explicit Fetcher(std::string base) : base_(std::move(base)) {
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
  }
  Result<Json> Get(const std::string& path) {
    if (!client_) {
      TB_ASSIGN_OR_RETURN(client_, http::HttpClient::Create(http::HttpClientOptions{}));
    }
    std::promise<Result<ports::OutboundResponse>> done;
    auto answer = done.get_future();
    ports::OutboundRequest request;
    request.url = base_ + path;
    request.headers.push_back({"Accept", "application/json"});
    client_->Send(std::move(request), ports::OutboundLimits{},
                  [&done](Result<ports::OutboundResponse> r) { done.set_value(std::move(r)); });
    auto response = answer.get();
    if (!response.ok()) return MakeError(response.error().code, path + ": " + response.error().message);
    if (response->status != 200) {
      return MakeError(ErrorCode::kUnavailable, fmt::format("{}: HTTP {} {}", path, response->status, response->body));
    }
    Json body = Json::parse(response->body, nullptr, false);
    if (body.is_discarded()) return MakeError(ErrorCode::kInvalidArgument, path + ": not JSON");
    return body;
  }

 private:
  std::string base_;
  std::unique_ptr<http::HttpClient> client_;
};

// The head's signature and payload; the head itself.
Result<Head> CheckHead(Fetcher& fetch, const Json& body) {
  if (!body.is_object() || !body.contains("signed") || !body["signed"].is_string() || !body.contains("tree_size") ||
      !body["tree_size"].is_number_unsigned() || !body.contains("root_hash") || !body["root_hash"].is_string() ||
      !body.contains("timestamp")) {
    return MakeError(ErrorCode::kInvalidArgument, "the tree head is not {tree_size, root_hash, timestamp, signed}");
  }
  TB_ASSIGN_OR_RETURN(const Json jwks, fetch.Get("/.well-known/jwks.json"));
  const auto lookup = [&jwks](std::string_view kid) -> std::optional<std::string> {
    if (!jwks.contains("keys") || !jwks["keys"].is_array()) return std::nullopt;
    for (const auto& k : jwks["keys"]) {
      if (k.value("kid", "") == kid && k.value("crv", "") == "Ed25519") return crypto::Base64UrlDecode(k.value("x", ""));
    }
    return std::nullopt;
  };
  auto verified = crypto::VerifyJws(body["signed"].get<std::string>(), lookup);
  if (!verified.ok()) return MakeError(ErrorCode::kInvalidArgument, "the head's signature: " + verified.error().message);
  const Json payload = Json::parse(verified->payload, nullptr, false);
  if (!payload.is_object() || payload.value("tree_size", Json()) != body["tree_size"] ||
      payload.value("root_hash", Json()) != body["root_hash"] || payload.value("timestamp", Json()) != body["timestamp"]) {
    return MakeError(ErrorCode::kInvalidArgument, "the signed payload is not the head served");
  }
  Head head;
  head.tree_size = body["tree_size"].get<uint64_t>();
  head.root_b64 = body["root_hash"].get<std::string>();
  const auto root = DecodeHash(head.root_b64);
  if (!root) return MakeError(ErrorCode::kInvalidArgument, "the root hash is not 32 bytes of base64");
  head.root = *root;
  return head;
}

Status CheckConsistent(Fetcher& fetch, const Head& older, const Head& newer) {
  if (newer.tree_size < older.tree_size) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("the tree shrank from {} to {} entries", older.tree_size, newer.tree_size));
  }
  std::vector<crypto::merkle::Hash> proof;
  if (older.tree_size != newer.tree_size && older.tree_size != 0) {
    TB_ASSIGN_OR_RETURN(const Json body, fetch.Get(fmt::format("/api/v1/log/proof/consistency?first={}&second={}",
                                                               older.tree_size, newer.tree_size)));
    if (!body.contains("proof") || !body["proof"].is_array()) {
      return MakeError(ErrorCode::kInvalidArgument, "the consistency proof is not {proof: [...]}");
    }
    for (const auto& p : body["proof"]) {
      const auto h = p.is_string() ? DecodeHash(p.get<std::string>()) : std::nullopt;
      if (!h) return MakeError(ErrorCode::kInvalidArgument, "a consistency proof hash is not 32 bytes of base64");
      proof.push_back(*h);
    }
  }
  if (!crypto::merkle::VerifyConsistency(older.tree_size, newer.tree_size, older.root, newer.root, proof)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("head {} is not consistent with head {} (a fork or a rewritten log)", newer.tree_size,
                                 older.tree_size));
  }
  return Ok();
}

std::optional<Head> LoadState(const std::string& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  const Json state = Json::parse(in, nullptr, false);
  if (!state.is_object() || !state.contains("tree_size") || !state["tree_size"].is_number_unsigned()) return std::nullopt;
  Head head;
  head.tree_size = state["tree_size"].get<uint64_t>();
  head.root_b64 = state.value("root_hash", "");
  const auto root = DecodeHash(head.root_b64);
  if (!root) return std::nullopt;
  head.root = *root;
  return head;
}

}  // namespace

int AuditVerify(const AuditOptions& options, std::ostream& out, std::ostream& err) {
  if (!crypto::InitCrypto()) {
    err << "tongban audit verify: libsodium could not be initialised\n";
    return 1;
  }
  Fetcher fetch(options.url);
  std::optional<Head> last;
  if (!options.state_file.empty()) {
    last = LoadState(options.state_file);
    if (last) out << fmt::format("state: last verified head {} ({})\n", last->tree_size, last->root_b64);
  }
  for (int i = 0; i < std::max(1, options.count); ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::seconds(std::max(0, options.interval_seconds)));
    auto body = fetch.Get("/api/v1/log/tree-head");
    Result<Head> head = body.ok() ? CheckHead(fetch, *body) : Result<Head>(body.error());
    if (!head.ok()) {
      err << "tongban audit verify: FAILED: " << head.error().message << "\n";
      return 1;
    }
    if (last) {
      const Status consistent = CheckConsistent(fetch, *last, *head);
      if (!consistent.ok()) {
        err << "tongban audit verify: FAILED: " << consistent.error().message << "\n";
        return 1;
      }
    }
    out << fmt::format("head {} ({}): signature OK{}\n", head->tree_size, head->root_b64,
                       last ? fmt::format(", consistent with head {}", last->tree_size) : std::string());
    last = *head;
  }
  if (!options.state_file.empty() && last) {
    std::ofstream state(options.state_file, std::ios::trunc);
    state << Json{{"tree_size", last->tree_size}, {"root_hash", last->root_b64}}.dump() << "\n";
    if (!state) {
      err << "tongban audit verify: could not write " << options.state_file << "\n";
      return 1;
    }
  }
  out << "OK\n";
  return 0;
}

}  // namespace tongban::app
