#include "app/dept_source.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "app/config.h"
#include "crypto/request_signing.h"
#include "crypto/system.h"
#include "http/client.h"
#include "http/server.h"
#include "storage/sql_store.h"

namespace tongban::app {
namespace {

using Json = nlohmann::json;

struct Record {
  std::string record_id;
  std::string as_of;  // RFC 3339
  std::map<std::string, std::string> fields;
};

// Where the records are: a file read at start, or a database read per request.
class Records {
 public:
  Result<bool> LoadFile(const std::string& path, const std::string& dataset) {
    std::ifstream in(path);
    if (!in) return MakeError(ErrorCode::kInvalidArgument, "cannot read " + path);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      const Json j = Json::parse(line, nullptr, false);
      if (!j.is_object() || !j.contains("subject_id") || !j["subject_id"].is_string() || !j.contains("record_id") ||
          !j["record_id"].is_string() || !j.contains("as_of") || !j["as_of"].is_string() ||
          !ParseRfc3339(j["as_of"].get<std::string>()) || !j.contains("fields") || !j["fields"].is_object()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         fmt::format("{}:{}: expected {{\"subject_id\", \"record_id\", \"as_of\" (RFC 3339), "
                                     "\"fields\": {{...}}}}",
                                     path, number));
      }
      Record r{j["record_id"].get<std::string>(), j["as_of"].get<std::string>(), {}};
      for (const auto& [k, v] : j["fields"].items()) {
        if (!v.is_string()) return MakeError(ErrorCode::kInvalidArgument, fmt::format("{}:{}: field values are strings", path, number));
        r.fields[k] = v.get<std::string>();
      }
      // The newest record of a subject wins.
      auto& slot = file_[j["subject_id"].get<std::string>()];
      if (!slot || *ParseRfc3339(slot->as_of) <= *ParseRfc3339(r.as_of)) slot = std::move(r);
    }
    (void)dataset;
    return true;
  }
  // The database is opened at the first request (the platform beside us may still be creating it).
  void UseDatabase(std::string url) { db_url_ = std::move(url); }
  Result<std::optional<Record>> Find(const std::string& dataset, const std::string& subject) {
    if (!db_url_.empty()) {
      std::lock_guard lock(open_mutex_);
      if (!store_) {
        TB_ASSIGN_OR_RETURN(store_, storage::OpenStore(db_url_, storage::StoreOptions{}));
      }
    }
    if (!store_) {
      auto it = file_.find(subject);
      if (it == file_.end()) return std::optional<Record>();
      return it->second;
    }
    std::optional<Record> out;
    TB_RETURN_IF_ERROR(store_->Read([&](ports::Transaction& tx) -> Status {
      TB_ASSIGN_OR_RETURN(auto records, tx.datasets().RecordsOf(dataset, subject, 50));
      const ports::DatasetRecord* newest = nullptr;
      for (const auto& r : records) {
        if (newest == nullptr || newest->as_of < r.as_of) newest = &r;
      }
      if (newest == nullptr) return Ok();
      const Json values = Json::parse(newest->fields_json, nullptr, false);
      Record rec{newest->record_id, FormatRfc3339(newest->as_of), {}};
      if (values.is_object()) {
        for (const auto& [k, v] : values.items()) {
          if (v.is_string()) rec.fields[k] = v.get<std::string>();
        }
      }
      out = std::move(rec);
      return Ok();
    }));
    return out;
  }

 private:
  std::map<std::string, std::optional<Record>> file_;
  std::string db_url_;
  std::mutex open_mutex_;
  std::unique_ptr<ports::Store> store_;
};

// The platform's public keys by kid, fetched again when a kid is unknown (a rotation).
class Jwks {
 public:
  explicit Jwks(std::string url) : url_(std::move(url)) {}
  std::optional<std::string> Lookup(std::string_view kid) {
    std::lock_guard lock(mutex_);
    if (auto it = keys_.find(std::string(kid)); it != keys_.end()) return it->second;
    // At most one fetch per second, so unknown kids cannot make us hammer the platform.
    const auto now = std::chrono::steady_clock::now();
    if (now - last_fetch_ < std::chrono::seconds(1)) return std::nullopt;
    last_fetch_ = now;
    Fetch();
    if (auto it = keys_.find(std::string(kid)); it != keys_.end()) return it->second;
    return std::nullopt;
  }

 private:
  void Fetch() {
    if (!client_) {
      auto made = http::HttpClient::Create(http::HttpClientOptions{});
      if (!made.ok()) return;
      client_ = std::move(made).value();
    }
    std::promise<Result<ports::OutboundResponse>> done;
    auto answer = done.get_future();
    ports::OutboundRequest request;
    request.url = url_;
    request.headers.push_back({"Accept", "application/json"});
    client_->Send(std::move(request), ports::OutboundLimits{},
                  [&done](Result<ports::OutboundResponse> r) { done.set_value(std::move(r)); });
    auto response = answer.get();
    if (!response.ok() || response->status != 200) {
      spdlog::warn("cannot fetch the platform's JWKS from {}", url_);
      return;
    }
    const Json body = Json::parse(response->body, nullptr, false);
    if (!body.is_object() || !body.contains("keys") || !body["keys"].is_array()) return;
    for (const Json& k : body["keys"]) {
      if (!k.is_object() || k.value("kty", "") != "OKP" || k.value("crv", "") != "Ed25519") continue;
      auto x = crypto::Base64UrlDecode(k.value("x", ""));
      const std::string kid = k.value("kid", "");
      if (!x || x->size() != crypto::kEd25519PublicKeyBytes || kid.empty()) continue;
      keys_[kid] = *x;
    }
  }

  std::string url_;
  std::mutex mutex_;
  std::map<std::string, std::string> keys_;
  std::chrono::steady_clock::time_point last_fetch_{};
  std::unique_ptr<http::HttpClient> client_;
};

http::Response JsonAnswer(int status, const Json& body) {
  http::Response res;
  res.status = status;
  res.body = body.dump();
  return res;
}

http::Response Refuse(int status, const std::string& code, const std::string& message) {
  return JsonAnswer(status, Json{{"error", {{"code", code}, {"message", message}}}});
}

}  // namespace

int RunDeptSource(const DeptSourceOptions& options) {
  if (!crypto::InitCrypto()) return 2;
  if (options.dataset.empty() || options.jwks_url.empty() || options.records_file.empty() == options.db.empty()) {
    std::cerr << "tongban dept-source: give --dataset, --jwks-url and one of --records or --db\n";
    return 2;
  }
  Records records;
  if (!options.records_file.empty()) {
    if (auto loaded = records.LoadFile(options.records_file, options.dataset); !loaded.ok()) {
      std::cerr << "tongban dept-source: " << loaded.error().message << "\n";
      return 2;
    }
  } else {
    records.UseDatabase(options.db);
  }
  http::ServerOptions server;
  if (auto listen = ApplyListen(options.listen, server); !listen.ok()) {
    std::cerr << "tongban dept-source: " << listen.error().message << "\n";
    return 2;
  }
  server.worker_threads = 4;
  const std::string path = options.path.empty() ? "/records/" + options.dataset : options.path;
  Jwks jwks(options.jwks_url);
  crypto::RequestVerifier verifier{std::chrono::seconds(options.window_seconds)};
  auto lookup = [&jwks](std::string_view kid) { return jwks.Lookup(kid); };

  auto handler = [&](http::Request& req) -> http::Response {
    if (req.path != path) return Refuse(404, "not_found", "no such resource");
    if (req.method != "POST") return Refuse(405, "method", "POST the subject and the fields");
    const Timestamp now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    auto verified = verifier.Verify(req.Header("tongban-signature"), req.method, req.target, req.body, now, lookup);
    if (!verified.ok()) {
      spdlog::warn("refused a request: {}", verified.error().message);
      return Refuse(401, "signature", verified.error().message);
    }
    const Json body = Json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("subject_id") || !body["subject_id"].is_string() ||
        !body.contains("fields") || !body["fields"].is_array() || !body.contains("purpose") ||
        !body["purpose"].is_string() || !body.contains("legal_basis") || !body["legal_basis"].is_string()) {
      return Refuse(400, "invalid_argument", "expected subject_id, fields, purpose and legal_basis");
    }
    auto found = records.Find(options.dataset, body["subject_id"].get<std::string>());
    if (!found.ok()) return Refuse(503, "unavailable", "records cannot be read now");
    spdlog::info("{} for purpose {} under {} (key {}): {}", options.dataset, body["purpose"].get<std::string>(),
                 body["legal_basis"].get<std::string>(), verified->kid, *found ? "record" : "none");
    if (!*found) return Refuse(404, "not_found", "no record of this subject");
    Json answer{{"subject_id", body["subject_id"]}, {"record_id", (*found)->record_id}, {"as_of", (*found)->as_of}};
    for (const Json& f : body["fields"]) {
      if (!f.is_string()) continue;
      auto v = (*found)->fields.find(f.get<std::string>());
      if (v != (*found)->fields.end()) answer[v->first] = v->second;
    }
    return JsonAnswer(200, answer);
  };
  return http::RunServer(server, handler, [&](uint16_t port) {
    std::cout << fmt::format("dept-source serving {} on http://{}:{}{}", options.dataset, server.host, port, path)
              << std::endl;
  });
}

}  // namespace tongban::app
