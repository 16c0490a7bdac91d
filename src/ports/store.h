// The storage port: what the services need from a database, independent of SQL dialect, as one
// repository per capability reached from one transaction.
// Implemented once by storage::SqlStore over a driver (SQLite, PostgreSQL).
// Thread-safety: a Store is shared by all request threads; a Transaction belongs to one thread.
#pragma once

#include <functional>

#include "common/result.h"
#include "ports/account_repository.h"
#include "ports/application_repository.h"
#include "ports/catalogue_repository.h"
#include "ports/dataset_repository.h"
#include "ports/key_repository.h"
#include "ports/licence_repository.h"
#include "ports/outbox_repository.h"
#include "ports/session_repository.h"
#include "ports/upload_repository.h"
#include "ports/verification.h"
#include "ports/access_log_repository.h"
#include "ports/consent_repository.h"
#include "ports/data_flag_repository.h"
#include "ports/message_repository.h"
#include "ports/bundle_repository.h"
#include "ports/contact_repository.h"
#include "ports/reminder_repository.h"
#include "ports/queue_repository.h"
#include "ports/window_visit_repository.h"
#include "ports/suggestion_repository.h"
#include "ports/proxy_repository.h"
#include "ports/proactive_repository.h"
#include "ports/supervision_repository.h"
#include "ports/rating_repository.h"
#include "ports/metrics_repository.h"
#include "ports/federation_repository.h"
#include "ports/role_change_repository.h"

namespace tongban::ports {

// One transaction, reaching a repository per capability. A capability adds its repository
// interface beside these and one accessor here; storage::SqlTransaction implements it.
class Transaction {
 public:
  virtual ~Transaction() = default;
  virtual AccountRepository& accounts() = 0;
  virtual SessionRepository& sessions() = 0;
  virtual ApplicationRepository& applications() = 0;
  virtual CatalogueRepository& catalogue() = 0;
  virtual UploadRepository& uploads() = 0;
  virtual OutboxRepository& outbox() = 0;
  virtual KeyRepository& keys() = 0;
  virtual PresentationNonceRepository& presentation_nonces() = 0;
  virtual AccessLogRepository& access_log() = 0;
  virtual LicenceRepository& licences() = 0;
  virtual DatasetRepository& datasets() = 0;
  virtual ConsentRepository& consents() = 0;
  virtual DataFlagRepository& data_flags() = 0;
  virtual MessageRepository& messages() = 0;
  virtual BundleRepository& bundles() = 0;
  virtual ContactRepository& contacts() = 0;
  virtual ReminderRepository& reminders() = 0;
  virtual QueueRepository& queue() = 0;
  virtual WindowVisitRepository& window_visits() = 0;
  virtual SuggestionRepository& suggestions() = 0;
  virtual ProxyRepository& proxies() = 0;
  virtual ProactiveRepository& proactive() = 0;
  virtual SupervisionRepository& supervision() = 0;
  virtual RatingRepository& ratings() = 0;
  virtual MetricsRepository& metrics() = 0;
  virtual FederationRepository& federation() = 0;
  virtual RoleChangeRepository& role_changes() = 0;
};

// Work done inside one transaction. It may be run more than once (the store retries
// serialisation failures), so it must not act outside the transaction.
using TransactionWork = std::function<Status(Transaction&)>;

class Store {
 public:
  virtual ~Store() = default;
  // Runs `work` in one write transaction. When it returns OK the writes are committed and durable
  // (they survive kill -9 and power loss) before Write returns; on error nothing is written and the
  // error is returned. kUnavailable when the database cannot be reached or stays busy.
  // Implementations may group the commits of concurrent callers (group commit).
  virtual Status Write(const TransactionWork& work) = 0;
  // Runs `work` in a read-only transaction that sees one consistent snapshot.
  // Write methods called inside answer kInternal.
  virtual Status Read(const TransactionWork& work) = 0;
};

}  // namespace tongban::ports
