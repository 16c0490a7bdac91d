#include "services/reminders.h"

#include <string>

#include "services/contacts.h"
#include "services/messages.h"

namespace tongban::services {
namespace {

// One page of a threshold's window, each licence claimed and told in the page's transaction.
// Answers how many it read; `cursor` moves past them.
Result<int> RemindPage(const Context& ctx, int days, Timestamp from, Timestamp to, ports::ExpiryCursor& cursor,
                       int page, int& written) {
  int read = 0;
  int wrote = 0;
  ports::ExpiryCursor next = cursor;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    read = 0;
    wrote = 0;
    next = cursor;
    TB_ASSIGN_OR_RETURN(const auto licences, tx.reminders().ListLicencesExpiring(from, to, days, cursor, page));
    const Timestamp now = ctx.clock->Now();
    for (const ports::ExpiringLicence& l : licences) {
      ++read;
      next = {l.valid_until, l.id};
      ports::Message m;
      m.id = ctx.ids->NewId();
      TB_ASSIGN_OR_RETURN(const bool claimed, tx.reminders().ClaimReminder(l.id, days, m.id, now));
      if (!claimed) continue;  // another server wrote it
      m.recipient_kind = l.holder_kind;
      m.recipient_id = l.holder_id;
      m.kind = "licence_expiring";
      m.params = MessageParamsJson({{"licence_type", l.type},
                                    {"date", FormatIsoDate(LocalDate(l.valid_until))},
                                    {"days", std::to_string(days)}});
      m.reference_kind = "licence";
      m.reference_id = l.id;
      m.created_at = now;
      TB_RETURN_IF_ERROR(tx.messages().InsertMessage(m));
      TB_RETURN_IF_ERROR(EnqueueMessageDeliveries(ctx, tx, m));
      ++wrote;
    }
    return Ok();
  }));
  cursor = next;
  written += wrote;
  return read;
}

}  // namespace

Result<ReminderRun> SendExpiryReminders(const Context& ctx, int page) {
  ReminderRun run;
  const Timestamp now = ctx.clock->Now();
  for (size_t i = 0; i < kReminderDays.size(); ++i) {
    const int days = kReminderDays[i];
    // The window of this threshold ends where the next (smaller) one's begins.
    const Timestamp from = i + 1 < kReminderDays.size() ? now + std::chrono::hours(24 * kReminderDays[i + 1]) : now;
    const Timestamp to = now + std::chrono::hours(24 * days);
    ports::ExpiryCursor cursor;
    while (true) {
      TB_ASSIGN_OR_RETURN(const int read, RemindPage(ctx, days, from, to, cursor, page, run.written));
      ++run.pages;
      if (read < page) break;
    }
  }
  return run;
}

}  // namespace tongban::services
