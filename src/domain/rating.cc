#include "domain/rating.h"

#include <algorithm>
#include <cmath>

#include "common/enum_names.h"

namespace tongban::domain {
namespace {

constexpr std::array kRatingChannelNames = {
    EnumName<RatingChannel>{RatingChannel::kWeb, "web"},         EnumName<RatingChannel>{RatingChannel::kMobile, "mobile"},
    EnumName<RatingChannel>{RatingChannel::kKiosk, "kiosk"},     EnumName<RatingChannel>{RatingChannel::kWindow, "window"},
    EnumName<RatingChannel>{RatingChannel::kMessage, "message"},
};

constexpr std::array kRectificationStateNames = {
    EnumName<RectificationState>{RectificationState::kOpen, "open"},
    EnumName<RectificationState>{RectificationState::kEscalated, "escalated"},
    EnumName<RectificationState>{RectificationState::kReplied, "replied"},
};

double OneDecimal(double value) { return std::round(value * 10.0) / 10.0; }

}  // namespace

bool IsRatingTag(std::string_view code) {
  return std::find(kRatingTags.begin(), kRatingTags.end(), code) != kRatingTags.end();
}

const char* RatingChannelName(RatingChannel channel) { return NameOf(kRatingChannelNames, channel); }
std::optional<RatingChannel> ParseRatingChannel(std::string_view name) { return ValueOf(kRatingChannelNames, name); }

const char* RectificationStateName(RectificationState state) { return NameOf(kRectificationStateNames, state); }
std::optional<RectificationState> ParseRectificationState(std::string_view name) {
  return ValueOf(kRectificationStateNames, name);
}

int64_t RatingCounts::Total() const {
  int64_t total = 0;
  for (const int64_t n : levels) total += n;
  return total;
}

int64_t RatingCounts::Bad() const { return levels[0] + levels[1]; }

std::optional<double> RatingCounts::SatisfactionIndex() const {
  const int64_t total = Total();
  if (total == 0) return std::nullopt;
  int64_t sum = 0;
  for (size_t i = 0; i < levels.size(); ++i) sum += levels[i] * static_cast<int64_t>(i + 1);
  return OneDecimal(static_cast<double>(sum) / static_cast<double>(total) / 5.0 * 100.0);
}

std::optional<double> RatingCounts::RectifiedOnTimeShare() const {
  const int64_t bad = Bad();
  if (bad == 0) return std::nullopt;
  return OneDecimal(static_cast<double>(rectified_on_time) / static_cast<double>(bad) * 100.0);
}

std::string MonthOf(Date date) {
  const std::string iso = FormatIsoDate(date);
  return iso.substr(0, 7);
}

}  // namespace tongban::domain
