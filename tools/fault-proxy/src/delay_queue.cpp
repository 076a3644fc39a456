#include "fault_proxy/delay_queue.hpp"

#include <algorithm>

#include "tongket/error.hpp"

namespace tongket::fault_proxy {

DelayQueue::DelayQueue(Duration delay, std::size_t capacity_bytes)
    : delay_(delay), capacity_(capacity_bytes) {
  if (delay_ < Duration::zero()) {
    throw Error(Errc::invalid_argument, "delay queue: the delay must not be negative");
  }
  if (capacity_ == 0) {
    throw Error(Errc::invalid_argument, "delay queue: the capacity must be at least one byte");
  }
}

std::size_t DelayQueue::push(std::span<const char> bytes, TimePoint arrived) {
  if (closed()) throw Error(Errc::internal, "delay queue: data pushed after the end");
  const std::size_t taken = std::min(bytes.size(), room());
  if (taken == 0) return 0;
  chunks_.push_back(Chunk{arrived + delay_, {bytes.begin(), bytes.begin() + taken}, 0});
  size_ += taken;
  return taken;
}

void DelayQueue::close(TimePoint arrived) {
  if (!closed()) end_due_ = arrived + delay_;
}

std::span<const char> DelayQueue::ready(TimePoint now) const {
  if (chunks_.empty() || chunks_.front().due > now) return {};
  const Chunk& front = chunks_.front();
  return std::span<const char>(front.bytes).subspan(front.offset);
}

void DelayQueue::consume(std::size_t n) {
  while (n > 0) {
    if (chunks_.empty()) throw Error(Errc::internal, "delay queue: consumed more than held");
    Chunk& front = chunks_.front();
    const std::size_t step = std::min(n, front.bytes.size() - front.offset);
    front.offset += step;
    size_ -= step;
    n -= step;
    if (front.offset == front.bytes.size()) chunks_.pop_front();
  }
}

bool DelayQueue::ended(TimePoint now) const {
  return chunks_.empty() && end_due_.has_value() && *end_due_ <= now;
}

std::optional<TimePoint> DelayQueue::next_due() const {
  if (!chunks_.empty()) return chunks_.front().due;
  return end_due_;
}

}  // namespace tongket::fault_proxy
