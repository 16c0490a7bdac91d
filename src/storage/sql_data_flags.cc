#include "storage/sql_data_flags.h"

#include <string>
#include <string_view>

namespace tongban::storage {
namespace {

using domain::DataFlag;
using domain::DataFlagState;

#define TB_FLAG_COLUMNS                                                                                      \
  "id, dataset, department, subject_id, record_id, field, comment, raised_by, raised_at, state, answer," \
  " corrected, answered_by, answered_at"
constexpr std::string_view kInsertFlag =
    "INSERT INTO data_flags (" TB_FLAG_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
constexpr std::string_view kGetFlag = "SELECT " TB_FLAG_COLUMNS " FROM data_flags WHERE id = $1";
constexpr std::string_view kGetFlagForUpdate = "SELECT " TB_FLAG_COLUMNS " FROM data_flags WHERE id = $1 FOR UPDATE";
// Both lists seek their index: (department, state, id) and (subject_id, id).
constexpr std::string_view kOfDepartmentFirst =
    "SELECT " TB_FLAG_COLUMNS " FROM data_flags WHERE department = $1 AND state = $2 ORDER BY id LIMIT $3";
constexpr std::string_view kOfDepartmentAfter =
    "SELECT " TB_FLAG_COLUMNS " FROM data_flags WHERE department = $1 AND state = $2 AND id > $3"
    " ORDER BY id LIMIT $4";
constexpr std::string_view kOfSubjectFirst =
    "SELECT " TB_FLAG_COLUMNS " FROM data_flags WHERE subject_id = $1 ORDER BY id DESC LIMIT $2";
constexpr std::string_view kOfSubjectBefore =
    "SELECT " TB_FLAG_COLUMNS " FROM data_flags WHERE subject_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3";
// Only an open flag takes an answer: a second answer changes no row.
constexpr std::string_view kAnswerFlag =
    "UPDATE data_flags SET state = $2, answer = $3, corrected = $4, answered_by = $5, answered_at = $6"
    " WHERE id = $1 AND state = 'open'";
#undef TB_FLAG_COLUMNS

Result<DataFlag> ReadFlag(Statement& statement) {
  Columns c(statement);
  DataFlag f;
  f.id = c.Text();
  f.dataset = c.Text();
  f.department = c.Text();
  f.subject_id = c.Text();
  f.record_id = c.Text();
  f.field = c.Text();
  f.comment = c.Text();
  f.raised_by = c.Text();
  f.raised_at = FromSeconds(c.Int());
  const std::string state = c.Text();
  const auto parsed = domain::ParseDataFlagState(state);
  if (!parsed) return Corrupt("data_flags.state '" + state + "'");
  f.state = *parsed;
  f.answer = c.Text();
  f.corrected = c.Bool();
  f.answered_by = c.Text();
  f.answered_at = FromSeconds(c.Int());
  return f;
}

Status CheckLimit(int limit) {
  if (limit < 1 || limit > ports::kMaxDataFlagsPage) return MakeError(ErrorCode::kInvalidArgument, "error.page_size");
  return Ok();
}

}  // namespace

Status SqlDataFlags::InsertFlag(const DataFlag& f) {
  return sql_.Run(kInsertFlag, [&](Binder& b) {
    b.Text(f.id).Text(f.dataset).Text(f.department).Text(f.subject_id).Text(f.record_id).Text(f.field).Text(f.comment);
    b.Text(f.raised_by).Int(Seconds(f.raised_at)).Text(domain::DataFlagStateName(f.state)).Text(f.answer);
    b.Bool(f.corrected).Text(f.answered_by).Int(Seconds(f.answered_at));
  });
}

Result<DataFlag> SqlDataFlags::GetFlag(const std::string& id) {
  return sql_.One<DataFlag>(sql_.lock_reads() ? kGetFlagForUpdate : kGetFlag, [&](Binder& b) { b.Text(id); },
                            "error.flag.not_found", ReadFlag);
}

Result<std::vector<DataFlag>> SqlDataFlags::FlagsOfDepartment(const std::string& department, DataFlagState state,
                                                              const std::string& after_id, int limit) {
  TB_RETURN_IF_ERROR(CheckLimit(limit));
  const char* name = domain::DataFlagStateName(state);
  if (after_id.empty()) {
    return sql_.All<DataFlag>(kOfDepartmentFirst, [&](Binder& b) { b.Text(department).Text(name).Int(limit); },
                              ReadFlag);
  }
  return sql_.All<DataFlag>(kOfDepartmentAfter,
                            [&](Binder& b) { b.Text(department).Text(name).Text(after_id).Int(limit); }, ReadFlag);
}

Result<std::vector<DataFlag>> SqlDataFlags::FlagsOfSubject(const std::string& subject_id, const std::string& before_id,
                                                           int limit) {
  TB_RETURN_IF_ERROR(CheckLimit(limit));
  if (before_id.empty()) {
    return sql_.All<DataFlag>(kOfSubjectFirst, [&](Binder& b) { b.Text(subject_id).Int(limit); }, ReadFlag);
  }
  return sql_.All<DataFlag>(kOfSubjectBefore, [&](Binder& b) { b.Text(subject_id).Text(before_id).Int(limit); },
                            ReadFlag);
}

Status SqlDataFlags::AnswerFlag(const DataFlag& f) {
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kAnswerFlag, [&](Binder& b) {
    b.Text(f.id).Text(domain::DataFlagStateName(f.state)).Text(f.answer).Bool(f.corrected).Text(f.answered_by);
    b.Int(Seconds(f.answered_at));
  }));
  if (changed == 1) return Ok();
  TB_ASSIGN_OR_RETURN(const DataFlag stored, GetFlag(f.id));
  (void)stored;
  return MakeError(ErrorCode::kConflict, "error.flag.answered");
}

}  // namespace tongban::storage
