// Holds one direction's bytes until their arrival time plus a fixed delay, in order, with a
// bounded size so a slow reader cannot make the proxy grow without limit.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "fault_proxy/clock.hpp"

namespace tongket::fault_proxy {

class DelayQueue {
 public:
  DelayQueue(Duration delay, std::size_t capacity_bytes);

  std::size_t size() const noexcept { return size_; }
  std::size_t room() const noexcept { return capacity_ - size_; }
  bool empty() const noexcept { return size_ == 0; }

  // Queues at most room() bytes that arrived at `arrived`; returns how many were taken.
  std::size_t push(std::span<const char> bytes, TimePoint arrived);
  // Queues the end of the stream (a FIN), released after the data before it.
  void close(TimePoint arrived);
  bool closed() const noexcept { return end_due_.has_value(); }

  // The released bytes at the front, contiguous; empty when nothing is due by `now`.
  std::span<const char> ready(TimePoint now) const;
  // Drops n bytes from the front; n must not exceed ready(now).size().
  void consume(std::size_t n);
  // Whether the end has been released and every byte before it consumed.
  bool ended(TimePoint now) const;
  // When the front item (data or end) is released; nothing if the queue holds nothing.
  std::optional<TimePoint> next_due() const;

 private:
  struct Chunk {
    TimePoint due;
    std::vector<char> bytes;
    std::size_t offset = 0;
  };

  Duration delay_;
  std::size_t capacity_;
  std::size_t size_ = 0;
  std::deque<Chunk> chunks_;
  std::optional<TimePoint> end_due_;
};

}  // namespace tongket::fault_proxy
