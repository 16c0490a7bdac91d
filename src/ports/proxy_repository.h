// Family proxy grants (issue 12 item 4): who may act for whom, for which items, until when.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "domain/proxy_grant.h"

namespace tongban::ports {

// At most this many grants per page of ListProxyGrantsGiven and ListLiveProxyGrantsHeld.
inline constexpr int kMaxProxyPage = 100;

// Where a page of the grants a person gave ends: the next page holds older ones, before
// (created_at, id).
struct ProxyCursor {
  Timestamp created_at{};
  std::string id;  // "": from the newest
};

class ProxyRepository {
 public:
  virtual ~ProxyRepository() = default;
  virtual Status InsertProxyGrant(const domain::ProxyGrant& grant) = 0;
  // The grant with its names; kNotFound (error.proxy.not_found) when there is none.
  virtual Result<domain::ProxyGrant> GetProxyGrant(const std::string& id) = 0;
  // Withdraws a grant not withdrawn yet: true when this call withdrew it, false when it already was.
  virtual Result<bool> WithdrawProxyGrant(const std::string& id, Timestamp at) = 0;
  // The grants `grantor_user_id` gave (live, expired and withdrawn), newest first, after `cursor`;
  // `limit` clamped to 1..kMaxProxyPage.
  virtual Result<std::vector<domain::ProxyGrant>> ListProxyGrantsGiven(const std::string& grantor_user_id,
                                                                      const ProxyCursor& cursor, int limit) = 0;
  // The grants `proxy_user_id` holds that are live at `at`, soonest ending first; `limit` clamped
  // to 1..kMaxProxyPage.
  virtual Result<std::vector<domain::ProxyGrant>> ListLiveProxyGrantsHeld(const std::string& proxy_user_id,
                                                                         Timestamp at, int limit) = 0;
  // The grants live at `at` through which `proxy_user_id` acts for the person `grantor_person_id`
  // (a person rarely gives one proxy more than a few).
  virtual Result<std::vector<domain::ProxyGrant>> LiveProxyGrantsFor(const std::string& proxy_user_id,
                                                                    const std::string& grantor_person_id,
                                                                    Timestamp at) = 0;
  // Whether `proxy_user_id` ever held a grant from `grantor_person_id` (live, ended or withdrawn).
  virtual Result<bool> EverProxyFor(const std::string& proxy_user_id, const std::string& grantor_person_id) = 0;
};

}  // namespace tongban::ports
