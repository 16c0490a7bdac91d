#include "domain/data_flag.h"

#include <algorithm>
#include <cctype>

#include "common/enum_names.h"

namespace tongban::domain {
namespace {

constexpr std::array kStates = {EnumName<DataFlagState>{DataFlagState::kOpen, "open"},
                               EnumName<DataFlagState>{DataFlagState::kAnswered, "answered"}};

// Code points of UTF-8 text (continuation bytes are not counted).
size_t CodePoints(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool Blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

}  // namespace

const char* DataFlagStateName(DataFlagState state) { return NameOf(kStates, state); }
std::optional<DataFlagState> ParseDataFlagState(std::string_view name) { return ValueOf(kStates, name); }

Status CheckNewFlag(const Dataset& dataset, std::string_view field, std::string_view comment) {
  if (dataset.FindField(field) == nullptr) return MakeError(ErrorCode::kInvalidArgument, "error.flag.field");
  if (Blank(comment)) return MakeError(ErrorCode::kInvalidArgument, "error.flag.comment_required");
  if (CodePoints(comment) > kMaxFlagCommentChars) {
    return MakeError(ErrorCode::kInvalidArgument, "error.flag.comment_too_long");
  }
  return Ok();
}

Status CheckFlagAnswer(const DataFlag& flag, std::string_view answer) {
  if (flag.state != DataFlagState::kOpen) return MakeError(ErrorCode::kConflict, "error.flag.answered");
  if (Blank(answer)) return MakeError(ErrorCode::kInvalidArgument, "error.flag.answer_required");
  if (CodePoints(answer) > kMaxFlagAnswerChars) {
    return MakeError(ErrorCode::kInvalidArgument, "error.flag.answer_too_long");
  }
  return Ok();
}

}  // namespace tongban::domain
