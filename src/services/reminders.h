// Expiry reminders (issue 12 item 3): 30 and 7 days before a licence in force expires, its holder
// gets an inbox message "licence_expiring" (and its email and SMS, services/contacts.h), once per
// licence and threshold. A licence first seen within 7 days gets only the 7-day reminder.
// Run by a periodic job on every server: the claim (ports::ReminderRepository::ClaimReminder) and
// the message are one transaction, so servers running it at once write each reminder once.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <array>

#include "services/context.h"

namespace tongban::services {

// The thresholds, in days before expiry, largest first.
inline constexpr std::array<int, 2> kReminderDays = {30, 7};

struct ReminderRun {
  int written = 0;  // reminders this call wrote
  int pages = 0;    // pages of licences read
};

// Writes every reminder due at the clock's now, `page` licences per transaction. Answers the
// store's errors (kUnavailable when the database cannot be reached); what was written stays.
Result<ReminderRun> SendExpiryReminders(const Context& ctx, int page = 200);

}  // namespace tongban::services
