#include "storage/sql_datasets.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "storage/sql_proactive.h"

namespace tongban::storage {
namespace {

using ports::DatasetRecord;
using ports::RecordWrite;

#define TB_RECORD_COLUMNS "dataset, subject_id, record_id, fields_json, as_of"
constexpr int kRecordColumns = 5;
// Rows per multi-row INSERT: 5 parameters each, well under SQLite's and PostgreSQL's limits.
constexpr int kInsertBatch = 200;
constexpr std::string_view kInsertHead = "INSERT INTO dataset_records (" TB_RECORD_COLUMNS ") VALUES ";
constexpr std::string_view kReplaceTail =
    " ON CONFLICT (dataset, subject_id, record_id) DO UPDATE SET fields_json = excluded.fields_json,"
    " as_of = excluded.as_of";
constexpr std::string_view kRecordsOf =
    "SELECT " TB_RECORD_COLUMNS " FROM dataset_records WHERE dataset = $1 AND subject_id = $2"
    " ORDER BY record_id LIMIT $3";
constexpr std::string_view kGetRecord =
    "SELECT " TB_RECORD_COLUMNS " FROM dataset_records WHERE dataset = $1 AND subject_id = $2 AND record_id = $3";
constexpr std::string_view kListFirst =
    "SELECT " TB_RECORD_COLUMNS " FROM dataset_records WHERE dataset = $1"
    " ORDER BY subject_id, record_id LIMIT $2";
// A row-value comparison: both databases seek the primary key to it (an OR would scan).
constexpr std::string_view kListAfter =
    "SELECT " TB_RECORD_COLUMNS " FROM dataset_records WHERE dataset = $1"
    " AND (subject_id, record_id) > ($2, $3)"
    " ORDER BY subject_id, record_id LIMIT $4";
constexpr std::string_view kHasRecords = "SELECT 1 FROM dataset_records WHERE dataset = $1 LIMIT 1";
#undef TB_RECORD_COLUMNS

// "INSERT ... VALUES ($1, ..., $5), ..., ($5n-4, ..., $5n)" [ON CONFLICT ...]: built once per shape.
std::string InsertSql(int rows, RecordWrite mode) {
  std::string sql(kInsertHead);
  int p = 1;
  for (int r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (int c = 0; c < kRecordColumns; ++c) sql += (c == 0 ? "$" : ", $") + std::to_string(p++);
    sql += ")";
  }
  if (mode == RecordWrite::kReplace) sql += kReplaceTail;
  return sql;
}

const std::string& CachedInsertSql(int rows, RecordWrite mode) {
  static const std::string full_append = InsertSql(kInsertBatch, RecordWrite::kAppend);
  static const std::string full_replace = InsertSql(kInsertBatch, RecordWrite::kReplace);
  static const std::string one_append = InsertSql(1, RecordWrite::kAppend);
  static const std::string one_replace = InsertSql(1, RecordWrite::kReplace);
  if (rows == kInsertBatch) return mode == RecordWrite::kAppend ? full_append : full_replace;
  return mode == RecordWrite::kAppend ? one_append : one_replace;
}

Result<DatasetRecord> ReadRecord(Statement& statement) {
  Columns c(statement);
  DatasetRecord r;
  r.dataset = c.Text();
  r.subject_id = c.Text();
  r.record_id = c.Text();
  r.fields_json = c.Text();
  r.as_of = FromSeconds(c.Int());
  return r;
}

Status CheckLimit(int limit) {
  if (limit < 1 || limit > ports::kMaxDatasetRecordsPage) {
    return MakeError(ErrorCode::kInvalidArgument, "error.page_size");
  }
  return Ok();
}

}  // namespace

Status SqlDatasets::InsertRecords(const std::vector<DatasetRecord>& records, RecordWrite mode) {
  TB_RETURN_IF_ERROR(sql_.RequireWritable());
  if (records.empty()) return Ok();
  Connection& connection = sql_.connection();
  if (mode == RecordWrite::kAppend && connection.SupportsCopy()) {
    static const std::vector<std::string_view> columns{"dataset", "subject_id", "record_id", "fields_json", "as_of"};
    std::vector<std::vector<std::string>> rows;
    rows.reserve(records.size());
    for (const DatasetRecord& r : records) {
      rows.push_back({r.dataset, r.subject_id, r.record_id, r.fields_json, std::to_string(Seconds(r.as_of))});
    }
    TB_RETURN_IF_ERROR(connection.CopyRows("dataset_records", columns, rows));
    return WriteBirthdays(sql_, records);
  }
  size_t at = 0;
  while (at < records.size()) {
    const int rows = records.size() - at >= static_cast<size_t>(kInsertBatch) ? kInsertBatch : 1;
    TB_RETURN_IF_ERROR(sql_.Run(CachedInsertSql(rows, mode), [&](Binder& b) {
      for (int i = 0; i < rows; ++i) {
        const DatasetRecord& r = records[at + i];
        b.Text(r.dataset).Text(r.subject_id).Text(r.record_id).Text(r.fields_json).Int(Seconds(r.as_of));
      }
    }));
    at += rows;
  }
  // The birth-date index of benefits without applying (sql_proactive.h), in the same transaction.
  return WriteBirthdays(sql_, records);
}

Result<std::vector<DatasetRecord>> SqlDatasets::RecordsOf(const std::string& dataset, const std::string& subject_id,
                                                          int limit) {
  TB_RETURN_IF_ERROR(CheckLimit(limit));
  return sql_.All<DatasetRecord>(kRecordsOf, [&](Binder& b) { b.Text(dataset).Text(subject_id).Int(limit); },
                                 ReadRecord);
}

Result<DatasetRecord> SqlDatasets::GetRecord(const std::string& dataset, const std::string& subject_id,
                                             const std::string& record_id) {
  return sql_.One<DatasetRecord>(kGetRecord, [&](Binder& b) { b.Text(dataset).Text(subject_id).Text(record_id); },
                                 "error.dataset.record_not_found", ReadRecord);
}

Result<std::vector<DatasetRecord>> SqlDatasets::ListRecords(const std::string& dataset,
                                                            const std::string& after_subject,
                                                            const std::string& after_record, int limit) {
  TB_RETURN_IF_ERROR(CheckLimit(limit));
  if (after_subject.empty()) {
    return sql_.All<DatasetRecord>(kListFirst, [&](Binder& b) { b.Text(dataset).Int(limit); }, ReadRecord);
  }
  return sql_.All<DatasetRecord>(
      kListAfter, [&](Binder& b) { b.Text(dataset).Text(after_subject).Text(after_record).Int(limit); }, ReadRecord);
}

Result<bool> SqlDatasets::HasRecords(const std::string& dataset) {
  TB_ASSIGN_OR_RETURN(std::vector<int64_t> rows,
                      sql_.All<int64_t>(kHasRecords, [&](Binder& b) { b.Text(dataset); },
                                        [](Statement& s) -> Result<int64_t> { return s.ColumnInt64(0); }));
  return !rows.empty();
}

}  // namespace tongban::storage
