// Role changes in SQL (V031): role_changes, users.roles, role_holders. Internal to storage.
#pragma once

#include "ports/role_change_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlRoleChanges final : public ports::RoleChangeRepository {
 public:
  explicit SqlRoleChanges(const SqlAccess& sql) : sql_(sql) {}
  Status InsertRoleChange(const domain::RoleChange& change) override;
  Result<domain::RoleChange> GetRoleChange(const std::string& id) override;
  Result<std::vector<domain::RoleChange>> ListRoleChanges(const ports::RoleChangeCursor& cursor, int limit) override;
  Result<std::vector<domain::RoleChange>> ListRoleChangesOfUser(const std::string& user_id,
                                                                const ports::RoleChangeCursor& cursor,
                                                                int limit) override;
  Result<std::optional<domain::RoleChange>> LatestRoleChangeBefore(const std::string& user_id,
                                                                   const ports::RoleChangeCursor& before) override;
  Result<std::vector<domain::RoleChange>> RoleChangesBetween(Timestamp from, Timestamp to, int limit) override;
  Status SetUserRoles(const std::string& user_id, const std::vector<domain::Role>& roles) override;
  Status AddRoleHolder(domain::Role role) override;
  Result<bool> RemoveRoleHolder(domain::Role role, int64_t keep_at_least) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
