#include "domain/supervision.h"

#include <array>

#include "common/enum_names.h"
#include "common/ids.h"

namespace tongban::domain {
namespace {

constexpr std::array<EnumName<SupervisionKind>, 4> kKindNames{{{SupervisionKind::kInspection, "inspection"},
                                                               {SupervisionKind::kViolation, "violation"},
                                                               {SupervisionKind::kPenalty, "penalty"},
                                                               {SupervisionKind::kCredit, "credit"}}};
constexpr std::array<EnumName<InspectionResult>, 3> kResultNames{{{InspectionResult::kCompliant, "compliant"},
                                                                  {InspectionResult::kRectify, "rectify"},
                                                                  {InspectionResult::kNonCompliant, "non_compliant"}}};
constexpr std::array<EnumName<RecorderKind>, 2> kRecorderNames{
    {{RecorderKind::kUser, "user"}, {RecorderKind::kApiKey, "api_key"}}};

Error FieldError(const char* field, const char* key) {
  Error e = MakeError(ErrorCode::kInvalidArgument, key);
  e.fields.push_back({field, key, ""});
  return e;
}

}  // namespace

const char* SupervisionKindName(SupervisionKind kind) { return NameOf(kKindNames, kind); }
std::optional<SupervisionKind> ParseSupervisionKind(std::string_view name) { return ValueOf(kKindNames, name); }
const char* InspectionResultName(InspectionResult result) { return NameOf(kResultNames, result); }
std::optional<InspectionResult> ParseInspectionResult(std::string_view name) { return ValueOf(kResultNames, name); }
const char* RecorderKindName(RecorderKind kind) { return NameOf(kRecorderNames, kind); }
std::optional<RecorderKind> ParseRecorderKind(std::string_view name) { return ValueOf(kRecorderNames, name); }

std::optional<int64_t> ParseYuan(std::string_view text) {
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view cents = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 12) return std::nullopt;
  if (dot != std::string_view::npos && (cents.empty() || cents.size() > 2)) return std::nullopt;
  int64_t fen = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    fen = fen * 10 + (c - '0');
  }
  fen *= 100;
  int64_t scale = 10;
  for (char c : cents) {
    if (c < '0' || c > '9') return std::nullopt;
    fen += (c - '0') * scale;
    scale /= 10;
  }
  if (fen > kMaxPenaltyFen) return std::nullopt;
  return fen;
}

std::string FormatYuan(int64_t fen) {
  const std::string cents = std::to_string(fen % 100);
  return std::to_string(fen / 100) + "." + (cents.size() == 1 ? "0" + cents : cents);
}

Status ValidateSupervisionRecord(const SupervisionRecord& r, Date today) {
  if (const Status code = ValidateCreditCode(r.credit_code); !code.ok()) {
    return FieldError("credit_code", code.error().message.c_str());
  }
  if (r.date > today) return FieldError("date", "error.supervision.date_future");
  if (r.summary.empty()) return FieldError("summary", "error.supervision.summary_required");
  if (r.summary.size() > kMaxSupervisionSummary) return FieldError("summary", "error.supervision.summary_long");
  const bool inspection = r.kind == SupervisionKind::kInspection;
  const bool violation = r.kind == SupervisionKind::kViolation;
  const bool penalty = r.kind == SupervisionKind::kPenalty;
  const bool credit = r.kind == SupervisionKind::kCredit;
  // The fields of other kinds must be absent: a record says one thing.
  if (!inspection && r.result) return FieldError("result", "error.supervision.field_not_for_kind");
  if (!violation && !r.rule.empty()) return FieldError("rule", "error.supervision.field_not_for_kind");
  if (!penalty && r.amount_fen) return FieldError("amount", "error.supervision.field_not_for_kind");
  if (!penalty && !r.decision_number.empty()) return FieldError("decision_number", "error.supervision.field_not_for_kind");
  if (!credit && !r.credit_level.empty()) return FieldError("level", "error.supervision.field_not_for_kind");
  if (inspection && !r.result) return FieldError("result", "error.supervision.result_required");
  if (violation && r.rule.empty()) return FieldError("rule", "error.supervision.rule_required");
  if (violation && r.rule.size() > kMaxSupervisionRule) return FieldError("rule", "error.supervision.rule_long");
  if (penalty && (!r.amount_fen || *r.amount_fen <= 0 || *r.amount_fen > kMaxPenaltyFen)) {
    return FieldError("amount", "error.supervision.amount");
  }
  if (penalty && r.decision_number.empty()) return FieldError("decision_number", "error.supervision.decision_required");
  if (penalty && r.decision_number.size() > kMaxDecisionNumber) {
    return FieldError("decision_number", "error.supervision.decision_long");
  }
  if (credit && (r.credit_level.size() != 1 || r.credit_level[0] < 'A' || r.credit_level[0] > 'D')) {
    return FieldError("level", "error.supervision.level");
  }
  return Ok();
}

}  // namespace tongban::domain
