// One client connection and its upstream connection: two directions, each a delay queue
// drained through a shared token bucket, plus the fault chosen for it at accept time.
#pragma once

#include <cstdint>
#include <optional>

#include "fault_proxy/delay_queue.hpp"
#include "fault_proxy/fault_plan.hpp"
#include "fault_proxy/options.hpp"
#include "fault_proxy/stats.hpp"
#include "fault_proxy/token_bucket.hpp"

namespace tongket::fault_proxy {

class Connection {
 public:
  // Takes ownership of client_fd. Faults decided at accept (reset on accept) are handled by
  // the caller; every other fate is played out here.
  Connection(int client_fd, ConnectionFate fate, const Options& options, TimePoint now,
             Stats& stats);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  int client_fd() const noexcept { return client_fd_; }
  int upstream_fd() const noexcept { return upstream_fd_; }
  // poll() events wanted on each socket; 0 means leave the socket out of the poll set.
  short client_events() const;
  short upstream_events() const;

  void on_client_event(short revents, TimePoint now);
  void on_upstream_event(short revents, TimePoint now);
  // Forwards what is due and affordable, propagates ends of streams and plays out faults.
  void pump(TimePoint now, TokenBucket& upstream_link, TokenBucket& downstream_link);
  // When pump() next has something to do without a socket event; nothing if only an
  // event can help.
  std::optional<TimePoint> wake_at(TimePoint now, TokenBucket& upstream_link,
                                   TokenBucket& downstream_link) const;
  bool done() const noexcept { return state_ == State::done; }

 private:
  enum class State { connecting, open, blackhole, draining, done };

  struct Direction {
    DelayQueue queue;
    bool source_eof = false;     // the source sent FIN or failed
    bool source_failed = false;  // ... failed: the destination is reset once the queue drains
    bool shut = false;           // the end has been passed on to the destination
    bool blocked = false;        // the destination's send buffer is full: wait for POLLOUT
    bool dead = false;           // the destination is gone: nothing more can be sent
    std::uint64_t forwarded = 0;
  };

  void read_into(int fd, Direction& dir, Direction& other, TimePoint now);
  void discard_reads();
  void forward(Direction& dir, int dst, TokenBucket& link, std::uint64_t limit, TimePoint now,
               Direction& other, std::uint64_t& counter);
  void fail_source(Direction& dir, Direction& other, TimePoint now);
  bool apply_cut(TimePoint now);
  void finish_direction(Direction& dir, int dst);
  void close_all();

  int client_fd_;
  int upstream_fd_ = -1;
  ConnectionFate fate_;
  State state_ = State::connecting;
  TimePoint deadline_{};     // for blackhole and draining
  bool client_eof_ = false;  // the client sent FIN while black-holed or draining
  Direction c2s_;            // client -> server
  Direction s2c_;            // server -> client
  Stats& stats_;
};

}  // namespace tongket::fault_proxy
