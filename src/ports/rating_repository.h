// Ratings, rectifications and their counters (issue 13 items 1 and 2; services/ratings.h,
// services/rectifications.h). Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "domain/rating.h"

namespace tongban::ports {

// At most this many rectifications per page of ListRectifications.
inline constexpr int kMaxRectificationPage = 100;

// Which rectifications a list shows: a department's (all, or one state), or every department's
// in one state (the reform office: escalated). Newest first, after the cursor.
struct RectificationQuery {
  std::string department;  // "": every department (then `state` must be set)
  std::optional<domain::RectificationState> state;
  Timestamp after_created_at{};
  std::string after_id;  // "": from the newest
  int limit = 20;        // clamped to 1..kMaxRectificationPage
};

// The slice of counters to add up; "" is every value. month: "YYYY-MM".
struct RatingSlice {
  std::string department;
  std::string item;
  std::string month;
};

class RatingRepository {
 public:
  virtual ~RatingRepository() = default;
  // Stores a rating; kConflict (error.rating.already_rated) when its application has one.
  virtual Status InsertRating(const domain::Rating& rating) = 0;
  // The rating of an application, or nullopt.
  virtual Result<std::optional<domain::Rating>> RatingOf(const std::string& application_id) = 0;
  // Adds `delta` to the counters row of (department, item, month), creating it.
  virtual Status AddRatingCounts(const std::string& department, const std::string& item, const std::string& month,
                                 const domain::RatingCounts& delta) = 0;
  // The counters of a slice added up (a department has its items x months rows: few).
  virtual Result<domain::RatingCounts> SumRatingCounts(const RatingSlice& slice) = 0;

  virtual Status InsertRectification(const domain::Rectification& rectification) = 0;
  // The rectification with its rating's comment and case reference; kNotFound
  // (error.rectification.not_found) when there is none. Locked for the rest of a write transaction.
  virtual Result<domain::Rectification> GetRectification(const std::string& id) = 0;
  // The rectification of an application's rating, or nullopt.
  virtual Result<std::optional<domain::Rectification>> RectificationOfApplication(
      const std::string& application_id) = 0;
  // Writes state, reply, escalation and feedback columns.
  virtual Status UpdateRectification(const domain::Rectification& rectification) = 0;
  virtual Result<std::vector<domain::Rectification>> ListRectifications(const RectificationQuery& query) = 0;
  // Open rectifications whose deadline is before `today`, at most `limit`, oldest deadline first.
  virtual Result<std::vector<domain::Rectification>> ListOverdueRectifications(Date today, int limit) = 0;
};

}  // namespace tongban::ports
