#include "storage/sql_store.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <string_view>
#include <utility>

#include "storage/migrations.h"
#include "storage/sql_transaction.h"

namespace tongban::storage {
namespace {

constexpr std::string_view kSavepoint = "SAVEPOINT job";
constexpr std::string_view kRollbackToSavepoint = "ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job";
constexpr std::string_view kReleaseSavepoint = "RELEASE SAVEPOINT job";

// The writer thread of the store it runs for, so a Write from inside work is refused.
thread_local const SqlStore* tls_writer_of = nullptr;

// Runs caller-supplied work; an exception escaping it fails that work only.
Status RunWork(const ports::TransactionWork& work, ports::Transaction& transaction) {
  try {
    return work(transaction);
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kInternal, std::string("transaction work threw: ") + e.what());
  } catch (...) {
    return MakeError(ErrorCode::kInternal, "transaction work threw a non-standard exception");
  }
}

}  // namespace

struct SqlStore::WriteJob {
  const ports::TransactionWork* work;
  Status status;
  bool done = false;
};

Result<std::unique_ptr<ports::Store>> OpenStore(const std::string& url, const StoreOptions& options) {
  DriverOptions driver_options;
  driver_options.busy_timeout = options.busy_timeout;
  TB_ASSIGN_OR_RETURN(std::unique_ptr<Driver> driver, MakeDriver(url, driver_options));
  TB_ASSIGN_OR_RETURN(std::unique_ptr<SqlStore> store, SqlStore::Open(std::move(driver), options));
  return std::unique_ptr<ports::Store>(std::move(store));
}

Result<std::unique_ptr<SqlStore>> SqlStore::Open(std::unique_ptr<Driver> driver, const StoreOptions& options) {
  std::vector<std::unique_ptr<Connection>> writers;
  TB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer, driver->OpenWriter());
  writers.push_back(std::move(writer));
  if (options.migrate) {
    TB_ASSIGN_OR_RETURN(const std::vector<Migration> migrations, BuiltinMigrations());
    TB_RETURN_IF_ERROR(ApplyMigrations(*writers.front(), *driver, migrations));
  }
  if (!driver->SingleWriter()) {
    for (int i = 1; i < std::max(1, options.write_connections); ++i) {
      TB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> more, driver->OpenWriter());
      writers.push_back(std::move(more));
    }
  }
  std::vector<std::unique_ptr<Connection>> readers;
  for (int i = 0; i < std::max(1, options.read_connections); ++i) {
    TB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> reader, driver->OpenReader());
    readers.push_back(std::move(reader));
  }
  return std::make_unique<SqlStore>(Key(), std::move(driver), std::move(writers), std::move(readers), options);
}

ConnectionPool::ConnectionPool(Opener open, std::vector<std::unique_ptr<Connection>> connections)
    : open_(std::move(open)), connections_(std::move(connections)) {}

Result<std::unique_ptr<Connection>> ConnectionPool::Take() {
  {
    std::unique_lock lock(mutex_);
    free_.wait(lock, [&] { return !connections_.empty() || missing_ > 0; });
    if (!connections_.empty()) {
      std::unique_ptr<Connection> connection = std::move(connections_.back());
      connections_.pop_back();
      return connection;
    }
    --missing_;  // this caller reopens the slot
  }
  Result<std::unique_ptr<Connection>> opened = open_();
  if (!opened.ok()) {
    {
      std::lock_guard lock(mutex_);
      ++missing_;
    }
    free_.notify_one();
  }
  return opened;
}

void ConnectionPool::Give(std::unique_ptr<Connection> connection) {
  {
    std::lock_guard lock(mutex_);
    if (connection != nullptr && connection->Healthy()) {
      connections_.push_back(std::move(connection));
    } else {
      ++missing_;
    }
  }
  free_.notify_one();
}

SqlStore::SqlStore(Key, std::unique_ptr<Driver> driver, std::vector<std::unique_ptr<Connection>> writers,
                   std::vector<std::unique_ptr<Connection>> readers, const StoreOptions& options)
    : driver_(std::move(driver)),
      options_(options),
      read_pool_([this] { return driver_->OpenReader(); }, std::move(readers)) {
  options_.max_batch = std::max<size_t>(1, options_.max_batch);
  if (driver_->SingleWriter()) {
    writer_ = std::move(writers.front());
    writer_thread_ = std::thread([this] { WriterLoop(); });
  } else {
    write_pool_ = std::make_unique<ConnectionPool>([this] { return driver_->OpenWriter(); }, std::move(writers));
  }
}

SqlStore::~SqlStore() {
  {
    std::lock_guard lock(write_mutex_);
    stopping_ = true;
  }
  writer_wake_.notify_one();
  if (writer_thread_.joinable()) writer_thread_.join();
}

Status SqlStore::Write(const ports::TransactionWork& work) {
  if (tls_writer_of == this) {
    return MakeError(ErrorCode::kInternal, "Store::Write was called from inside a Write's work");
  }
  if (write_pool_ != nullptr) return WriteConcurrently(work);
  WriteJob job{&work, Ok(), false};
  std::unique_lock lock(write_mutex_);
  if (stopping_) return MakeError(ErrorCode::kUnavailable, "the store is closing");
  queue_.push_back(&job);
  writer_wake_.notify_one();
  jobs_done_.wait(lock, [&] { return job.done; });
  return std::move(job.status);
}

SqlStore::WriteStats SqlStore::write_stats() const {
  std::lock_guard lock(write_mutex_);
  return stats_;
}

void SqlStore::WriterLoop() {
  tls_writer_of = this;
  std::vector<WriteJob*> batch;
  while (true) {
    {
      std::unique_lock lock(write_mutex_);
      writer_wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and every queued job is done
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    RunBatch(batch);
    {
      std::lock_guard lock(write_mutex_);
      for (WriteJob* job : batch) job->done = true;
      ++stats_.batches;
      stats_.jobs += batch.size();
    }
    jobs_done_.notify_all();
    batch.clear();
  }
}

void SqlStore::RunBatch(const std::vector<WriteJob*>& batch) {
  if (batch.size() == 1) {
    RunAlone(*batch.front());
    return;
  }
  Status begun = writer_->Exec(driver_->BeginWriteSql());
  if (!begun.ok()) {
    for (WriteJob* job : batch) job->status = begun.error();
    return;
  }
  SqlTransaction transaction(*writer_, /*writable=*/true);
  bool broken = false;
  for (WriteJob* job : batch) {
    if (!writer_->Exec(kSavepoint).ok()) {
      broken = true;
      break;
    }
    Status result = RunWork(*job->work, transaction);
    // A failed job is undone alone. If the database dropped the whole transaction (an I/O error,
    // a full disk), the savepoint is gone and the batch cannot commit as one.
    const Status undone = writer_->Exec(result.ok() ? kReleaseSavepoint : kRollbackToSavepoint);
    if (!undone.ok() || !writer_->InTransaction()) {
      broken = true;
      break;
    }
    job->status = std::move(result);
  }
  if (!broken && writer_->Exec("COMMIT").ok()) return;
  if (writer_->InTransaction()) (void)writer_->Exec("ROLLBACK");
  // Nothing of the batch was written; each job gets its own transaction and its own outcome.
  for (WriteJob* job : batch) RunAlone(*job);
}

void SqlStore::RunAlone(WriteJob& job) {
  Status begun = writer_->Exec(driver_->BeginWriteSql());
  if (!begun.ok()) {
    job.status = std::move(begun);
    return;
  }
  SqlTransaction transaction(*writer_, /*writable=*/true);
  Status result = RunWork(*job.work, transaction);
  if (result.ok()) result = writer_->Exec("COMMIT");
  if (!result.ok() && writer_->InTransaction()) (void)writer_->Exec("ROLLBACK");
  job.status = std::move(result);
}

Status SqlStore::WriteConcurrently(const ports::TransactionWork& work) {
  // Enough for a burst of deadlocks between a few writers; beyond that the caller gets kConflict.
  constexpr int kMaxAttempts = 8;
  Status result = Ok();
  int stale_connections = 0;
  for (int attempt = 1;; ++attempt) {
    TB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection, write_pool_->Take());
    result = connection->Exec(driver_->BeginWriteSql());
    const bool stale = !result.ok() && !connection->Healthy();
    if (result.ok()) {
      SqlTransaction transaction(*connection, /*writable=*/true, driver_->LocksRowsReadForUpdate());
      const SqlStore* outer = std::exchange(tls_writer_of, this);
      result = RunWork(work, transaction);
      tls_writer_of = outer;
      if (result.ok()) result = connection->Exec("COMMIT");
      if (!result.ok() && connection->InTransaction()) (void)connection->Exec("ROLLBACK");
    }
    const bool retry = !result.ok() && connection->SerializationFailed() && connection->Healthy();
    write_pool_->Give(std::move(connection));
    // A pooled connection found dead before any work ran (the server restarted) is replaced and
    // the next one tried, at most the whole pool; a connection lost later may have committed, so
    // that is the caller's kUnavailable.
    if (stale && stale_connections++ < options_.write_connections) {
      --attempt;
      continue;
    }
    if (retry && attempt < kMaxAttempts) {
      std::this_thread::sleep_for(std::chrono::milliseconds(attempt * attempt));
      continue;
    }
    break;
  }
  {
    std::lock_guard lock(write_mutex_);
    ++stats_.batches;
    ++stats_.jobs;
  }
  return result;
}

Status SqlStore::Read(const ports::TransactionWork& work) {
  Status result = Ok();
  for (int stale_connections = 0;; ++stale_connections) {
    TB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection, read_pool_.Take());
    result = connection->Exec(driver_->BeginReadSql());
    const bool stale = !result.ok() && !connection->Healthy();
    if (result.ok()) {
      SqlTransaction transaction(*connection, /*writable=*/false);
      result = RunWork(work, transaction);
      // A read transaction has nothing to keep; ending it releases the snapshot.
      const Status ended = connection->Exec(result.ok() ? "COMMIT" : "ROLLBACK");
      if (result.ok() && !ended.ok()) result = ended;
    }
    if (connection->InTransaction()) (void)connection->Exec("ROLLBACK");
    read_pool_.Give(std::move(connection));
    // A pooled connection found dead (the server restarted): the next one, at most the whole pool.
    if (stale && stale_connections < options_.read_connections) continue;
    return result;
  }
}

}  // namespace tongban::storage
