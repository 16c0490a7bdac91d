// SqlStore: the one implementation of ports::Store, over a storage::Driver.
//
// Writes use group commit: one writer thread owns the write connection. Store::Write enqueues
// its work and blocks; the writer takes every queued job, opens one write transaction, runs each
// job inside its own SAVEPOINT (a job that returns an error rolls back to its savepoint only and
// its caller gets that error), commits once and then wakes every caller with its status. One
// durable commit (one fsync) thus serves many callers. Should the batch as a whole fail to
// commit, each of its jobs is run again alone in its own transaction (TransactionWork may run
// more than once), so a caller only ever sees its own job's outcome.
//
// Reads use a small pool of read-only connections, each Read in one transaction (a snapshot of
// the last commit; a Read started inside a Write's work does not see that Write's changes).
// A Read waits for a free connection, so Reads nested deeper than the pool size wait forever.
//
// Thread-safety: Write and Read may be called from any number of threads. Work must not call
// Write (answers kInternal rather than waiting for itself). A Transaction belongs to the thread
// running the work and must not outlive it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "ports/store.h"
#include "storage/driver.h"

namespace tongban::storage {

struct StoreOptions {
  int read_connections = 4;                          // size of the Read pool, at least 1
  std::chrono::milliseconds busy_timeout{5000};      // waiting for another process's write lock
  size_t max_batch = 1024;                           // jobs per group commit
  bool migrate = true;                               // apply pending migrations when opening
};

// Opens the store at `url` ("sqlite:PATH"; "postgresql://..." once that driver lands) and applies
// pending migrations. kInvalidArgument for a malformed URL or unknown scheme; kUnavailable when
// the database cannot be opened or its driver is not built yet; a migration's error otherwise.
Result<std::unique_ptr<ports::Store>> OpenStore(const std::string& url, const StoreOptions& options = {});

class SqlStore final : public ports::Store {
  struct Key {
    explicit Key() = default;
  };

 public:
  // Opens the writer and the reader pool of `driver`, migrating first when options.migrate.
  // Errors as OpenStore.
  static Result<std::unique_ptr<SqlStore>> Open(std::unique_ptr<Driver> driver, const StoreOptions& options);

  SqlStore(Key, std::unique_ptr<Driver> driver, std::unique_ptr<Connection> writer,
           std::vector<std::unique_ptr<Connection>> readers, const StoreOptions& options);
  // Finishes the queued writes, then stops the writer thread.
  ~SqlStore() override;
  SqlStore(const SqlStore&) = delete;
  SqlStore& operator=(const SqlStore&) = delete;

  Status Write(const ports::TransactionWork& work) override;
  Status Read(const ports::TransactionWork& work) override;

  // How many commits served how many Write calls so far (jobs / batches is the grouping).
  struct WriteStats {
    uint64_t batches = 0;
    uint64_t jobs = 0;
  };
  WriteStats write_stats() const;

 private:
  struct WriteJob;

  void WriterLoop();
  void RunBatch(const std::vector<WriteJob*>& batch);
  void RunAlone(WriteJob& job);

  std::unique_ptr<Driver> driver_;
  std::unique_ptr<Connection> writer_;  // used by the writer thread only
  StoreOptions options_;

  mutable std::mutex write_mutex_;
  std::condition_variable writer_wake_;  // work queued or stopping
  std::condition_variable jobs_done_;    // a batch finished
  std::deque<WriteJob*> queue_;
  bool stopping_ = false;
  WriteStats stats_;

  std::mutex read_mutex_;
  std::condition_variable reader_free_;
  std::vector<std::unique_ptr<Connection>> free_readers_;

  std::thread writer_thread_;  // last: starts after everything above is built
};

}  // namespace tongban::storage
