// The licences issued (docs/product.md C6): each licence with its signed credential and QR token,
// its status list slot, and the history of its status.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "domain/licence.h"

namespace tongban::ports {

// InsertLicence's message when the licence's status list slot is taken (a random index drawn twice).
inline constexpr std::string_view kStatusSlotTaken = "error.licence.status_slot_taken";

// At most this many licences per page of ListLicencesOfHolder.
inline constexpr int kMaxLicencePage = 100;

struct LicencePage {
  std::vector<domain::Licence> licences;
  std::string next_after;  // the last id of this page when there may be more; empty on the last
};

class LicenceRepository {
 public:
  virtual ~LicenceRepository() = default;
  // Stores a new licence and its part links. kConflict when the id, or its (status_list,
  // status_index) slot, is taken; nothing is stored then. A taken slot answers kConflict with the
  // message kStatusSlotTaken without failing the transaction (the caller draws another index).
  virtual Status InsertLicence(const domain::Licence& licence) = 0;
  // Writes status, own_status, delivered_at and version of `licence` when the stored version is
  // `licence.version - 1`; kConflict (error.licence.changed) when it is not.
  virtual Status UpdateLicence(const domain::Licence& licence) = 0;
  // kNotFound (error.licence.not_found).
  virtual Result<domain::Licence> GetLicence(const std::string& id) = 0;
  // The licences of a holder, newest first, after the licence id `after` (empty: from the newest).
  virtual Result<LicencePage> ListLicencesOfHolder(domain::ApplicantKind kind, const std::string& holder_id,
                                                   const std::string& after, int limit) = 0;
  // The holder's licences in force (status valid) with from < valid_until <= to, soonest first
  // (then by id), at most `limit` (clamped to 1..kMaxLicencePage): the homepage's expiring list.
  virtual Result<std::vector<domain::Licence>> ListLicencesOfHolderExpiring(domain::ApplicantKind kind,
                                                                            const std::string& holder_id,
                                                                            Timestamp from, Timestamp to,
                                                                            int limit) = 0;
  // The holder's newest licence of `type` (any status), or nullopt when they have none.
  virtual Result<std::optional<domain::Licence>> LatestLicenceOfType(domain::ApplicantKind kind,
                                                                     const std::string& holder_id,
                                                                     const std::string& type) = 0;
  // The licences an application issued (a single licence; an industry licence too when it was
  // the last part).
  virtual Result<std::vector<domain::Licence>> LicencesOfApplication(const std::string& application_id) = 0;
  // The industry licences that list the licence `part_id` among their parts.
  virtual Result<std::vector<domain::Licence>> IndustryLicencesWithPart(const std::string& part_id) = 0;

  // The list new licences take their slot in: the newest list with fewer than
  // domain::kLicenceStatusListFill licences, a new one ("1", "2", ...) when all are that full. The
  // list's count is taken by one (so that list's row is held until commit).
  virtual Result<std::string> TakeStatusListSlot(Timestamp at) = 0;
  // The licence at `index` of `list`; kNotFound (error.licence.not_found) when the index is free.
  virtual Result<domain::Licence> GetLicenceAtStatusIndex(const std::string& list, int64_t index) = 0;
  // Whether `index` of `list` is taken.
  virtual Result<bool> StatusIndexTaken(const std::string& list, int64_t index) = 0;
  // The indexes of `list` whose licence is in `status` (never kValid), in index order: the bits
  // of the list's revocation or suspension bitstring. Answers kInvalidArgument for kValid.
  virtual Result<std::vector<int64_t>> StatusIndexes(const std::string& list, domain::LicenceStatus status) = 0;
  // Whether the list exists.
  virtual Result<bool> StatusListExists(const std::string& list) = 0;

  virtual Status AppendStatusChange(const domain::LicenceStatusChange& change) = 0;
  // The licence's history, oldest first.
  virtual Result<std::vector<domain::LicenceStatusChange>> ListStatusChanges(const std::string& licence_id) = 0;
};

}  // namespace tongban::ports
