// Good/bad ratings (好差评, docs/product.md C11, issue 13 items 1 and 2) and the rectification
// (整改) a bad rating opens. Pure rules: no SQL, clock or JSON.
// Thread-safety: values and pure functions.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"

namespace tongban::domain {

// Five levels as GB/T 39735 sets them out: 5 very satisfied, 4 satisfied, 3 basically satisfied,
// 2 dissatisfied, 1 very dissatisfied.
inline constexpr int kMinRatingLevel = 1;
inline constexpr int kMaxRatingLevel = 5;
// A rating at or below this level is bad: it opens a rectification case.
inline constexpr int kBadRatingLevel = 2;
// The longest comment, in UTF-8 bytes (about 330 Chinese characters).
inline constexpr size_t kMaxRatingCommentBytes = 1000;
// Working days a department has to answer a bad rating.
inline constexpr int kRectificationWorkingDays = 15;
// The longest reply text and "what it changed", in UTF-8 bytes.
inline constexpr size_t kMaxRectificationTextBytes = 4000;

// The fixed list of reason tags (labels in web/i18n as rating.tag.<code>).
inline constexpr std::array<std::string_view, 8> kRatingTags = {
    "fast", "clear_guidance", "friendly_staff", "no_repeat_visit",
    "slow", "unclear_requirements", "too_many_materials", "poor_attitude"};
bool IsRatingTag(std::string_view code);

// Where a rating was given.
enum class RatingChannel { kWeb, kMobile, kKiosk, kWindow, kMessage };
const char* RatingChannelName(RatingChannel channel);  // "web", "mobile", "kiosk", "window", "message"
std::optional<RatingChannel> ParseRatingChannel(std::string_view name);

struct Rating {
  std::string id;
  std::string application_id;
  std::string ended_event_id;
  std::string item;
  std::string department;
  std::string rater_user_id;
  std::string person_id;
  std::string enterprise;
  int level = 0;
  std::string comment;
  std::vector<std::string> tags;
  RatingChannel channel = RatingChannel::kWeb;
  std::string assisted_by;  // the clerk at the window tablet; "" otherwise
  std::string month;        // YYYY-MM, city time
  Timestamp created_at{};
};

// open: waiting for the department's reply; escalated: its deadline passed without a reply (the
// reform office sees it); replied: the department answered (its feedback may follow).
enum class RectificationState { kOpen, kEscalated, kReplied };
const char* RectificationStateName(RectificationState state);  // "open", "escalated", "replied"
std::optional<RectificationState> ParseRectificationState(std::string_view name);

struct Rectification {
  std::string id;
  std::string rating_id;
  std::string application_id;
  std::string item;
  std::string department;
  std::string person_id;
  std::string enterprise;
  int level = 0;
  std::string month;
  RectificationState state = RectificationState::kOpen;
  Date deadline{};
  std::string reply_text;
  std::string changes;
  std::string replied_by;
  std::optional<Timestamp> replied_at;
  std::optional<Timestamp> escalated_at;
  std::optional<bool> satisfied;
  std::optional<Timestamp> feedback_at;
  Timestamp created_at{};
  // Read with it, for showing it: the rating's comment and the case's reference number.
  std::string comment;
  std::string reference;
};

// Counts of one (department, item, month), or their sum over a slice; also the deltas one change
// adds to them.
struct RatingCounts {
  std::array<int64_t, 5> levels{};  // levels[0] counts level 1 ... levels[4] level 5
  int64_t rectified_on_time = 0;
  int64_t rectified_late = 0;
  int64_t escalated = 0;

  int64_t Total() const;
  int64_t Bad() const;  // levels 1 and 2
  // The satisfaction index: the mean level / 5 x 100 (100 when every rating is 5, 20 when every
  // rating is 1), one decimal; nullopt without ratings.
  std::optional<double> SatisfactionIndex() const;
  // Bad ratings answered by their deadline / bad ratings x 100, one decimal; nullopt without bad ones.
  std::optional<double> RectifiedOnTimeShare() const;
};

// "YYYY-MM" of a date.
std::string MonthOf(Date date);

}  // namespace tongban::domain
