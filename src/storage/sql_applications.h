// Applications and their events in SQL. Internal to storage.
#pragma once

#include "ports/application_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlApplications final : public ports::ApplicationRepository {
 public:
  explicit SqlApplications(const SqlAccess& sql) : sql_(sql) {}
  Status InsertApplication(const domain::Application& app) override;
  Result<domain::Application> GetApplication(const std::string& id) override;
  Status UpdateApplication(const domain::Application& app) override;
  Result<ports::ApplicationPage> ListApplications(const ports::ApplicationQuery& query) override;
  Result<domain::Application> GetApplicationByReference(const std::string& reference) override;
  Result<int64_t> NextReferenceSequence(Date day) override;
  Result<std::vector<domain::Application>> ListWithoutReference(int limit) override;
  Status SetReference(const std::string& id, const std::string& reference,
                      const std::string& applicant_name) override;
  Result<ports::QueueCounts> CountQueue(const ports::ApplicationQuery& scope, Date today, Date due_by) override;
  Status InsertEvent(const domain::Event& event) override;
  Result<std::vector<domain::Event>> ListEvents(const std::string& application_id) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
