// Consents (issue 9 item 3): a person agrees that items read the `sensitive` fields of their
// datasets for one purpose (an item code); revocable, kept with the time it was revoked.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"

namespace tongban::ports {

struct Consent {
  std::string id;
  std::string subject_id;  // whose data: resident id (or credit code)
  std::string user_id;     // the account that gave it
  std::string purpose;     // an item code
  Timestamp given_at{};
  std::optional<Timestamp> revoked_at;  // nullopt while in force
  bool operator==(const Consent&) const = default;
};

// At most this many consents per page of ListConsents.
inline constexpr int kMaxConsentsPage = 100;

class ConsentRepository {
 public:
  virtual ~ConsentRepository() = default;
  // Stores a new consent. kConflict when the id exists.
  virtual Status InsertConsent(const Consent& consent) = 0;
  // One consent; kNotFound (error.consent.not_found).
  virtual Result<Consent> GetConsent(const std::string& id) = 0;
  // The subject's consent in force for `purpose`, the newest; kNotFound (error.consent.not_found).
  virtual Result<Consent> ActiveConsent(const std::string& subject_id, const std::string& purpose) = 0;
  // The subject's consents newest first, at most `limit` (1..kMaxConsentsPage), after the one
  // given at `after_given_at` with id `after_id` (empty after_id: from the newest).
  virtual Result<std::vector<Consent>> ListConsents(const std::string& subject_id, Timestamp after_given_at,
                                                    const std::string& after_id, int limit) = 0;
  // Marks the consent revoked at `at`. kNotFound (error.consent.not_found); kConflict
  // (error.consent.revoked) when it was revoked already.
  virtual Status RevokeConsent(const std::string& id, Timestamp at) = 0;
};

}  // namespace tongban::ports
