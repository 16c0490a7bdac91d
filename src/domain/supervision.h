// Supervision records (互联网+监管, issue 13 item 4; docs/product.md C8): what a department found
// about an enterprise (an inspection and its result, a violation and the rule broken, a penalty
// with its amount and decision number, a credit level A-D), recorded by a supervisor of that
// department or pushed by the department's supervision system with an API key. A record is
// evidence: it is never updated in place; a correction is a new record naming the one it corrects.
// Pure rules: no SQL, clock or JSON. Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"

namespace tongban::domain {

enum class SupervisionKind { kInspection, kViolation, kPenalty, kCredit };
const char* SupervisionKindName(SupervisionKind kind);  // "inspection", "violation", "penalty", "credit"
std::optional<SupervisionKind> ParseSupervisionKind(std::string_view name);

// An inspection's result.
enum class InspectionResult { kCompliant, kRectify, kNonCompliant };
const char* InspectionResultName(InspectionResult result);  // "compliant", "rectify", "non_compliant"
std::optional<InspectionResult> ParseInspectionResult(std::string_view name);

// Who recorded a record: an official (a supervisor) or a supervision system's API key.
enum class RecorderKind { kUser, kApiKey };
const char* RecorderKindName(RecorderKind kind);  // "user", "api_key"
std::optional<RecorderKind> ParseRecorderKind(std::string_view name);

// Bounds of the texts (in bytes of UTF-8) and of a penalty's amount.
inline constexpr size_t kMaxSupervisionSummary = 2000;
inline constexpr size_t kMaxSupervisionRule = 300;
inline constexpr size_t kMaxDecisionNumber = 64;
inline constexpr int64_t kMaxPenaltyFen = 100'000'000'000'00;  // 100 billion yuan

struct SupervisionRecord {
  std::string id;
  std::string credit_code;  // the enterprise (GB 32100)
  SupervisionKind kind = SupervisionKind::kInspection;
  Date date;                // when it happened (not when it was recorded)
  std::string summary;
  // Kind-specific: exactly the kind's own are set.
  std::optional<InspectionResult> result;  // inspection
  std::string rule;                        // violation: the rule broken
  std::optional<int64_t> amount_fen;       // penalty: the amount in fen (0.01 yuan)
  std::string decision_number;             // penalty: the decision's number
  std::string credit_level;                // credit: "A", "B", "C" or "D"
  std::string corrects;                    // the id of the record this one corrects; "" when none
  std::string department;                  // the recording department's code
  RecorderKind recorded_by_kind = RecorderKind::kUser;
  std::string recorded_by;                 // the user's id or the API key's id
  Timestamp recorded_at{};
  // Read with the record, for showing it: the recorder's name (the user's display name or the
  // key's name), and the id of the newest record that corrects this one ("" when none).
  std::string recorded_by_name;
  std::string corrected_by;
};

// Checks a record about to be stored: the credit code, a date not after `today`, a summary of
// 1..kMaxSupervisionSummary bytes, and exactly the kind's own fields. kInvalidArgument with a
// field error (error.supervision.*) naming the first wrong field.
Status ValidateSupervisionRecord(const SupervisionRecord& record, Date today);

// "1234.50" -> 123450 fen; nullopt unless digits with at most two decimals, at most kMaxPenaltyFen.
std::optional<int64_t> ParseYuan(std::string_view text);
// 123450 -> "1234.50".
std::string FormatYuan(int64_t fen);

// What a reviewer sees of an enterprise's records: counts by kind over the last kSummaryYears
// (corrected records left out), the current credit level and the latest violation.
inline constexpr int kSupervisionSummaryYears = 3;
struct SupervisionSummary {
  std::string credit_code;
  Date since;
  int inspections = 0;
  int violations = 0;
  int penalties = 0;
  int credits = 0;
  std::optional<SupervisionRecord> credit;          // the newest credit level, when any
  std::optional<SupervisionRecord> latest_violation;  // the newest violation, when any
};

}  // namespace tongban::domain
