// Family proxy grants in SQL. Internal to storage.
#pragma once

#include "ports/proxy_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlProxies final : public ports::ProxyRepository {
 public:
  explicit SqlProxies(const SqlAccess& sql) : sql_(sql) {}
  Status InsertProxyGrant(const domain::ProxyGrant& grant) override;
  Result<domain::ProxyGrant> GetProxyGrant(const std::string& id) override;
  Result<bool> WithdrawProxyGrant(const std::string& id, Timestamp at) override;
  Result<std::vector<domain::ProxyGrant>> ListProxyGrantsGiven(const std::string& grantor_user_id,
                                                              const ports::ProxyCursor& cursor, int limit) override;
  Result<std::vector<domain::ProxyGrant>> ListLiveProxyGrantsHeld(const std::string& proxy_user_id, Timestamp at,
                                                                 int limit) override;
  Result<std::vector<domain::ProxyGrant>> LiveProxyGrantsFor(const std::string& proxy_user_id,
                                                            const std::string& grantor_person_id,
                                                            Timestamp at) override;
  Result<bool> EverProxyFor(const std::string& proxy_user_id, const std::string& grantor_person_id) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
