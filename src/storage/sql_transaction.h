// SqlTransaction: the one implementation of ports::Transaction, over a storage::Connection on
// which the caller (SqlStore) has already begun a transaction; it only runs the per-table SQL and
// maps rows to and from domain types. Committing, rolling back and retrying are SqlStore's.
// Internal to storage: nothing outside src/storage includes this header.
//
// A read-only SqlTransaction (inside Store::Read) answers kInternal to every write method.
// Stored rows that do not parse (an unknown state, a malformed JSON column) answer kInternal.
//
// Thread-safety: none; it belongs to the thread running the work, like its Connection, and must
// not outlive that work.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ports/store.h"
#include "storage/driver.h"

namespace tongban::storage {

class SqlTransaction final : public ports::Transaction {
 public:
  // lock_reads: a writable transaction reads the rows it may update with FOR UPDATE
  // (Driver::LocksRowsReadForUpdate).
  SqlTransaction(Connection& connection, bool writable, bool lock_reads = false)
      : connection_(connection), writable_(writable), lock_reads_(writable && lock_reads) {}

  Status InsertUser(const domain::User& user) override;
  Result<domain::User> GetUser(const std::string& id) override;
  Result<domain::User> FindUserByUsername(const std::string& username) override;
  Status InsertPerson(const domain::Person& person) override;
  Result<domain::Person> GetPerson(const std::string& id) override;
  Status InsertEnterprise(const domain::Enterprise& enterprise) override;
  Result<domain::Enterprise> GetEnterprise(const std::string& code) override;
  Status PutAgentGrant(const domain::AgentGrant& grant) override;
  Result<domain::AgentGrant> GetAgentGrant(const std::string& enterprise, const std::string& user_id) override;
  Result<std::vector<domain::AgentGrant>> ListAgentGrantsOfUser(const std::string& user_id) override;

  Status InsertSession(const domain::Session& session) override;
  Result<domain::Session> GetSession(const std::string& token_hash) override;
  Status DeleteSession(const std::string& token_hash) override;
  Result<int64_t> DeleteExpiredSessions(Timestamp before, int limit) override;
  Result<int64_t> DeleteLoginFailuresBefore(Timestamp before, int limit) override;
  Status RecordLoginFailure(const std::string& key, Timestamp at) override;
  Result<ports::LoginFailureCount> CountLoginFailures(const std::string& key, Timestamp since) override;
  Status ClearLoginFailures(const std::string& key) override;

  Status InsertApplication(const domain::Application& app) override;
  Result<domain::Application> GetApplication(const std::string& id) override;
  Status UpdateApplication(const domain::Application& app) override;
  Result<ports::ApplicationPage> ListApplications(const ports::ApplicationQuery& query) override;
  Status InsertEvent(const domain::Event& event) override;
  Result<std::vector<domain::Event>> ListEvents(const std::string& application_id) override;

  Result<int64_t> LatestCatalogueVersion() override;
  Result<ports::CatalogueVersion> GetCatalogueVersion(int64_t version) override;
  Status InsertCatalogueVersion(const ports::CatalogueVersion& v) override;

  Status PutBlob(const ports::Blob& blob) override;
  Result<ports::Blob> GetBlob(const std::string& sha256) override;

 private:
  Result<int64_t> DeleteBatch(std::string_view sql, Timestamp before, int limit);
  Status RequireWritable() const;
  Result<domain::User> SelectUser(std::string_view sql, const std::string& key);

  Connection& connection_;
  const bool writable_;
  const bool lock_reads_;
};

}  // namespace tongban::storage
