// Supervision records and the API keys supervision systems push them with (issue 13 item 4).
// Records are only inserted, never updated (a correction is a new record); keys are inserted and
// revoked. Services reach both through ports::Transaction::supervision(); the use cases are in
// services/supervision.h and services/api_keys.h.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "domain/supervision.h"

namespace tongban::ports {

// At most this many records per page of ListSupervisionRecords, keys per ListApiKeys.
inline constexpr int kMaxSupervisionPage = 100;

// Where a page of an enterprise's records ends: the next page holds older ones, before (date, id).
struct SupervisionCursor {
  Date date;
  std::string id;  // "": from the newest
};

struct ApiKey {
  std::string id;
  std::string key_hash;  // SHA-256 of the key, lower-case hex; the key itself is never stored
  std::string name;      // the supervision system it was given to
  std::string department;
  std::string scope;     // what it may do: kSupervisionWriteScope
  std::string created_by;  // an administrator's user id, or "cli"
  Timestamp created_at{};
  std::string revoked_by;  // "" while in force
  std::optional<Timestamp> revoked_at;
};

// The one scope keys have: writing supervision records for their department.
inline constexpr char kSupervisionWriteScope[] = "supervision_records:write";

class SupervisionRepository {
 public:
  virtual ~SupervisionRepository() = default;
  // kConflict for an id already stored.
  virtual Status InsertSupervisionRecord(const domain::SupervisionRecord& record) = 0;
  // The record with its recorder's name and the newest record correcting it;
  // kNotFound (error.supervision.not_found).
  virtual Result<domain::SupervisionRecord> GetSupervisionRecord(const std::string& id) = 0;
  // The enterprise's records, newest date first, after `cursor`; `limit` clamped to
  // 1..kMaxSupervisionPage.
  virtual Result<std::vector<domain::SupervisionRecord>> ListSupervisionRecords(const std::string& credit_code,
                                                                               const SupervisionCursor& cursor,
                                                                               int limit) = 0;
  // The summary of the enterprise's records dated `since` or later, corrected ones left out.
  virtual Result<domain::SupervisionSummary> SummariseSupervision(const std::string& credit_code, Date since) = 0;

  // kConflict for an id or hash already stored.
  virtual Status InsertApiKey(const ApiKey& key) = 0;
  // kNotFound (error.api_key.not_found).
  virtual Result<ApiKey> GetApiKey(const std::string& id) = 0;
  // kNotFound (error.api_key.invalid) for a hash no key has.
  virtual Result<ApiKey> FindApiKeyByHash(const std::string& key_hash) = 0;
  // Revokes a key in force: true when this call revoked it, false when it already was.
  virtual Result<bool> RevokeApiKey(const std::string& id, const std::string& by, Timestamp at) = 0;
  // Every key, newest first, at most `limit` (clamped to 1..kMaxSupervisionPage).
  virtual Result<std::vector<ApiKey>> ListApiKeys(int limit) = 0;
};

}  // namespace tongban::ports
