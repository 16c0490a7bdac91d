#include "services/supervision.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "common/ids.h"
#include "services/access_log.h"
#include "services/application_steps.h"

namespace tongban::services {
namespace {

using domain::SupervisionKind;
using domain::SupervisionRecord;

Error FieldError(const char* field, const char* key) {
  Error e = MakeError(ErrorCode::kInvalidArgument, key);
  e.fields.push_back({field, key, ""});
  return e;
}

Status CheckCreditCode(const std::string& credit_code) {
  const Status valid = ValidateCreditCode(credit_code);
  if (!valid.ok()) return FieldError("credit_code", valid.error().message.c_str());
  return Ok();
}

// The record as typed, before ValidateSupervisionRecord checks what the kind needs.
Result<SupervisionRecord> Parse(const std::string& credit_code, const SupervisionInput& in) {
  SupervisionRecord r;
  r.credit_code = credit_code;
  const auto kind = domain::ParseSupervisionKind(in.kind);
  if (!kind) return FieldError("kind", "error.supervision.kind");
  r.kind = *kind;
  const auto date = ParseIsoDate(in.date);
  if (!date) return FieldError("date", "error.supervision.date");
  r.date = *date;
  r.summary = in.summary;
  if (!in.result.empty()) {
    r.result = domain::ParseInspectionResult(in.result);
    if (!r.result) return FieldError("result", "error.supervision.result_required");
  }
  r.rule = in.rule;
  if (!in.amount.empty()) {
    r.amount_fen = domain::ParseYuan(in.amount);
    if (!r.amount_fen) return FieldError("amount", "error.supervision.amount");
  }
  r.decision_number = in.decision_number;
  r.credit_level = in.level;
  r.corrects = in.corrects;
  return r;
}

// What a read of whole records reads.
std::vector<std::string> RecordFields() {
  return {"kind", "date", "summary", "result", "rule", "amount", "decision_number", "level", "department"};
}

domain::AccessLogEntry ReadEntry(const Actor& actor, const std::string& role, const std::string& credit_code,
                                 std::string purpose) {
  domain::AccessLogEntry entry;
  entry.accessor_user_id = actor.user.id;
  entry.accessor_role = role;
  entry.accessor_department = actor.user.department;
  entry.subject_id = credit_code;
  entry.dataset = kSupervisionDataset;
  entry.fields = RecordFields();
  entry.purpose = std::move(purpose);
  return entry;
}

// "<date>.<id>" of the last record of a page.
std::string PageToken(const SupervisionRecord& r) { return FormatIsoDate(r.date) + "." + r.id; }

std::optional<ports::SupervisionCursor> ParsePageToken(const std::string& token) {
  const size_t dot = token.find('.');
  if (dot == std::string::npos || dot + 1 >= token.size() || token.size() > 100) return std::nullopt;
  const auto date = ParseIsoDate(std::string_view(token).substr(0, dot));
  if (!date) return std::nullopt;
  return ports::SupervisionCursor{*date, token.substr(dot + 1)};
}

Date SummarySince(Date today) {
  Date since{today.year - domain::kSupervisionSummaryYears, today.month, today.day};
  if (since.month == 2 && since.day == 29) since.day = 28;
  return since;
}

}  // namespace

Result<SupervisionRecord> RecordSupervision(const Context& ctx, const Recorder& by, const std::string& credit_code,
                                            const SupervisionInput& input) {
  SupervisionRecord r;
  if (by.official) {
    const auto& u = by.official->user;
    if (!u.HasRole(domain::Role::kSupervisor) || u.department.empty()) {
      return MakeError(ErrorCode::kPermissionDenied, "error.supervision.not_supervisor");
    }
  } else if (!by.key) {
    return MakeError(ErrorCode::kUnauthenticated, "error.auth.required");
  }
  TB_ASSIGN_OR_RETURN(r, Parse(credit_code, input));
  const Timestamp now = ctx.clock->Now();
  TB_RETURN_IF_ERROR(domain::ValidateSupervisionRecord(r, LocalDate(now)));
  r.id = ctx.ids->NewId();
  r.recorded_at = now;
  if (by.official) {
    r.department = by.official->user.department;
    r.recorded_by_kind = domain::RecorderKind::kUser;
    r.recorded_by = by.official->user.id;
  } else {
    r.department = by.key->department;
    r.recorded_by_kind = domain::RecorderKind::kApiKey;
    r.recorded_by = by.key->id;
  }
  SupervisionRecord stored;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    auto& repo = tx.supervision();
    if (!r.corrects.empty()) {
      auto corrected = repo.GetSupervisionRecord(r.corrects);
      if (!corrected.ok()) return corrected.take_error();
      if (corrected->credit_code != r.credit_code) return MakeError(ErrorCode::kNotFound, "error.supervision.not_found");
      if (corrected->kind != r.kind) return FieldError("kind", "error.supervision.correct_kind");
      if (corrected->department != r.department) {
        return MakeError(ErrorCode::kPermissionDenied, "error.supervision.correct_other_department");
      }
    }
    TB_RETURN_IF_ERROR(repo.InsertSupervisionRecord(r));
    TB_ASSIGN_OR_RETURN(stored, repo.GetSupervisionRecord(r.id));
    return Ok();
  }));
  return stored;
}

Result<SupervisionPage> ListSupervision(const Context& ctx, const Actor& actor, const std::string& credit_code,
                                        const std::string& page_token, int limit) {
  TB_RETURN_IF_ERROR(CheckCreditCode(credit_code));
  ports::SupervisionCursor cursor;
  if (!page_token.empty()) {
    const auto parsed = ParsePageToken(page_token);
    if (!parsed) return MakeError(ErrorCode::kInvalidArgument, "error.supervision.page_token");
    cursor = *parsed;
  }
  const int n = std::clamp(limit, 1, ports::kMaxSupervisionPage);
  SupervisionPage out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    out = SupervisionPage{};
    const auto& u = actor.user;
    domain::AccessLogEntry entry;
    if (u.HasRole(domain::Role::kSupervisor) && u.kind == domain::UserKind::kOfficial) {
      entry = ReadEntry(actor, "supervisor", credit_code, "supervision");
      entry.legal_basis = "role:supervisor";
    } else {
      TB_ASSIGN_OR_RETURN(const auto grant, ActingGrant(tx, u, credit_code));
      if (!grant) return MakeError(ErrorCode::kPermissionDenied, "error.supervision.no_read_rights");
      entry = ReadEntry(actor, "enterprise_agent", credit_code, "own_records");
      entry.legal_basis = "agent_of:" + credit_code;
    }
    TB_ASSIGN_OR_RETURN(out.records, tx.supervision().ListSupervisionRecords(credit_code, cursor, n + 1));
    if (out.records.size() > static_cast<size_t>(n)) {
      out.records.resize(n);
      out.next_page_token = PageToken(out.records.back());
    }
    return RecordAccess(ctx, tx, std::move(entry));
  }));
  return out;
}

Result<std::optional<domain::SupervisionSummary>> CaseSupervisionSummary(const Context& ctx, const Actor& actor,
                                                                         const std::string& application_id) {
  std::optional<domain::SupervisionSummary> out;
  const Date since = SummarySince(LocalDate(ctx.clock->Now()));
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    out.reset();
    TB_ASSIGN_OR_RETURN(const auto loaded, LoadVisible(ctx, tx, actor, application_id));
    const auto& [app, standing] = loaded;
    const bool reviewer = std::find(standing.roles.begin(), standing.roles.end(), domain::ActorRole::kReviewer) !=
                          standing.roles.end();
    if (!reviewer) return MakeError(ErrorCode::kNotFound, "error.application.not_found");
    if (app.enterprise.empty()) return Ok();
    TB_ASSIGN_OR_RETURN(out, tx.supervision().SummariseSupervision(app.enterprise, since));
    domain::AccessLogEntry entry = ReadEntry(actor, "reviewer", app.enterprise, "case_decision");
    entry.fields = {"summary:counts", "summary:credit_level", "summary:latest_violation"};
    entry.legal_basis = "application:" + (app.reference.empty() ? app.id : app.reference);
    entry.application_id = app.id;
    return RecordAccess(ctx, tx, std::move(entry));
  }));
  return out;
}

Result<EnterpriseAccessLog> ListEnterpriseAccessLog(const Context& ctx, const Actor& actor,
                                                    const std::string& credit_code, const std::string& page_token,
                                                    int limit) {
  TB_RETURN_IF_ERROR(CheckCreditCode(credit_code));
  uint64_t before = std::numeric_limits<int64_t>::max();
  if (!page_token.empty()) {
    const auto [end, ec] = std::from_chars(page_token.data(), page_token.data() + page_token.size(), before);
    if (ec != std::errc() || end != page_token.data() + page_token.size()) {
      return MakeError(ErrorCode::kInvalidArgument, "error.log.page_token");
    }
  }
  const int page = std::clamp(limit, 1, ports::kMaxAccessLogPage);
  EnterpriseAccessLog out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    out = EnterpriseAccessLog{};
    TB_ASSIGN_OR_RETURN(const auto grant, ActingGrant(tx, actor.user, credit_code));
    if (!grant) return MakeError(ErrorCode::kPermissionDenied, "error.supervision.no_read_rights");
    auto& log = tx.access_log();
    if (page_token.empty()) {
      TB_ASSIGN_OR_RETURN(out.pending, log.ListSubjectQueued(credit_code, page));
    }
    TB_ASSIGN_OR_RETURN(out.entries, log.ListSubjectLeaves(credit_code, before, page + 1));
    if (out.entries.size() > static_cast<size_t>(page)) {
      out.entries.resize(page);
      out.next_page_token = std::to_string(*out.entries.back().leaf_index);
    }
    return Ok();
  }));
  return out;
}

}  // namespace tongban::services
