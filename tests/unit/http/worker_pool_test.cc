// The request worker pool: a bounded queue that refuses rather than grows, and a Stop that drops
// what waits and finishes what runs.
#include "http/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <thread>

namespace tongban::http {
namespace {

using namespace std::chrono_literals;

TEST(WorkerPoolTest, RunsTasksOnItsThreads) {
  WorkerPool pool(2, 16);
  std::promise<std::thread::id> ran;
  ASSERT_TRUE(pool.TrySubmit([&ran] { ran.set_value(std::this_thread::get_id()); }));
  auto id = ran.get_future();
  ASSERT_EQ(id.wait_for(10s), std::future_status::ready);
  EXPECT_NE(id.get(), std::this_thread::get_id());
}

TEST(WorkerPoolTest, FullQueueRefusesAndDestroysTheTask) {
  WorkerPool pool(1, 2);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.TrySubmit([&started, released] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();
  std::atomic<int> ran{0};
  EXPECT_TRUE(pool.TrySubmit([&ran] { ++ran; }));
  EXPECT_TRUE(pool.TrySubmit([&ran] { ++ran; }));
  EXPECT_EQ(pool.Queued(), 2u);
  auto token = std::make_shared<int>(0);
  std::weak_ptr<int> watch = token;
  EXPECT_FALSE(pool.TrySubmit([token = std::move(token), &ran] { ++ran; }));
  EXPECT_TRUE(watch.expired()) << "a refused task is destroyed, not kept";
  release.set_value();
  pool.Stop();
  EXPECT_LE(ran.load(), 2);
}

TEST(WorkerPoolTest, StopDropsQueuedTasksAndWaitsForRunningOnes) {
  WorkerPool pool(1, 8);
  std::promise<void> started;
  std::atomic<bool> finished{false};
  ASSERT_TRUE(pool.TrySubmit([&started, &finished] {
    started.set_value();
    std::this_thread::sleep_for(100ms);
    finished = true;
  }));
  started.get_future().wait();
  std::atomic<int> queued_ran{0};
  ASSERT_TRUE(pool.TrySubmit([&queued_ran] { ++queued_ran; }));
  pool.Stop();
  EXPECT_TRUE(finished.load());
  EXPECT_EQ(queued_ran.load(), 0);
  EXPECT_FALSE(pool.TrySubmit([] {})) << "a stopped pool takes nothing";
}

}  // namespace
}  // namespace tongban::http
