// Accounts: users, persons, enterprises and the rights enterprises grant their agents.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "domain/account.h"

namespace tongban::ports {

class AccountRepository {
 public:
  virtual ~AccountRepository() = default;
  // Insert* answers kConflict when the id or username exists; Get*/Find* kNotFound.
  virtual Status InsertUser(const domain::User& user) = 0;
  virtual Result<domain::User> GetUser(const std::string& id) = 0;
  virtual Result<domain::User> FindUserByUsername(const std::string& username) = 0;
  // The users of `department` (its officials), at most `limit`, in id order.
  virtual Result<std::vector<domain::User>> ListUsersOfDepartment(const std::string& department, int limit) = 0;
  virtual Status InsertPerson(const domain::Person& person) = 0;
  virtual Result<domain::Person> GetPerson(const std::string& id) = 0;
  virtual Status InsertEnterprise(const domain::Enterprise& enterprise) = 0;
  virtual Result<domain::Enterprise> GetEnterprise(const std::string& code) = 0;
  virtual Status PutAgentGrant(const domain::AgentGrant& grant) = 0;  // insert or replace
  virtual Result<domain::AgentGrant> GetAgentGrant(const std::string& enterprise, const std::string& user_id) = 0;
  virtual Result<std::vector<domain::AgentGrant>> ListAgentGrantsOfUser(const std::string& user_id) = 0;
  // The enterprise's agents whose user id sorts after `after_user_id` ("" from the start), at most
  // `limit` of them, in user id order (keyset pagination).
  virtual Result<std::vector<domain::AgentGrant>> ListAgentGrantsOfEnterprise(const std::string& enterprise,
                                                                              const std::string& after_user_id,
                                                                              int limit) = 0;
};

}  // namespace tongban::ports
