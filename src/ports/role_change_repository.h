// Role changes (issue 13 item 6): the append-only record of every grant and withdrawal of an
// official's roles, the account's current roles (users.roles) updated beside it, and how many
// officials hold each role. The use cases are in services/roles.h.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "domain/role_change.h"

namespace tongban::ports {

// At most this many changes per page of ListRoleChanges / ListRoleChangesOfUser / RoleChangesBetween.
inline constexpr int kMaxRoleChangePage = 200;

// Where a page ends: the next page holds older changes, before (at, id). id "": from the newest.
struct RoleChangeCursor {
  Timestamp at{};
  std::string id;
};

class RoleChangeRepository {
 public:
  virtual ~RoleChangeRepository() = default;
  // kConflict for an id already stored.
  virtual Status InsertRoleChange(const domain::RoleChange& change) = 0;
  // kNotFound (error.roles.change_not_found).
  virtual Result<domain::RoleChange> GetRoleChange(const std::string& id) = 0;
  // Every change, newest first, before `cursor`; `limit` clamped to 1..kMaxRoleChangePage.
  virtual Result<std::vector<domain::RoleChange>> ListRoleChanges(const RoleChangeCursor& cursor, int limit) = 0;
  // One account's changes, newest first, before `cursor`.
  virtual Result<std::vector<domain::RoleChange>> ListRoleChangesOfUser(const std::string& user_id,
                                                                        const RoleChangeCursor& cursor,
                                                                        int limit) = 0;
  // The account's latest change strictly before (at, id) (id "~" takes every change at `at`);
  // nullopt when it has none.
  virtual Result<std::optional<domain::RoleChange>> LatestRoleChangeBefore(const std::string& user_id,
                                                                           const RoleChangeCursor& before) = 0;
  // The changes with from < changed_at <= to, oldest first, at most `limit` (clamped).
  virtual Result<std::vector<domain::RoleChange>> RoleChangesBetween(Timestamp from, Timestamp to, int limit) = 0;

  // Sets the account's current roles (users.roles). kNotFound (error.user.not_found).
  virtual Status SetUserRoles(const std::string& user_id, const std::vector<domain::Role>& roles) = 0;
  // One more official holds `role`.
  virtual Status AddRoleHolder(domain::Role role) = 0;
  // One fewer official holds `role`, unless that would leave fewer than `keep_at_least`: true when
  // the count went down, false when it was refused. One conditional update of the role's row, so
  // concurrent withdrawals queue on it.
  virtual Result<bool> RemoveRoleHolder(domain::Role role, int64_t keep_at_least) = 0;
};

}  // namespace tongban::ports
