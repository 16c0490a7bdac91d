// Benefits without applying (免申即享, issue 12 item 1; services/proactive.h): the index of dates
// of birth the daily job finds its candidates by (person_birthdays, written by the dataset
// repository with every population record) and the offers it made (proactive_offers), one per
// item, person and month. Every read is a bounded page of an index.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"

namespace tongban::ports {

// At most this many rows per page of ListBornBetween and ListOffersDue.
inline constexpr int kMaxProactivePage = 1000;

struct Birthday {
  std::string subject_id;  // resident id number
  std::string birth_date;  // YYYY-MM-DD
  bool operator==(const Birthday&) const = default;
};

struct ProactiveOffer {
  std::string item;
  std::string subject_id;
  std::string period;  // YYYY-MM
  std::string application_id;
  Timestamp created_at{};
  std::optional<Timestamp> answer_by;  // nullopt once answered, proceeded or lapsed
};

class ProactiveRepository {
 public:
  virtual ~ProactiveRepository() = default;
  // The people born from `from` to `to` (YYYY-MM-DD, inclusive) in (birth date, subject id) order,
  // after `after` (an empty subject: from the first), at most `limit` (1..kMaxProactivePage).
  virtual Result<std::vector<Birthday>> ListBornBetween(const std::string& from, const std::string& to,
                                                        const Birthday& after, int limit) = 0;
  // Records an offer unless one exists for its (item, subject, period): true when this call
  // recorded it, false when another (this run's predecessor, or another server) already had.
  // On PostgreSQL a concurrent transaction's insert of the same key waits for it to end.
  virtual Result<bool> ClaimOffer(const ProactiveOffer& offer) = 0;
  // Removes the claim of (item, subject, period) again (the person turned out not to qualify, or
  // already had the case), in the claiming transaction: a later run checks them afresh.
  virtual Status ReleaseOffer(const std::string& item, const std::string& subject_id, const std::string& period) = 0;
  // Sets when an open offer proceeds or lapses.
  virtual Status SetAnswerBy(const std::string& application_id, Timestamp answer_by) = 0;
  // The offer of application `application_id`; kNotFound (error.proactive.not_offered).
  virtual Result<ProactiveOffer> GetOffer(const std::string& application_id) = 0;
  // Marks the offer answered (or proceeded, or lapsed): it leaves ListOffersDue. True when this
  // call closed it, false when it was closed already.
  virtual Result<bool> CloseOffer(const std::string& application_id) = 0;
  // The open offers whose answer_by is at or before `now`, oldest first, at most `limit`.
  virtual Result<std::vector<ProactiveOffer>> ListOffersDue(Timestamp now, int limit) = 0;
};

}  // namespace tongban::ports
