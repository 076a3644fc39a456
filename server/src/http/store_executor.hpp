// The one thread that owns the store: handlers queue work here and never block. post(), stop()
// and depth() may be called from any thread; jobs run on the executor's own thread, in order.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace tongket::server {

class StoreExecutor {
 public:
  using Job = std::function<void()>;
  explicit StoreExecutor(std::size_t max_queue);
  ~StoreExecutor();  // runs what is queued, then joins
  StoreExecutor(const StoreExecutor&) = delete;
  StoreExecutor& operator=(const StoreExecutor&) = delete;

  // False when the queue is full (the caller answers 503) or the executor is stopping.
  bool post(Job job);
  void stop();                // finishes queued jobs, joins the thread
  std::size_t depth() const;  // jobs waiting now (any thread; for /metrics)

 private:
  void run();

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  std::size_t max_queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tongket::server
