// Bundle cases (一件事, issue 11 item 1): a bundle case and its sub-cases, each sub-case an
// application stored by ApplicationRepository. Thread-safety: belongs to its Transaction.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "domain/bundle_case.h"

namespace tongban::ports {

class BundleRepository {
 public:
  virtual ~BundleRepository() = default;
  // Stores a new bundle case; kConflict when the id is taken.
  virtual Status InsertBundleCase(const domain::BundleCase& bundle_case) = 0;
  // The bundle case, locked for the rest of a write transaction (FOR UPDATE where the database
  // locks rows), so that two sub-cases approved at once start what waits for both exactly once.
  // kNotFound (error.application.not_found).
  virtual Result<domain::BundleCase> GetBundleCase(const std::string& id) = 0;
  // Writes submitted_at and version; kConflict (error.application.changed) when the stored version
  // is not bundle_case.version - 1.
  virtual Status UpdateBundleCase(const domain::BundleCase& bundle_case) = 0;
  // Stores a sub-case row (its application is stored first).
  virtual Status InsertSubCase(const domain::BundleSubCase& sub_case) = 0;
  // The sub-cases of a bundle case in bundle order (at most a bundle's items: no paging needed).
  virtual Result<std::vector<domain::BundleSubCase>> ListSubCases(const std::string& bundle_case_id) = 0;
  // The sub-case row of application `application_id`; kNotFound when it is no bundle's sub-case.
  virtual Result<domain::BundleSubCase> GetSubCase(const std::string& application_id) = 0;
};

}  // namespace tongban::ports
