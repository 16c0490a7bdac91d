#include "storage/sql_proactive.h"

#include <map>
#include <string_view>

#include "domain/proactive.h"
#include "domain/record_values.h"

namespace tongban::storage {
namespace {

using ports::Birthday;
using ports::ProactiveOffer;

// Through person_birthdays_date: one range, keyset pagination on (birth_date, subject_id).
constexpr std::string_view kBornFirst =
    "SELECT subject_id, birth_date FROM person_birthdays WHERE birth_date >= $1 AND birth_date <= $2"
    " ORDER BY birth_date, subject_id LIMIT $3";
constexpr std::string_view kBornAfter =
    "SELECT subject_id, birth_date FROM person_birthdays WHERE birth_date <= $2"
    " AND (birth_date, subject_id) > ($1, $3) ORDER BY birth_date, subject_id LIMIT $4";
// Rows per multi-row upsert of birthdays: 2 parameters each.
constexpr int kBirthdayBatch = 200;
constexpr std::string_view kUpsertHead = "INSERT INTO person_birthdays (subject_id, birth_date) VALUES ";
constexpr std::string_view kUpsertTail =
    " ON CONFLICT (subject_id) DO UPDATE SET birth_date = excluded.birth_date";
// The primary key (item, subject_id, period) makes a second claim change nothing.
constexpr std::string_view kClaim =
    "INSERT INTO proactive_offers (item, subject_id, period, application_id, created_at, answer_by)"
    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (item, subject_id, period) DO NOTHING";
constexpr std::string_view kRelease =
    "DELETE FROM proactive_offers WHERE item = $1 AND subject_id = $2 AND period = $3";
constexpr std::string_view kSetAnswerBy = "UPDATE proactive_offers SET answer_by = $2 WHERE application_id = $1";
#define TB_OFFER_COLUMNS "item, subject_id, period, application_id, created_at, answer_by"
constexpr std::string_view kGet = "SELECT " TB_OFFER_COLUMNS " FROM proactive_offers WHERE application_id = $1";
constexpr std::string_view kClose =
    "UPDATE proactive_offers SET answer_by = NULL WHERE application_id = $1 AND answer_by IS NOT NULL";
// Through the partial index proactive_offers_answer_by.
constexpr std::string_view kDue = "SELECT " TB_OFFER_COLUMNS " FROM proactive_offers"
                                  " WHERE answer_by IS NOT NULL AND answer_by <= $1"
                                  " ORDER BY answer_by, application_id LIMIT $2";
#undef TB_OFFER_COLUMNS

Status CheckLimit(int limit) {
  if (limit < 1 || limit > ports::kMaxProactivePage) return MakeError(ErrorCode::kInvalidArgument, "error.page_size");
  return Ok();
}

Result<Birthday> ReadBirthday(Statement& statement) {
  Columns c(statement);
  Birthday b;
  b.subject_id = c.Text();
  b.birth_date = c.Text();
  return b;
}

Result<ProactiveOffer> ReadOffer(Statement& statement) {
  Columns c(statement);
  ProactiveOffer o;
  o.item = c.Text();
  o.subject_id = c.Text();
  o.period = c.Text();
  o.application_id = c.Text();
  o.created_at = FromSeconds(c.Int());
  if (const auto by = c.OptionalInt()) o.answer_by = FromSeconds(*by);
  return o;
}

std::string UpsertSql(int rows) {
  std::string sql(kUpsertHead);
  for (int r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    sql += "$" + std::to_string(2 * r + 1) + ", $" + std::to_string(2 * r + 2) + ")";
  }
  sql += kUpsertTail;
  return sql;
}

}  // namespace

Status WriteBirthdays(const SqlAccess& sql, const std::vector<ports::DatasetRecord>& records) {
  // One row per subject (a statement may not upsert a row twice on PostgreSQL); the last wins.
  std::map<std::string, std::string> births;
  for (const ports::DatasetRecord& r : records) {
    if (r.dataset != domain::kBirthDataset) continue;
    auto values = domain::ParseRecordValues(r.fields_json);
    if (!values.ok()) continue;  // the dataset repository's own checks answer for the record
    const auto it = values->find(std::string(domain::kBirthField));
    if (it == values->end() || !ParseIsoDate(it->second)) continue;
    births[r.subject_id] = it->second;
  }
  static const std::string full = UpsertSql(kBirthdayBatch);
  static const std::string one = UpsertSql(1);
  auto at = births.begin();
  size_t left = births.size();
  while (left > 0) {
    const int rows = left >= static_cast<size_t>(kBirthdayBatch) ? kBirthdayBatch : 1;
    TB_RETURN_IF_ERROR(sql.Run(rows == kBirthdayBatch ? full : one, [&](Binder& b) {
      auto it = at;
      for (int i = 0; i < rows; ++i, ++it) b.Text(it->first).Text(it->second);
    }));
    std::advance(at, rows);
    left -= rows;
  }
  return Ok();
}

Result<std::vector<Birthday>> SqlProactive::ListBornBetween(const std::string& from, const std::string& to,
                                                            const Birthday& after, int limit) {
  TB_RETURN_IF_ERROR(CheckLimit(limit));
  if (after.subject_id.empty()) {
    return sql_.All<Birthday>(kBornFirst, [&](Binder& b) { b.Text(from).Text(to).Int(limit); }, ReadBirthday);
  }
  return sql_.All<Birthday>(
      kBornAfter, [&](Binder& b) { b.Text(after.birth_date).Text(to).Text(after.subject_id).Int(limit); },
      ReadBirthday);
}

Result<bool> SqlProactive::ClaimOffer(const ProactiveOffer& o) {
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kClaim, [&](Binder& b) {
    std::optional<int64_t> by;
    if (o.answer_by) by = Seconds(*o.answer_by);
    b.Text(o.item).Text(o.subject_id).Text(o.period).Text(o.application_id).Int(Seconds(o.created_at)).OptionalInt(by);
  }));
  return changed > 0;
}

Status SqlProactive::ReleaseOffer(const std::string& item, const std::string& subject_id, const std::string& period) {
  return sql_.Run(kRelease, [&](Binder& b) { b.Text(item).Text(subject_id).Text(period); });
}

Status SqlProactive::SetAnswerBy(const std::string& application_id, Timestamp answer_by) {
  return sql_.Run(kSetAnswerBy, [&](Binder& b) { b.Text(application_id).Int(Seconds(answer_by)); });
}

Result<ProactiveOffer> SqlProactive::GetOffer(const std::string& application_id) {
  return sql_.One<ProactiveOffer>(kGet, [&](Binder& b) { b.Text(application_id); }, "error.proactive.not_offered",
                                  ReadOffer);
}

Result<bool> SqlProactive::CloseOffer(const std::string& application_id) {
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kClose, [&](Binder& b) { b.Text(application_id); }));
  return changed > 0;
}

Result<std::vector<ProactiveOffer>> SqlProactive::ListOffersDue(Timestamp now, int limit) {
  TB_RETURN_IF_ERROR(CheckLimit(limit));
  return sql_.All<ProactiveOffer>(kDue, [&](Binder& b) { b.Int(Seconds(now)).Int(limit); }, ReadOffer);
}

}  // namespace tongban::storage
