#include "storage/sql_consents.h"

#include <string_view>

namespace tongban::storage {
namespace {

using ports::Consent;

#define TB_CONSENT_COLUMNS "id, subject_id, user_id, purpose, given_at, revoked_at"
constexpr std::string_view kInsertConsent =
    "INSERT INTO consents (" TB_CONSENT_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6)";
constexpr std::string_view kGetConsent = "SELECT " TB_CONSENT_COLUMNS " FROM consents WHERE id = $1";
constexpr std::string_view kActiveConsent =
    "SELECT " TB_CONSENT_COLUMNS " FROM consents WHERE subject_id = $1 AND purpose = $2 AND revoked_at IS NULL"
    " ORDER BY given_at DESC, id DESC LIMIT 1";
constexpr std::string_view kListFirst =
    "SELECT " TB_CONSENT_COLUMNS " FROM consents WHERE subject_id = $1 ORDER BY given_at DESC, id DESC LIMIT $2";
// A row-value comparison: both databases seek the index to it.
constexpr std::string_view kListAfter =
    "SELECT " TB_CONSENT_COLUMNS " FROM consents WHERE subject_id = $1 AND (given_at, id) < ($2, $3)"
    " ORDER BY given_at DESC, id DESC LIMIT $4";
constexpr std::string_view kRevokeConsent = "UPDATE consents SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";

Result<Consent> ReadConsent(Statement& statement) {
  Columns c(statement);
  Consent consent;
  consent.id = c.Text();
  consent.subject_id = c.Text();
  consent.user_id = c.Text();
  consent.purpose = c.Text();
  consent.given_at = FromSeconds(c.Int());
  if (const std::optional<int64_t> revoked = c.OptionalInt()) consent.revoked_at = FromSeconds(*revoked);
  return consent;
}

constexpr std::string_view kNotFound = "error.consent.not_found";

}  // namespace

Status SqlConsents::InsertConsent(const Consent& consent) {
  return sql_.Run(kInsertConsent, [&](Binder& b) {
    b.Text(consent.id).Text(consent.subject_id).Text(consent.user_id).Text(consent.purpose).Int(Seconds(consent.given_at));
    b.OptionalInt(consent.revoked_at ? std::optional<int64_t>(Seconds(*consent.revoked_at)) : std::nullopt);
  });
}

Result<Consent> SqlConsents::GetConsent(const std::string& id) {
  return sql_.One<Consent>(kGetConsent, [&](Binder& b) { b.Text(id); }, kNotFound, ReadConsent);
}

Result<Consent> SqlConsents::ActiveConsent(const std::string& subject_id, const std::string& purpose) {
  return sql_.One<Consent>(kActiveConsent, [&](Binder& b) { b.Text(subject_id).Text(purpose); }, kNotFound,
                           ReadConsent);
}

Result<std::vector<Consent>> SqlConsents::ListConsents(const std::string& subject_id, Timestamp after_given_at,
                                                       const std::string& after_id, int limit) {
  if (limit < 1 || limit > ports::kMaxConsentsPage) return MakeError(ErrorCode::kInvalidArgument, "error.page_size");
  if (after_id.empty()) {
    return sql_.All<Consent>(kListFirst, [&](Binder& b) { b.Text(subject_id).Int(limit); }, ReadConsent);
  }
  return sql_.All<Consent>(
      kListAfter, [&](Binder& b) { b.Text(subject_id).Int(Seconds(after_given_at)).Text(after_id).Int(limit); },
      ReadConsent);
}

Status SqlConsents::RevokeConsent(const std::string& id, Timestamp at) {
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kRevokeConsent, [&](Binder& b) { b.Text(id).Int(Seconds(at)); }));
  if (changed == 1) return Ok();
  TB_ASSIGN_OR_RETURN(const Consent existing, GetConsent(id));
  (void)existing;
  return MakeError(ErrorCode::kConflict, "error.consent.revoked");
}

}  // namespace tongban::storage
