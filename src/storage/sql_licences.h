// The licences' rows in SQL (migrations/V013__licences.sql). Internal to storage.
#pragma once

#include "ports/licence_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlLicences final : public ports::LicenceRepository {
 public:
  explicit SqlLicences(const SqlAccess& sql) : sql_(sql) {}
  Status InsertLicence(const domain::Licence& licence) override;
  Status UpdateLicence(const domain::Licence& licence) override;
  Result<domain::Licence> GetLicence(const std::string& id) override;
  Result<ports::LicencePage> ListLicencesOfHolder(domain::ApplicantKind kind, const std::string& holder_id,
                                                  const std::string& after, int limit) override;
  Result<std::vector<domain::Licence>> ListLicencesOfHolderExpiring(domain::ApplicantKind kind,
                                                                    const std::string& holder_id, Timestamp from,
                                                                    Timestamp to, int limit) override;
  Result<std::optional<domain::Licence>> LatestLicenceOfType(domain::ApplicantKind kind, const std::string& holder_id,
                                                             const std::string& type) override;
  Result<std::vector<domain::Licence>> LicencesOfApplication(const std::string& application_id) override;
  Result<std::vector<domain::Licence>> IndustryLicencesWithPart(const std::string& part_id) override;
  Result<std::string> TakeStatusListSlot(Timestamp at) override;
  Result<domain::Licence> GetLicenceAtStatusIndex(const std::string& list, int64_t index) override;
  Result<bool> StatusIndexTaken(const std::string& list, int64_t index) override;
  Result<std::vector<int64_t>> StatusIndexes(const std::string& list, domain::LicenceStatus status) override;
  Result<bool> StatusListExists(const std::string& list) override;
  Status AppendStatusChange(const domain::LicenceStatusChange& change) override;
  Result<std::vector<domain::LicenceStatusChange>> ListStatusChanges(const std::string& licence_id) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
