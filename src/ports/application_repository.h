// Applications and their events (the case history).
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "domain/application.h"

namespace tongban::ports {

// The one bound of every list of applications (API page_size, services, storage) and the size of a
// page when the caller names none (pages, API).
inline constexpr int kMaxPageSize = 100;
inline constexpr int kDefaultPageSize = 20;

struct ApplicationQuery {
  // Exactly the applications visible to the caller: set one scope.
  std::string applicant_user_id;  // an applicant's own (as filer) ...
  std::string person_id;          // ... or for this person ...
  std::string enterprise;         // ... or for this enterprise
  std::string department;         // an official's department queue
  std::string centre;             // a clerk's service centre
  std::optional<domain::ApplicationState> state;
  std::string item;
  // Only these items, when not empty (an agent whose grant covers some items).
  std::vector<std::string> items;
  // Leaves drafts and offers out (officials: they are their applicant's until submitted).
  bool exclude_drafts = false;
  // Workbench filters (officials' scopes): the person's resident id, a prefix of the applicant's
  // name, the assigned official.
  std::string person_filter;
  std::string name_prefix;
  std::string assignee_user_id;
  // Earliest deadline first (then id), instead of newest first; only submitted cases (they have
  // a deadline). The page token then carries the deadline and the id.
  bool by_deadline = false;
  // Keyset pagination, newest first: answers rows strictly older than the cursor.
  std::string page_token;
  int limit = kDefaultPageSize;  // clamped to 1..kMaxPageSize
};

struct ApplicationPage {
  std::vector<domain::Application> applications;
  std::string next_page_token;  // empty on the last page
};

// How many cases of a scope wait on the department (submitted, accepted, under review).
struct QueueCounts {
  int64_t waiting = 0;
  int64_t overdue = 0;   // deadline before `today`
  int64_t due_soon = 0;  // deadline from `today` to `due_by`, both included
};

class ApplicationRepository {
 public:
  virtual ~ApplicationRepository() = default;
  // UpdateApplication answers kConflict unless the stored version equals `app.version - 1`
  // (optimistic concurrency: the caller bumps the version).
  virtual Status InsertApplication(const domain::Application& app) = 0;
  virtual Result<domain::Application> GetApplication(const std::string& id) = 0;
  virtual Status UpdateApplication(const domain::Application& app) = 0;
  virtual Result<ApplicationPage> ListApplications(const ApplicationQuery& query) = 0;
  // The application with this reference number (canonical form); kNotFound when none.
  virtual Result<domain::Application> GetApplicationByReference(const std::string& reference) = 0;
  // The next reference sequence number of `day` (1, 2, ...), counted in the caller's transaction:
  // never the same twice, also with several servers on one database.
  virtual Result<int64_t> NextReferenceSequence(Date day) = 0;
  // Applications made before reference numbers existed (at most `limit`), and giving one its number
  // and, when it has none, its applicant's name (a row that has a reference keeps it).
  virtual Result<std::vector<domain::Application>> ListWithoutReference(int limit) = 0;
  virtual Status SetReference(const std::string& id, const std::string& reference,
                              const std::string& applicant_name) = 0;
  // The waiting cases of the query's scope (department or centre; its other fields are ignored).
  virtual Result<QueueCounts> CountQueue(const ApplicationQuery& scope, Date today, Date due_by) = 0;
  virtual Status InsertEvent(const domain::Event& event) = 0;
  virtual Result<std::vector<domain::Event>> ListEvents(const std::string& application_id) = 0;
};

}  // namespace tongban::ports
