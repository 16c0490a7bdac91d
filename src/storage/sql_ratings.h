// Ratings, rectifications and their counters in SQL. Internal to storage.
#pragma once

#include "ports/rating_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlRatings final : public ports::RatingRepository {
 public:
  explicit SqlRatings(const SqlAccess& sql) : sql_(sql) {}
  Status InsertRating(const domain::Rating& rating) override;
  Result<std::optional<domain::Rating>> RatingOf(const std::string& application_id) override;
  Status AddRatingCounts(const std::string& department, const std::string& item, const std::string& month,
                         const domain::RatingCounts& delta) override;
  Result<domain::RatingCounts> SumRatingCounts(const ports::RatingSlice& slice) override;
  Status InsertRectification(const domain::Rectification& rectification) override;
  Result<domain::Rectification> GetRectification(const std::string& id) override;
  Result<std::optional<domain::Rectification>> RectificationOfApplication(const std::string& application_id) override;
  Status UpdateRectification(const domain::Rectification& rectification) override;
  Result<std::vector<domain::Rectification>> ListRectifications(const ports::RectificationQuery& query) override;
  Result<std::vector<domain::Rectification>> ListOverdueRectifications(Date today, int limit) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
