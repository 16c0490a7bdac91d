// The threads that run requests, apart from the threads that read and write connections: a
// handler that hashes a password or waits for a commit holds one of these, never an I/O thread.
// The queue of waiting tasks is bounded: when it is full, TrySubmit refuses (the server answers
// 503 with Retry-After) instead of letting waits grow without bound.
// Thread-safety: TrySubmit from any thread, concurrently; Stop (also run by the destructor) from
// one thread, never from a task.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tongban::http {

class WorkerPool {
 public:
  using Task = std::function<void()>;

  // Starts `threads` threads (at least 1); at most `max_queued` tasks (at least 1) wait for one.
  WorkerPool(int threads, size_t max_queued);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task` to run on a pool thread. Returns false, and destroys `task` without running it,
  // when `max_queued` tasks are already waiting or the pool is stopped.
  bool TrySubmit(Task task);
  // Stops taking tasks, destroys the queued ones without running them, and waits for the running
  // ones to finish.
  void Stop();
  // Tasks waiting for a thread now.
  size_t Queued() const;

 private:
  void Run();

  const size_t max_queued_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Task> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace tongban::http
