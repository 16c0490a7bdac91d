// Accounts in SQL: users, persons, enterprises, agent grants. Internal to storage.
#pragma once

#include "ports/account_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlAccounts final : public ports::AccountRepository {
 public:
  explicit SqlAccounts(const SqlAccess& sql) : sql_(sql) {}
  Status InsertUser(const domain::User& user) override;
  Result<domain::User> GetUser(const std::string& id) override;
  Result<std::vector<domain::User>> ListUsersOfDepartment(const std::string& department, int limit) override;
  Result<domain::User> FindUserByUsername(const std::string& username) override;
  Status InsertPerson(const domain::Person& person) override;
  Result<domain::Person> GetPerson(const std::string& id) override;
  Status InsertEnterprise(const domain::Enterprise& enterprise) override;
  Result<domain::Enterprise> GetEnterprise(const std::string& code) override;
  Status PutAgentGrant(const domain::AgentGrant& grant) override;
  Result<domain::AgentGrant> GetAgentGrant(const std::string& enterprise, const std::string& user_id) override;
  Result<std::vector<domain::AgentGrant>> ListAgentGrantsOfUser(const std::string& user_id) override;
  Result<std::vector<domain::AgentGrant>> ListAgentGrantsOfEnterprise(const std::string& enterprise,
                                                                      const std::string& after_user_id,
                                                                      int limit) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
