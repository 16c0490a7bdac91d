// Runs a task every interval on its own thread until destroyed (catalogue refresh, housekeeping).
// Thread-safety: construct and destroy from one thread; the task runs on the background thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace tongban::app {

class Periodic {
 public:
  Periodic(std::chrono::milliseconds interval, std::function<void()> task)
      : thread_([this, interval, task = std::move(task)] {
          std::unique_lock lock(mu_);
          while (!cv_.wait_for(lock, interval, [this] { return stopping_; })) {
            lock.unlock();
            task();
            lock.lock();
          }
        }) {}

  ~Periodic() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;  // last: started after the members it uses
};

}  // namespace tongban::app
