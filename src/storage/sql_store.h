// SqlStore: the one implementation of ports::Store, over a storage::Driver.
//
// Writes, when the driver admits a single writer (SQLite), use group commit: one writer thread
// owns the write connection. Store::Write enqueues its work and blocks; the writer takes every
// queued job, opens one write transaction, runs each job inside its own SAVEPOINT (a job that
// returns an error rolls back to its savepoint only and its caller gets that error), commits once
// and then wakes every caller with its status. One durable commit (one fsync) thus serves many
// callers. Should the batch as a whole fail to commit, each of its jobs is run again alone in its
// own transaction (TransactionWork may run more than once), so a caller only ever sees its own
// job's outcome.
//
// Writes, when the driver admits concurrent writers (PostgreSQL), run on the calling thread on a
// connection from the write pool, each in its own transaction; the database groups concurrent
// commits itself. A transaction that failed only because of a concurrent one (serialisation
// failure, deadlock) is run again, a bounded number of times, then answers kConflict.
//
// Reads use a small pool of connections, each Read in one read-only transaction (a snapshot of
// the last commit; a Read started inside a Write's work does not see that Write's changes).
// A Read waits for a free connection, so Reads nested deeper than the pool size wait forever.
// A pooled connection that lost its database is replaced by a fresh one.
//
// Thread-safety: Write and Read may be called from any number of threads. Work must not call
// Write (answers kInternal rather than waiting for itself). A Transaction belongs to the thread
// running the work and must not outlive it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
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
  int write_connections = 8;                         // size of the Write pool when writers run
                                                     // concurrently (PostgreSQL), at least 1
  std::chrono::milliseconds busy_timeout{5000};      // waiting for another process's write lock
  size_t max_batch = 1024;                           // jobs per group commit
  bool migrate = true;                               // apply pending migrations when opening
};

// Opens the store at `url` ("sqlite:PATH" or "postgresql://USER@HOST:PORT/DB?...") and applies
// pending migrations. kInvalidArgument for a malformed URL or unknown scheme; kUnavailable when
// the database cannot be opened or reached; a migration's error otherwise.
Result<std::unique_ptr<ports::Store>> OpenStore(const std::string& url, const StoreOptions& options = {});

// A fixed number of connections shared by threads. Take waits for a free one; a connection given
// back unhealthy is dropped and its slot opened afresh by a later Take.
class ConnectionPool {
 public:
  using Opener = std::function<Result<std::unique_ptr<Connection>>()>;
  ConnectionPool(Opener open, std::vector<std::unique_ptr<Connection>> connections);
  // A connection for the calling thread; kUnavailable when a replacement cannot be opened.
  Result<std::unique_ptr<Connection>> Take();
  void Give(std::unique_ptr<Connection> connection);

 private:
  Opener open_;
  std::mutex mutex_;
  std::condition_variable free_;
  std::vector<std::unique_ptr<Connection>> connections_;
  int missing_ = 0;  // slots whose connection was dropped
};

class SqlStore final : public ports::Store {
  struct Key {
    explicit Key() = default;
  };

 public:
  // Opens the writer (or the write pool) and the reader pool of `driver`, migrating first when
  // options.migrate. Errors as OpenStore.
  static Result<std::unique_ptr<SqlStore>> Open(std::unique_ptr<Driver> driver, const StoreOptions& options);

  // `writers` holds the single writer when driver->SingleWriter(), else the write pool.
  SqlStore(Key, std::unique_ptr<Driver> driver, std::vector<std::unique_ptr<Connection>> writers,
           std::vector<std::unique_ptr<Connection>> readers, const StoreOptions& options);
  // Finishes the queued writes, then stops the writer thread (if any).
  ~SqlStore() override;
  SqlStore(const SqlStore&) = delete;
  SqlStore& operator=(const SqlStore&) = delete;

  Status Write(const ports::TransactionWork& work) override;
  Status Read(const ports::TransactionWork& work) override;

  // How many commits served how many Write calls so far (jobs / batches is the grouping; equal
  // when writers run concurrently, retries not counted).
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
  Status WriteConcurrently(const ports::TransactionWork& work);

  std::unique_ptr<Driver> driver_;
  std::unique_ptr<Connection> writer_;  // single writer: used by the writer thread only
  StoreOptions options_;
  std::unique_ptr<ConnectionPool> write_pool_;  // concurrent writers

  mutable std::mutex write_mutex_;
  std::condition_variable writer_wake_;  // work queued or stopping
  std::condition_variable jobs_done_;    // a batch finished
  std::deque<WriteJob*> queue_;
  bool stopping_ = false;
  WriteStats stats_;

  ConnectionPool read_pool_;

  std::thread writer_thread_;  // single writer: started once everything above is built
};

}  // namespace tongban::storage
