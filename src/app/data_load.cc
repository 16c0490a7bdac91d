#include "app/data_load.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <unordered_map>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <unordered_set>

#include "domain/dataset.h"

namespace tongban::app {
namespace {

using ports::DatasetRecord;

enum class FileKind { kCsv, kJsonLines };

// One row of the file: its first line and its values by column name.
struct Row {
  int64_t line = 0;
  std::vector<std::pair<std::string, std::string>> values;
  std::string problem;  // the row could not be read at all
};

using RowSink = std::function<Status(Row&)>;

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// RFC 4180 records: fields separated by commas, quoted fields may hold commas, doubled quotes and
// line breaks. Returns false at the end of the input. `line` is advanced past the record.
bool ReadCsvRecord(std::istream& in, int64_t& line, std::vector<std::string>& fields, std::string& problem) {
  fields.clear();
  problem.clear();
  if (in.peek() == std::char_traits<char>::eof()) return false;
  std::string field;
  bool quoted = false, was_quoted = false;
  int c;
  ++line;
  while ((c = in.get()) != std::char_traits<char>::eof()) {
    if (quoted) {
      if (c == '"') {
        if (in.peek() == '"') {
          field += '"';
          in.get();
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += static_cast<char>(c);
      }
    } else if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\r' && in.peek() == '\n') {
      continue;
    } else if (c == '\n') {
      break;
    } else {
      if (was_quoted) problem = "a quoted value must end at its closing quote";
      field += static_cast<char>(c);
    }
  }
  if (quoted) problem = "a quoted value is not closed";
  fields.push_back(std::move(field));
  return true;
}

// Reads the rows of `path`, calling `sink` for each. A header problem is reported at line 1.
Status ReadRows(const std::string& path, FileKind kind, const RowSink& sink, std::vector<std::string>& header_problems) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kInvalidArgument, path + ":1: cannot be read");
  int64_t line = 0;
  if (kind == FileKind::kCsv) {
    std::vector<std::string> header, fields;
    std::string problem;
    if (!ReadCsvRecord(in, line, header, problem)) {
      header_problems.push_back("the file is empty; the first line names the columns");
      return Ok();
    }
    if (!header.empty() && header[0].rfind("\xEF\xBB\xBF", 0) == 0) header[0].erase(0, 3);  // a UTF-8 BOM
    if (!problem.empty()) header_problems.push_back(problem);
    std::set<std::string> seen;
    for (const std::string& h : header) {
      if (!seen.insert(h).second) header_problems.push_back("column '" + h + "' repeats");
    }
    if (!header_problems.empty()) return Ok();
    while (true) {
      Row row;
      const int64_t first = line + 1;
      if (!ReadCsvRecord(in, line, fields, row.problem)) break;
      row.line = first;
      if (fields.size() == 1 && fields[0].empty() && row.problem.empty()) continue;  // a blank line
      if (row.problem.empty() && fields.size() != header.size()) {
        row.problem = fmt::format("{} values for {} columns", fields.size(), header.size());
      }
      if (row.problem.empty()) {
        for (size_t i = 0; i < header.size(); ++i) row.values.emplace_back(header[i], std::move(fields[i]));
      }
      TB_RETURN_IF_ERROR(sink(row));
    }
    return Ok();
  }
  std::string text;
  while (std::getline(in, text)) {
    ++line;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    Row row;
    row.line = line;
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) {
      row.problem = j.is_discarded() ? "not valid JSON" : "each line must be one JSON object";
    } else {
      for (const auto& [key, value] : j.items()) {
        if (value.is_string()) {
          row.values.emplace_back(key, value.get<std::string>());
        } else if (value.is_number() || value.is_boolean()) {
          row.values.emplace_back(key, value.dump());
        } else if (value.is_null()) {
          row.values.emplace_back(key, "");
        } else {
          row.problem = "'" + key + "' must be a string, number or boolean";
          break;
        }
      }
    }
    TB_RETURN_IF_ERROR(sink(row));
  }
  return Ok();
}

bool IsUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (n < 0 || i + n >= s.size() + (n == 0 ? 1 : 0) || (n > 0 && i + n > s.size() - 1)) return false;
    for (int k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

// Turns a row into a record, or says why not.
Result<DatasetRecord> CheckRow(const domain::Dataset& dataset, const Row& row, Timestamp now, Date today) {
  if (!row.problem.empty()) return MakeError(ErrorCode::kInvalidArgument, row.problem);
  DatasetRecord record;
  record.dataset = dataset.code;
  record.as_of = now;
  nlohmann::json values = nlohmann::json::object();
  std::string subject, record_id;
  std::string problems;
  auto fail = [&](const std::string& why) { problems += (problems.empty() ? "" : "; ") + why; };
  for (const auto& [name, value] : row.values) {
    if (!IsUtf8(value)) {
      fail("'" + name + "' is not UTF-8 text");
      continue;
    }
    if (name == "subject_id") {
      subject = value;
    } else if (name == "record_id") {
      record_id = value;
    } else if (name == "as_of") {
      if (value.empty()) continue;
      if (std::optional<Timestamp> at = ParseRfc3339(value)) {
        record.as_of = *at;
      } else if (std::optional<Date> d = ParseIsoDate(value)) {
        record.as_of = StartOfLocalDay(*d);
      } else {
        fail("as_of '" + value + "' is not a date (YYYY-MM-DD) or time (RFC 3339)");
      }
    } else if (const domain::DatasetField* field = dataset.FindField(name)) {
      Result<std::string> checked = domain::CheckDatasetValue(*field, value, today);
      if (!checked.ok()) {
        fail(checked.error().message);
      } else if (!checked->empty()) {
        values[name] = *checked;
      }
    } else {
      fail("'" + name + "' is not a field of dataset " + dataset.code);
    }
  }
  for (const domain::DatasetField& f : dataset.fields) {
    if (f.required && !values.contains(f.name)) {
      const bool given = std::any_of(row.values.begin(), row.values.end(), [&](const auto& v) { return v.first == f.name; });
      if (!given) fail("field '" + f.name + "': a value is required");
    }
  }
  Result<std::string> canonical = domain::CheckSubjectId(dataset.subject, subject, today);
  if (!canonical.ok()) {
    fail(canonical.error().message);
  } else {
    record.subject_id = *canonical;
  }
  if (!problems.empty()) return MakeError(ErrorCode::kInvalidArgument, problems);
  record.record_id = record_id.empty() ? record.subject_id : record_id;
  record.fields_json = values.dump();
  return record;
}

}  // namespace

Result<LoadReport> LoadDatasetFile(const services::Context& ctx, const std::string& code, const std::string& path,
                                   size_t max_problems) {
  const auto catalogue = ctx.Catalogue();
  const domain::Dataset* dataset = catalogue->FindDataset(code);
  if (dataset == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "unknown dataset '" + code + "'; see catalogue/datasets/*.yaml");
  }
  if (dataset->source != domain::DatasetSource::kTable) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "dataset '" + code + "' is served by its department's own system; there is nothing to load");
  }
  FileKind kind;
  if (EndsWith(path, ".csv")) {
    kind = FileKind::kCsv;
  } else if (EndsWith(path, ".jsonl") || EndsWith(path, ".ndjson")) {
    kind = FileKind::kJsonLines;
  } else {
    return MakeError(ErrorCode::kInvalidArgument, path + ":1: name the file .csv (with a header row) or .jsonl (JSON Lines)");
  }
  const Timestamp now = ctx.clock->Now();
  const Date today = LocalDate(now);
  LoadReport report;
  auto report_problem = [&](int64_t line, const std::string& why) {
    if (report.problems.size() < max_problems) report.problems.push_back(fmt::format("{}:{}: {}", path, line, why));
  };

  // Pass 1: check every row; keep only the keys (to find repeats), never the records.
  std::vector<std::string> header_problems;
  std::unordered_map<std::string, int64_t> keys;
  TB_RETURN_IF_ERROR(ReadRows(path, kind, [&](Row& row) -> Status {
    ++report.rows;
    Result<DatasetRecord> record = CheckRow(*dataset, row, now, today);
    if (!record.ok()) {
      ++report.bad_rows;
      report_problem(row.line, record.error().message);
      return Ok();
    }
    auto [at, inserted] = keys.emplace(record->subject_id + '\x1f' + record->record_id, row.line);
    if (!inserted) {
      ++report.bad_rows;
      report_problem(row.line, fmt::format("record '{}' of subject '{}' repeats line {}", record->record_id,
                                           record->subject_id, at->second));
    }
    return Ok();
  }, header_problems));
  for (const std::string& p : header_problems) {
    ++report.bad_rows;
    report_problem(1, p);
  }
  if (report.bad_rows > 0 || report.rows == 0) {
    if (report.rows == 0 && header_problems.empty()) report_problem(1, "the file has no records");
    return report;
  }

  // Pass 2: one transaction, the records written in batches as they are read again.
  constexpr size_t kBatch = 20000;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    std::vector<DatasetRecord> batch;
    std::vector<std::string> ignored;
    TB_RETURN_IF_ERROR(ReadRows(path, kind, [&](Row& row) -> Status {
      TB_ASSIGN_OR_RETURN(DatasetRecord record, CheckRow(*dataset, row, now, today));
      batch.push_back(std::move(record));
      if (batch.size() < kBatch) return Ok();
      TB_RETURN_IF_ERROR(tx.datasets().InsertRecords(batch, ports::RecordWrite::kReplace));
      batch.clear();
      return Ok();
    }, ignored));
    return tx.datasets().InsertRecords(batch, ports::RecordWrite::kReplace);
  }));
  report.written = true;
  return report;
}

}  // namespace tongban::app
