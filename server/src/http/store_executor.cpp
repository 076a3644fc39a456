#include "http/store_executor.hpp"

namespace tongket::server {

StoreExecutor::StoreExecutor(std::size_t max_queue)
    : max_queue_(max_queue), thread_([this] { run(); }) {}

StoreExecutor::~StoreExecutor() {
  stop();
}

bool StoreExecutor::post(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_queue_) return false;
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void StoreExecutor::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::size_t StoreExecutor::depth() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void StoreExecutor::run() {
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      job();
    } catch (...) {
      // Jobs answer their own failures; one that still throws must not end the store thread.
    }
  }
}

}  // namespace tongket::server
