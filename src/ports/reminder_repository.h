// Expiry reminders (issue 12 item 3): the licences in force that expire in a window, read a page
// at a time in expiry order, and a claim per licence and threshold so that each reminder is
// written once by any number of servers.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "domain/catalogue.h"

namespace tongban::ports {

// At most this many licences per page of ListLicencesExpiring.
inline constexpr int kMaxExpiringPage = 1000;

struct ExpiringLicence {
  std::string id;
  std::string type;
  domain::ApplicantKind holder_kind = domain::ApplicantKind::kPerson;
  std::string holder_id;
  Timestamp valid_until{};
};

// Where a page ends: the next page starts after (valid_until, id).
struct ExpiryCursor {
  Timestamp valid_until{};
  std::string id;  // "": from the start of the window
};

class ReminderRepository {
 public:
  virtual ~ReminderRepository() = default;
  // Licences in force (status valid) with from < valid_until <= to, after `cursor`, in
  // (valid_until, id) order, that have no reminder of `days` yet; `limit` clamped to
  // 1..kMaxExpiringPage.
  virtual Result<std::vector<ExpiringLicence>> ListLicencesExpiring(Timestamp from, Timestamp to, int days,
                                                                    const ExpiryCursor& cursor, int limit) = 0;
  // Claims the reminder of `days` for the licence: true when this call claimed it, false when it
  // was claimed before (by this or another server).
  virtual Result<bool> ClaimReminder(const std::string& licence_id, int days, const std::string& message_id,
                                     Timestamp at) = 0;
};

}  // namespace tongban::ports
