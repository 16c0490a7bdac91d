#include "storage/sql_ratings.h"

#include <algorithm>
#include <cstdint>
#include <string_view>

namespace tongban::storage {
namespace {

#define TB_RATING_COLUMNS                                                                                 \
  "id, application_id, ended_event_id, item, department, rater_user_id, person_id, enterprise, level," \
  " comment, tags, channel, assisted_by, month, created_at"
constexpr std::string_view kInsertRating =
    "INSERT INTO ratings (" TB_RATING_COLUMNS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
// Through ratings_application.
constexpr std::string_view kRatingOf = "SELECT " TB_RATING_COLUMNS " FROM ratings WHERE application_id = $1";
#undef TB_RATING_COLUMNS

// One statement for both databases: the row is created with the delta, or the delta is added.
constexpr std::string_view kAddCounts =
    "INSERT INTO rating_counters (department, item, month, level_1, level_2, level_3, level_4, level_5,"
    " rectified_on_time, rectified_late, escalated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    " ON CONFLICT (department, item, month) DO UPDATE SET"
    " level_1 = rating_counters.level_1 + excluded.level_1, level_2 = rating_counters.level_2 + excluded.level_2,"
    " level_3 = rating_counters.level_3 + excluded.level_3, level_4 = rating_counters.level_4 + excluded.level_4,"
    " level_5 = rating_counters.level_5 + excluded.level_5,"
    " rectified_on_time = rating_counters.rectified_on_time + excluded.rectified_on_time,"
    " rectified_late = rating_counters.rectified_late + excluded.rectified_late,"
    " escalated = rating_counters.escalated + excluded.escalated";
// The sum over a slice: the primary key (department, item, month) or rating_counters_item serves
// each filter; a month filter alone reads every (department, item) row of all months, which are
// items x months rows, never ratings.
constexpr std::string_view kSumCounts =
    "SELECT COALESCE(SUM(level_1), 0), COALESCE(SUM(level_2), 0), COALESCE(SUM(level_3), 0),"
    " COALESCE(SUM(level_4), 0), COALESCE(SUM(level_5), 0), COALESCE(SUM(rectified_on_time), 0),"
    " COALESCE(SUM(rectified_late), 0), COALESCE(SUM(escalated), 0) FROM rating_counters"
    " WHERE ($1 = '' OR department = $1) AND ($2 = '' OR item = $2) AND ($3 = '' OR month = $3)";
constexpr std::string_view kSumCountsDepartment =
    "SELECT COALESCE(SUM(level_1), 0), COALESCE(SUM(level_2), 0), COALESCE(SUM(level_3), 0),"
    " COALESCE(SUM(level_4), 0), COALESCE(SUM(level_5), 0), COALESCE(SUM(rectified_on_time), 0),"
    " COALESCE(SUM(rectified_late), 0), COALESCE(SUM(escalated), 0) FROM rating_counters"
    " WHERE department = $1 AND ($2 = '' OR item = $2) AND ($3 = '' OR month = $3)";
constexpr std::string_view kSumCountsItem =
    "SELECT COALESCE(SUM(level_1), 0), COALESCE(SUM(level_2), 0), COALESCE(SUM(level_3), 0),"
    " COALESCE(SUM(level_4), 0), COALESCE(SUM(level_5), 0), COALESCE(SUM(rectified_on_time), 0),"
    " COALESCE(SUM(rectified_late), 0), COALESCE(SUM(escalated), 0) FROM rating_counters"
    " WHERE item = $1 AND ($2 = '' OR month = $2)";

#define TB_RECT_COLUMNS                                                                                    \
  "r.id, r.rating_id, r.application_id, r.item, r.department, r.person_id, r.enterprise, r.level, r.month," \
  " r.state, r.deadline, r.reply_text, r.changes, r.replied_by, r.replied_at, r.escalated_at, r.satisfied,"  \
  " r.feedback_at, r.created_at"
#define TB_RECT_SELECT                                                                                     \
  "SELECT " TB_RECT_COLUMNS ", COALESCE(g.comment, ''), COALESCE(a.reference, '') FROM rectifications r" \
  " LEFT JOIN ratings g ON g.id = r.rating_id LEFT JOIN applications a ON a.id = r.application_id"
constexpr std::string_view kInsertRect =
    "INSERT INTO rectifications (id, rating_id, application_id, item, department, person_id, enterprise, level,"
    " month, state, deadline, reply_text, changes, replied_by, replied_at, escalated_at, satisfied, feedback_at,"
    " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)";
constexpr std::string_view kGetRect = TB_RECT_SELECT " WHERE r.id = $1";
constexpr std::string_view kGetRectForUpdate = TB_RECT_SELECT " WHERE r.id = $1 FOR UPDATE OF r";
// Through rectifications_application.
constexpr std::string_view kRectOfApplication = TB_RECT_SELECT " WHERE r.application_id = $1";
constexpr std::string_view kUpdateRect =
    "UPDATE rectifications SET state = $2, reply_text = $3, changes = $4, replied_by = $5, replied_at = $6,"
    " escalated_at = $7, satisfied = $8, feedback_at = $9 WHERE id = $1";
// Through rectifications_department (newest first, keyset).
constexpr std::string_view kListDepartment =
    TB_RECT_SELECT " WHERE r.department = $1 AND (r.created_at < $2 OR (r.created_at = $2 AND r.id < $3))"
                   " ORDER BY r.created_at DESC, r.id DESC LIMIT $4";
// Through rectifications_department_state.
constexpr std::string_view kListDepartmentState =
    TB_RECT_SELECT " WHERE r.department = $1 AND r.state = $5"
                   " AND (r.created_at < $2 OR (r.created_at = $2 AND r.id < $3))"
                   " ORDER BY r.created_at DESC, r.id DESC LIMIT $4";
// Through rectifications_state_created.
constexpr std::string_view kListState =
    TB_RECT_SELECT " WHERE r.state = $1 AND (r.created_at < $2 OR (r.created_at = $2 AND r.id < $3))"
                   " ORDER BY r.created_at DESC, r.id DESC LIMIT $4";
// Through rectifications_state: ISO dates compare as text.
constexpr std::string_view kOverdue =
    TB_RECT_SELECT " WHERE r.state = 'open' AND r.deadline < $1 ORDER BY r.deadline, r.id LIMIT $2";
#undef TB_RECT_SELECT
#undef TB_RECT_COLUMNS

// A cursor that starts before every row: later than any created_at.
constexpr int64_t kFromNewest = INT64_MAX;

Result<domain::Rating> ReadRating(Statement& statement) {
  Columns c(statement);
  domain::Rating r;
  r.id = c.Text();
  r.application_id = c.Text();
  r.ended_event_id = c.Text();
  r.item = c.Text();
  r.department = c.Text();
  r.rater_user_id = c.Text();
  r.person_id = c.Text();
  r.enterprise = c.Text();
  r.level = static_cast<int>(c.Int());
  r.comment = c.Text();
  TB_ASSIGN_OR_RETURN(r.tags, ParseStringList(c.Text(), "ratings.tags"));
  const std::string channel = c.Text();
  const auto parsed = domain::ParseRatingChannel(channel);
  if (!parsed) return Corrupt("ratings.channel " + channel);
  r.channel = *parsed;
  r.assisted_by = c.Text();
  r.month = c.Text();
  r.created_at = FromSeconds(c.Int());
  return r;
}

std::optional<int64_t> OptionalSeconds(const std::optional<Timestamp>& at) {
  return at ? std::optional<int64_t>(Seconds(*at)) : std::nullopt;
}

Result<domain::Rectification> ReadRect(Statement& statement) {
  Columns c(statement);
  domain::Rectification r;
  r.id = c.Text();
  r.rating_id = c.Text();
  r.application_id = c.Text();
  r.item = c.Text();
  r.department = c.Text();
  r.person_id = c.Text();
  r.enterprise = c.Text();
  r.level = static_cast<int>(c.Int());
  r.month = c.Text();
  const std::string state = c.Text();
  const auto parsed = domain::ParseRectificationState(state);
  if (!parsed) return Corrupt("rectifications.state " + state);
  r.state = *parsed;
  const std::string deadline = c.Text();
  const auto date = ParseIsoDate(deadline);
  if (!date) return Corrupt("rectifications.deadline " + deadline);
  r.deadline = *date;
  r.reply_text = c.Text();
  r.changes = c.Text();
  r.replied_by = c.Text();
  if (const auto at = c.OptionalInt()) r.replied_at = FromSeconds(*at);
  if (const auto at = c.OptionalInt()) r.escalated_at = FromSeconds(*at);
  if (const auto satisfied = c.OptionalInt()) r.satisfied = *satisfied != 0;
  if (const auto at = c.OptionalInt()) r.feedback_at = FromSeconds(*at);
  r.created_at = FromSeconds(c.Int());
  r.comment = c.Text();
  r.reference = c.Text();
  return r;
}

Result<domain::RatingCounts> ReadCounts(Statement& statement) {
  Columns c(statement);
  domain::RatingCounts counts;
  for (int64_t& n : counts.levels) n = c.Int();
  counts.rectified_on_time = c.Int();
  counts.rectified_late = c.Int();
  counts.escalated = c.Int();
  return counts;
}

}  // namespace

Status SqlRatings::InsertRating(const domain::Rating& r) {
  TB_ASSIGN_OR_RETURN(const std::string tags, StringListJson(r.tags, "a rating tag"));
  auto inserted = sql_.Run(kInsertRating, [&](Binder& b) {
    b.Text(r.id)
        .Text(r.application_id)
        .Text(r.ended_event_id)
        .Text(r.item)
        .Text(r.department)
        .Text(r.rater_user_id)
        .Text(r.person_id)
        .Text(r.enterprise)
        .Int(r.level)
        .Text(r.comment)
        .Text(tags)
        .Text(domain::RatingChannelName(r.channel))
        .Text(r.assisted_by)
        .Text(r.month)
        .Int(Seconds(r.created_at));
  });
  if (!inserted.ok() && inserted.error().code == ErrorCode::kConflict) {
    return MakeError(ErrorCode::kConflict, "error.rating.already_rated");
  }
  return inserted;
}

Result<std::optional<domain::Rating>> SqlRatings::RatingOf(const std::string& application_id) {
  TB_ASSIGN_OR_RETURN(auto rows,
                      sql_.All<domain::Rating>(kRatingOf, [&](Binder& b) { b.Text(application_id); }, ReadRating));
  if (rows.empty()) return std::optional<domain::Rating>();
  return std::optional<domain::Rating>(std::move(rows.front()));
}

Status SqlRatings::AddRatingCounts(const std::string& department, const std::string& item, const std::string& month,
                                   const domain::RatingCounts& d) {
  return sql_.Run(kAddCounts, [&](Binder& b) {
    b.Text(department).Text(item).Text(month);
    for (const int64_t n : d.levels) b.Int(n);
    b.Int(d.rectified_on_time).Int(d.rectified_late).Int(d.escalated);
  });
}

Result<domain::RatingCounts> SqlRatings::SumRatingCounts(const ports::RatingSlice& s) {
  if (!s.department.empty()) {
    return sql_.One<domain::RatingCounts>(
        kSumCountsDepartment, [&](Binder& b) { b.Text(s.department).Text(s.item).Text(s.month); },
        "error.rating.not_found", ReadCounts);
  }
  if (!s.item.empty()) {
    return sql_.One<domain::RatingCounts>(
        kSumCountsItem, [&](Binder& b) { b.Text(s.item).Text(s.month); }, "error.rating.not_found", ReadCounts);
  }
  return sql_.One<domain::RatingCounts>(
      kSumCounts, [&](Binder& b) { b.Text(s.department).Text(s.item).Text(s.month); }, "error.rating.not_found",
      ReadCounts);
}

Status SqlRatings::InsertRectification(const domain::Rectification& r) {
  return sql_.Run(kInsertRect, [&](Binder& b) {
    b.Text(r.id)
        .Text(r.rating_id)
        .Text(r.application_id)
        .Text(r.item)
        .Text(r.department)
        .Text(r.person_id)
        .Text(r.enterprise)
        .Int(r.level)
        .Text(r.month)
        .Text(domain::RectificationStateName(r.state))
        .Text(FormatIsoDate(r.deadline))
        .Text(r.reply_text)
        .Text(r.changes)
        .Text(r.replied_by)
        .OptionalInt(OptionalSeconds(r.replied_at))
        .OptionalInt(OptionalSeconds(r.escalated_at))
        .OptionalInt(r.satisfied ? std::optional<int64_t>(*r.satisfied ? 1 : 0) : std::nullopt)
        .OptionalInt(OptionalSeconds(r.feedback_at))
        .Int(Seconds(r.created_at));
  });
}

Result<domain::Rectification> SqlRatings::GetRectification(const std::string& id) {
  return sql_.One<domain::Rectification>(sql_.lock_reads() ? kGetRectForUpdate : kGetRect,
                                         [&](Binder& b) { b.Text(id); }, "error.rectification.not_found", ReadRect);
}

Result<std::optional<domain::Rectification>> SqlRatings::RectificationOfApplication(
    const std::string& application_id) {
  TB_ASSIGN_OR_RETURN(auto rows, sql_.All<domain::Rectification>(
                                     kRectOfApplication, [&](Binder& b) { b.Text(application_id); }, ReadRect));
  if (rows.empty()) return std::optional<domain::Rectification>();
  return std::optional<domain::Rectification>(std::move(rows.front()));
}

Status SqlRatings::UpdateRectification(const domain::Rectification& r) {
  return sql_.Run(kUpdateRect, [&](Binder& b) {
    b.Text(r.id)
        .Text(domain::RectificationStateName(r.state))
        .Text(r.reply_text)
        .Text(r.changes)
        .Text(r.replied_by)
        .OptionalInt(OptionalSeconds(r.replied_at))
        .OptionalInt(OptionalSeconds(r.escalated_at))
        .OptionalInt(r.satisfied ? std::optional<int64_t>(*r.satisfied ? 1 : 0) : std::nullopt)
        .OptionalInt(OptionalSeconds(r.feedback_at));
  });
}

Result<std::vector<domain::Rectification>> SqlRatings::ListRectifications(const ports::RectificationQuery& q) {
  const int n = std::clamp(q.limit, 1, ports::kMaxRectificationPage);
  const int64_t after = q.after_id.empty() ? kFromNewest : Seconds(q.after_created_at);
  const std::string after_id = q.after_id.empty() ? std::string("\x7f") : q.after_id;
  if (q.department.empty()) {
    const char* state = domain::RectificationStateName(q.state.value_or(domain::RectificationState::kEscalated));
    return sql_.All<domain::Rectification>(
        kListState, [&](Binder& b) { b.Text(state).Int(after).Text(after_id).Int(n); }, ReadRect);
  }
  if (q.state) {
    return sql_.All<domain::Rectification>(
        kListDepartmentState,
        [&](Binder& b) {
          b.Text(q.department).Int(after).Text(after_id).Int(n).Text(domain::RectificationStateName(*q.state));
        },
        ReadRect);
  }
  return sql_.All<domain::Rectification>(
      kListDepartment, [&](Binder& b) { b.Text(q.department).Int(after).Text(after_id).Int(n); }, ReadRect);
}

Result<std::vector<domain::Rectification>> SqlRatings::ListOverdueRectifications(Date today, int limit) {
  return sql_.All<domain::Rectification>(
      kOverdue, [&](Binder& b) { b.Text(FormatIsoDate(today)).Int(std::clamp(limit, 1, 1000)); }, ReadRect);
}

}  // namespace tongban::storage
