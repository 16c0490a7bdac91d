// Flags on the city's data (issue 9 item 4): a person (or an enterprise's agent) says a value a
// dataset holds on them is wrong; the dataset's owner department answers, and may correct the
// record. The flag is the correction request the owner works from.
// Thread-safety: plain value types and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/time.h"
#include "domain/dataset.h"

namespace tongban::domain {

enum class DataFlagState { kOpen, kAnswered };
const char* DataFlagStateName(DataFlagState state);  // "open", "answered"
std::optional<DataFlagState> ParseDataFlagState(std::string_view name);

// Limits of the person's comment and the owner's answer, in characters (UTF-8 code points).
inline constexpr size_t kMaxFlagCommentChars = 1000;
inline constexpr size_t kMaxFlagAnswerChars = 2000;

struct DataFlag {
  std::string id;          // ULID
  std::string dataset;     // the dataset's code
  std::string department;  // the dataset's owner when the flag was raised
  std::string subject_id;  // whose record: resident id or credit code
  std::string record_id;   // the record the value is in
  std::string field;       // the field the person says is wrong
  std::string comment;     // what the person says is wrong, and what is right
  std::string raised_by;   // the user who raised it
  Timestamp raised_at{};
  DataFlagState state = DataFlagState::kOpen;
  std::string answer;      // the owner's answer; empty while open
  bool corrected = false;  // the owner corrected the record
  std::string answered_by; // the owner's user id; empty while open
  Timestamp answered_at{};
  bool operator==(const DataFlag&) const = default;
};

// Checks a new flag on `dataset`: the field exists, the comment is not blank and not too long.
// kInvalidArgument (error.flag.field, error.flag.comment_required, error.flag.comment_too_long).
Status CheckNewFlag(const Dataset& dataset, std::string_view field, std::string_view comment);

// Checks an owner's answer: not blank, not too long; the flag must be open.
// kInvalidArgument (error.flag.answer_required, error.flag.answer_too_long), kConflict
// (error.flag.answered) when it was answered before.
Status CheckFlagAnswer(const DataFlag& flag, std::string_view answer);

}  // namespace tongban::domain
