// SqlTransaction: the one implementation of ports::Transaction, over a storage::Connection on
// which the caller (SqlStore) has already begun a transaction. It owns one repository per
// capability (sql_accounts.cc, sql_applications.cc, ...), each holding its own SQL and sharing
// this transaction's SqlAccess. Committing, rolling back and retrying are SqlStore's.
// Internal to storage: nothing outside src/storage includes this header.
//
// A read-only SqlTransaction (inside Store::Read) answers kInternal to every write method.
// Stored rows that do not parse (an unknown state, a malformed JSON column) answer kInternal.
//
// A capability adds its repository here with one member and one accessor.
//
// Thread-safety: none; it belongs to the thread running the work, like its Connection, and must
// not outlive that work.
#pragma once

#include "ports/store.h"
#include "storage/driver.h"
#include "storage/sql_access.h"
#include "storage/sql_accounts.h"
#include "storage/sql_applications.h"
#include "storage/sql_catalogue.h"
#include "storage/sql_datasets.h"
#include "storage/sql_keys.h"
#include "storage/sql_licences.h"
#include "storage/sql_outbox.h"
#include "storage/sql_presentation_nonces.h"
#include "storage/sql_sessions.h"
#include "storage/sql_uploads.h"
#include "storage/sql_access_log.h"
#include "storage/sql_consents.h"
#include "storage/sql_data_flags.h"
#include "storage/sql_messages.h"
#include "storage/sql_bundles.h"
#include "storage/sql_contacts.h"
#include "storage/sql_queue.h"
#include "storage/sql_window_visits.h"
#include "storage/sql_suggestions.h"
#include "storage/sql_proxies.h"
#include "storage/sql_proactive.h"
#include "storage/sql_supervision.h"
#include "storage/sql_federation.h"
#include "storage/sql_ratings.h"
#include "storage/sql_metrics.h"
#include "storage/sql_role_changes.h"

namespace tongban::storage {

class SqlTransaction final : public ports::Transaction {
 public:
  // lock_reads: a writable transaction reads the rows it may update with FOR UPDATE
  // (Driver::LocksRowsReadForUpdate).
  SqlTransaction(Connection& connection, bool writable, bool lock_reads = false)
      : sql_(connection, writable, lock_reads) {}
  SqlTransaction(const SqlTransaction&) = delete;
  SqlTransaction& operator=(const SqlTransaction&) = delete;

  ports::AccountRepository& accounts() override { return accounts_; }
  ports::SessionRepository& sessions() override { return sessions_; }
  ports::ApplicationRepository& applications() override { return applications_; }
  ports::CatalogueRepository& catalogue() override { return catalogue_; }
  ports::UploadRepository& uploads() override { return uploads_; }
  ports::OutboxRepository& outbox() override { return outbox_; }
  ports::KeyRepository& keys() override { return keys_; }
  ports::PresentationNonceRepository& presentation_nonces() override { return presentation_nonces_; }
  ports::AccessLogRepository& access_log() override { return access_log_; }
  ports::LicenceRepository& licences() override { return licences_; }
  ports::DatasetRepository& datasets() override { return datasets_; }
  ports::ConsentRepository& consents() override { return consents_; }
  ports::DataFlagRepository& data_flags() override { return data_flags_; }
  ports::MessageRepository& messages() override { return messages_; }
  ports::BundleRepository& bundles() override { return bundles_; }
  ports::ContactRepository& contacts() override { return contacts_; }
  ports::ReminderRepository& reminders() override { return reminders_; }
  ports::QueueRepository& queue() override { return queue_; }
  ports::WindowVisitRepository& window_visits() override { return window_visits_; }
  ports::SuggestionRepository& suggestions() override { return suggestions_; }
  ports::ProxyRepository& proxies() override { return proxies_; }
  ports::ProactiveRepository& proactive() override { return proactive_; }
  ports::SupervisionRepository& supervision() override { return supervision_; }
  ports::RatingRepository& ratings() override { return ratings_; }
  ports::MetricsRepository& metrics() override { return metrics_; }
  ports::FederationRepository& federation() override { return federation_; }
  ports::RoleChangeRepository& role_changes() override { return role_changes_; }

 private:
  SqlAccess sql_;
  SqlAccounts accounts_{sql_};
  SqlSessions sessions_{sql_};
  SqlApplications applications_{sql_};
  SqlCatalogue catalogue_{sql_};
  SqlUploads uploads_{sql_};
  SqlOutbox outbox_{sql_};
  SqlKeys keys_{sql_};
  SqlPresentationNonces presentation_nonces_{sql_};
  SqlAccessLog access_log_{sql_};
  SqlLicences licences_{sql_};
  SqlDatasets datasets_{sql_};
  SqlConsents consents_{sql_};
  SqlDataFlags data_flags_{sql_};
  SqlMessages messages_{sql_};
  SqlBundles bundles_{sql_};
  SqlContacts contacts_{sql_};
  SqlReminders reminders_{sql_};
  SqlQueue queue_{sql_};
  SqlWindowVisits window_visits_{sql_};
  SqlSuggestions suggestions_{sql_};
  SqlProxies proxies_{sql_};
  SqlProactive proactive_{sql_};
  SqlSupervision supervision_{sql_};
  SqlRatings ratings_{sql_};
  SqlMetrics metrics_{sql_};
  SqlFederation federation_{sql_};
  SqlRoleChanges role_changes_{sql_};
};

}  // namespace tongban::storage
