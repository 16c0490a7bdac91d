#include "storage/sql_contacts.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

namespace tongban::storage {
namespace {

using ports::ContactSettings;

#define TB_CONTACT_COLUMNS "user_id, person_id, email, mobile, email_on, sms_on, language, updated_at"
constexpr std::string_view kSelectContact = "SELECT " TB_CONTACT_COLUMNS " FROM contact_settings WHERE user_id = $1";
constexpr std::string_view kPutContact =
    "INSERT INTO contact_settings (" TB_CONTACT_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    " ON CONFLICT (user_id) DO UPDATE SET person_id = excluded.person_id, email = excluded.email,"
    " mobile = excluded.mobile, email_on = excluded.email_on, sms_on = excluded.sms_on,"
    " language = excluded.language, updated_at = excluded.updated_at";
constexpr std::string_view kContactOfPerson =
    "SELECT " TB_CONTACT_COLUMNS " FROM contact_settings WHERE person_id = $1 ORDER BY updated_at DESC LIMIT 1";
#undef TB_CONTACT_COLUMNS
constexpr std::string_view kContactOfEnterprise =
    "SELECT c.user_id, c.person_id, c.email, c.mobile, c.email_on, c.sms_on, c.language, c.updated_at"
    " FROM enterprises e JOIN contact_settings c ON c.user_id = e.admin_user_id WHERE e.code = $1";

// Through licences_valid_until: the window's range in expiry order; the claimed ones are skipped
// by the primary key of licence_reminders.
#define TB_EXPIRING_HEAD                                                                                  \
  "SELECT l.id, l.type, l.holder_kind, l.holder_id, l.valid_until FROM licences l"                       \
  " WHERE l.valid_until <= $2 AND l.status = 'valid'"                                                     \
  " AND NOT EXISTS (SELECT 1 FROM licence_reminders r WHERE r.licence_id = l.id AND r.days = $3)"
constexpr std::string_view kExpiringFirst =
    TB_EXPIRING_HEAD " AND l.valid_until > $1 ORDER BY l.valid_until, l.id LIMIT $4";
constexpr std::string_view kExpiringAfter =
    TB_EXPIRING_HEAD " AND (l.valid_until > $5 OR (l.valid_until = $5 AND l.id > $6)) AND l.valid_until > $1"
                     " ORDER BY l.valid_until, l.id LIMIT $4";
#undef TB_EXPIRING_HEAD
constexpr std::string_view kClaimReminder =
    "INSERT INTO licence_reminders (licence_id, days, message_id, at) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (licence_id, days) DO NOTHING";

Result<ContactSettings> ReadContact(Statement& statement) {
  Columns c(statement);
  ContactSettings s;
  s.user_id = c.Text();
  s.person_id = c.Text();
  s.email = c.Text();
  s.mobile = c.Text();
  s.email_on = c.Bool();
  s.sms_on = c.Bool();
  s.language = c.Text();
  s.updated_at = FromSeconds(c.Int());
  return s;
}

Result<std::optional<ContactSettings>> Optional(Result<ContactSettings> found) {
  if (found.ok()) return std::optional<ContactSettings>(std::move(found).value());
  if (found.error().code == ErrorCode::kNotFound) return std::optional<ContactSettings>();
  return found.take_error();
}

Result<ports::ExpiringLicence> ReadExpiring(Statement& statement) {
  Columns c(statement);
  ports::ExpiringLicence l;
  l.id = c.Text();
  l.type = c.Text();
  const std::string kind = c.Text();
  const std::optional<domain::ApplicantKind> parsed = domain::ParseApplicantKind(kind);
  if (!parsed) return Corrupt("licences.holder_kind '" + kind + "'");
  l.holder_kind = *parsed;
  l.holder_id = c.Text();
  l.valid_until = FromSeconds(c.Int());
  return l;
}

}  // namespace

Result<ContactSettings> SqlContacts::GetContactSettings(const std::string& user_id) {
  return sql_.One<ContactSettings>(kSelectContact, [&](Binder& b) { b.Text(user_id); }, "error.me.no_contact",
                                   ReadContact);
}

Status SqlContacts::PutContactSettings(const ContactSettings& s) {
  return sql_.Run(kPutContact, [&](Binder& b) {
    b.Text(s.user_id)
        .OptionalText(s.person_id)
        .Text(s.email)
        .Text(s.mobile)
        .Bool(s.email_on)
        .Bool(s.sms_on)
        .Text(s.language)
        .Int(Seconds(s.updated_at));
  });
}

Result<std::optional<ContactSettings>> SqlContacts::ContactOfPerson(const std::string& person_id) {
  return Optional(sql_.One<ContactSettings>(kContactOfPerson, [&](Binder& b) { b.Text(person_id); }, "",
                                            ReadContact));
}

Result<std::optional<ContactSettings>> SqlContacts::ContactOfEnterprise(const std::string& credit_code) {
  return Optional(sql_.One<ContactSettings>(kContactOfEnterprise, [&](Binder& b) { b.Text(credit_code); }, "",
                                            ReadContact));
}

Result<std::vector<ports::ExpiringLicence>> SqlReminders::ListLicencesExpiring(Timestamp from, Timestamp to, int days,
                                                                               const ports::ExpiryCursor& cursor,
                                                                               int limit) {
  const int page = std::clamp(limit, 1, ports::kMaxExpiringPage);
  if (cursor.id.empty()) {
    return sql_.All<ports::ExpiringLicence>(kExpiringFirst, [&](Binder& b) {
      b.Int(Seconds(from)).Int(Seconds(to)).Int(days).Int(page);
    }, ReadExpiring);
  }
  return sql_.All<ports::ExpiringLicence>(kExpiringAfter, [&](Binder& b) {
    b.Int(Seconds(from)).Int(Seconds(to)).Int(days).Int(page).Int(Seconds(cursor.valid_until)).Text(cursor.id);
  }, ReadExpiring);
}

Result<bool> SqlReminders::ClaimReminder(const std::string& licence_id, int days, const std::string& message_id,
                                         Timestamp at) {
  TB_ASSIGN_OR_RETURN(const int64_t changed, sql_.Execute(kClaimReminder, [&](Binder& b) {
    b.Text(licence_id).Int(days).Text(message_id).Int(Seconds(at));
  }));
  return changed > 0;
}

}  // namespace tongban::storage
