// The storage port: what the services need from a database, independent of SQL dialect.
// Implemented once by storage::SqlStore over a driver (SQLite, PostgreSQL).
// Thread-safety: a Store is shared by all request threads; a Transaction belongs to one thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "domain/account.h"
#include "domain/application.h"

namespace tongban::ports {

struct Blob {
  std::string sha256;  // hex, the content address
  std::string content_type;
  std::string data;
};

// One published version of the service catalogue.
struct CatalogueVersion {
  int64_t version = 0;
  Timestamp published_at{};
  std::string published_by;
  std::string reason;
  std::string files_json;  // {"relative/path.yaml": "YAML text", ...}
  std::string sha256;      // of files_json
};

struct ApplicationQuery {
  // Exactly the applications visible to the caller: set one scope.
  std::string applicant_user_id;  // an applicant's own (as filer) ...
  std::string person_id;          // ... or for this person ...
  std::string enterprise;         // ... or for this enterprise
  std::string department;         // an official's department queue
  std::string centre;             // a clerk's service centre
  std::optional<domain::ApplicationState> state;
  std::string item;
  // Keyset pagination, newest first: answers rows strictly older than the cursor.
  std::string page_token;
  int limit = 50;
};

struct ApplicationPage {
  std::vector<domain::Application> applications;
  std::string next_page_token;  // empty on the last page
};

inline constexpr size_t kMaxLoginFailureKey = 80;

// The failures recorded for one key at or after a time.
struct LoginFailureCount {
  int count = 0;
  Timestamp latest{};  // the newest of them; meaningless when count is 0
};

class Transaction {
 public:
  virtual ~Transaction() = default;

  // Accounts. Insert* answers kConflict when the id or username exists; Get*/Find* kNotFound.
  virtual Status InsertUser(const domain::User& user) = 0;
  virtual Result<domain::User> GetUser(const std::string& id) = 0;
  virtual Result<domain::User> FindUserByUsername(const std::string& username) = 0;
  virtual Status InsertPerson(const domain::Person& person) = 0;
  virtual Result<domain::Person> GetPerson(const std::string& id) = 0;
  virtual Status InsertEnterprise(const domain::Enterprise& enterprise) = 0;
  virtual Result<domain::Enterprise> GetEnterprise(const std::string& code) = 0;
  virtual Status PutAgentGrant(const domain::AgentGrant& grant) = 0;  // insert or replace
  virtual Result<domain::AgentGrant> GetAgentGrant(const std::string& enterprise, const std::string& user_id) = 0;
  virtual Result<std::vector<domain::AgentGrant>> ListAgentGrantsOfUser(const std::string& user_id) = 0;

  // Sessions, looked up by the SHA-256 of their token.
  virtual Status InsertSession(const domain::Session& session) = 0;
  virtual Result<domain::Session> GetSession(const std::string& token_hash) = 0;
  virtual Status DeleteSession(const std::string& token_hash) = 0;

  // Login throttling: failures per key in a time window. Keys are short fixed-size names the
  // services derive by hashing (an account, an address); a key longer than kMaxLoginFailureKey is
  // refused (kInvalidArgument) and stores nothing.
  virtual Status RecordLoginFailure(const std::string& key, Timestamp at) = 0;
  virtual Result<LoginFailureCount> CountLoginFailures(const std::string& key, Timestamp since) = 0;
  virtual Status ClearLoginFailures(const std::string& key) = 0;
  // Housekeeping: delete at most `limit` sessions that expired before `before` (or login failures
  // recorded before it); answer how many were deleted.
  virtual Result<int64_t> DeleteExpiredSessions(Timestamp before, int limit) = 0;
  virtual Result<int64_t> DeleteLoginFailuresBefore(Timestamp before, int limit) = 0;

  // Applications. UpdateApplication answers kConflict unless the stored version equals
  // `app.version - 1` (optimistic concurrency: the caller bumps the version).
  virtual Status InsertApplication(const domain::Application& app) = 0;
  virtual Result<domain::Application> GetApplication(const std::string& id) = 0;
  virtual Status UpdateApplication(const domain::Application& app) = 0;
  virtual Result<ApplicationPage> ListApplications(const ApplicationQuery& query) = 0;
  virtual Status InsertEvent(const domain::Event& event) = 0;
  virtual Result<std::vector<domain::Event>> ListEvents(const std::string& application_id) = 0;

  // Catalogue versions. LatestCatalogueVersion answers 0 when none was published;
  // InsertCatalogueVersion answers kConflict when the version number exists.
  virtual Result<int64_t> LatestCatalogueVersion() = 0;
  virtual Result<CatalogueVersion> GetCatalogueVersion(int64_t version) = 0;
  virtual Status InsertCatalogueVersion(const CatalogueVersion& version) = 0;

  // Content-addressed uploads; PutBlob of an existing address is a no-op.
  virtual Status PutBlob(const Blob& blob) = 0;
  virtual Result<Blob> GetBlob(const std::string& sha256) = 0;
};

// Work done inside one transaction. It may be run more than once (the store retries
// serialisation failures), so it must not act outside the transaction.
using TransactionWork = std::function<Status(Transaction&)>;

class Store {
 public:
  virtual ~Store() = default;
  // Runs `work` in one write transaction. When it returns OK the writes are committed and durable
  // (they survive kill -9 and power loss) before Write returns; on error nothing is written and the
  // error is returned. kUnavailable when the database cannot be reached or stays busy.
  // Implementations may group the commits of concurrent callers (group commit).
  virtual Status Write(const TransactionWork& work) = 0;
  // Runs `work` in a read-only transaction that sees one consistent snapshot.
  // Write methods called inside answer kInternal.
  virtual Status Read(const TransactionWork& work) = 0;
};

}  // namespace tongban::ports
