#include "connection.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <limits>

#include "socket_util.hpp"

namespace tongket::fault_proxy {

namespace {
// Bounded per direction, so memory stays small however slow the reader is.
constexpr std::size_t kQueueBytes = 256 * 1024;
constexpr std::size_t kReadChunk = 64 * 1024;
// After a truncation, how long the client may take to close its side before we do.
constexpr auto kDrainTimeout = std::chrono::seconds(5);
// Wake for at least this many tokens when paced, so a slow link is not polled per byte.
constexpr std::uint64_t kPacingQuantum = 1024;

bool would_block(int err) {
  return err == EAGAIN || err == EWOULDBLOCK || err == EINTR;
}
}  // namespace

Connection::Connection(int client_fd, ConnectionFate fate, const Options& options, TimePoint now,
                       Stats& stats)
    : client_fd_(client_fd),
      fate_(fate),
      c2s_{DelayQueue(std::chrono::milliseconds(options.latency_ms), kQueueBytes)},
      s2c_{DelayQueue(std::chrono::milliseconds(options.latency_ms), kQueueBytes)},
      stats_(stats) {
  set_nodelay(client_fd_);
  if (fate_.fate == Fate::blackhole) {
    state_ = State::blackhole;
    deadline_ = now + std::chrono::milliseconds(options.blackhole_ms);
    return;
  }
  bool in_progress = false;
  upstream_fd_ = start_connect(options.target, &in_progress);
  if (upstream_fd_ < 0) {
    // Mirror a refused target as a reset, as if the client had reached it directly.
    ++stats_.upstream_failures;
    close_with_reset(client_fd_);
    client_fd_ = -1;
    state_ = State::done;
    return;
  }
  state_ = in_progress ? State::connecting : State::open;
}

Connection::~Connection() {
  close_all();
}

void Connection::close_all() {
  close_fd(client_fd_);
  close_fd(upstream_fd_);
  client_fd_ = upstream_fd_ = -1;
  state_ = State::done;
}

short Connection::client_events() const {
  switch (state_) {
    case State::blackhole:
      // A black hole ignores the client's FIN too: it closes only at its deadline.
      return client_eof_ ? 0 : POLLIN;
    case State::draining:
      return POLLIN;
    case State::connecting:
    case State::open: {
      short events = 0;
      if (!c2s_.source_eof && c2s_.queue.room() > 0) events |= POLLIN;
      if (s2c_.blocked && !s2c_.dead) events |= POLLOUT;
      return events;
    }
    case State::done:
      break;
  }
  return 0;
}

short Connection::upstream_events() const {
  if (upstream_fd_ < 0) return 0;
  if (state_ == State::connecting) return POLLOUT;
  if (state_ != State::open) return 0;
  short events = 0;
  if (!s2c_.source_eof && s2c_.queue.room() > 0) events |= POLLIN;
  if (c2s_.blocked && !c2s_.dead) events |= POLLOUT;
  return events;
}

void Connection::on_client_event(short revents, TimePoint now) {
  if (state_ == State::blackhole || state_ == State::draining) {
    if (revents & (POLLIN | POLLHUP | POLLERR)) discard_reads();
    return;
  }
  if (state_ != State::connecting && state_ != State::open) return;
  if (revents & POLLOUT) s2c_.blocked = false;
  if ((revents & (POLLIN | POLLHUP | POLLERR)) && !c2s_.source_eof) {
    read_into(client_fd_, c2s_, s2c_, now);
  }
}

void Connection::on_upstream_event(short revents, TimePoint now) {
  if (state_ == State::connecting) {
    if (!(revents & (POLLOUT | POLLERR | POLLHUP))) return;
    if (socket_error(upstream_fd_) != 0) {
      ++stats_.upstream_failures;
      close_with_reset(client_fd_);
      client_fd_ = -1;
      close_all();
      return;
    }
    state_ = State::open;
    return;
  }
  if (state_ != State::open) return;
  if (revents & POLLOUT) c2s_.blocked = false;
  if ((revents & (POLLIN | POLLHUP | POLLERR)) && !s2c_.source_eof) {
    read_into(upstream_fd_, s2c_, c2s_, now);
  }
}

void Connection::read_into(int fd, Direction& dir, Direction& other, TimePoint now) {
  std::array<char, kReadChunk> buf;
  const std::size_t want = std::min(buf.size(), dir.queue.room());
  if (want == 0) return;
  const ssize_t n = ::recv(fd, buf.data(), want, 0);
  if (n > 0) {
    dir.queue.push(std::span<const char>(buf.data(), static_cast<std::size_t>(n)), now);
  } else if (n == 0) {
    dir.source_eof = true;
    dir.queue.close(now);
  } else if (!would_block(errno)) {
    fail_source(dir, other, now);
  }
}

void Connection::fail_source(Direction& dir, Direction& other, TimePoint now) {
  // The reset travels behind the data already in flight, like a real RST would.
  dir.source_eof = true;
  dir.source_failed = true;
  dir.queue.close(now);
  // The failed socket is the other direction's destination: nothing more reaches it.
  other.dead = true;
}

void Connection::discard_reads() {
  std::array<char, kReadChunk> buf;
  const ssize_t n = ::recv(client_fd_, buf.data(), buf.size(), 0);
  if (n < 0 && !would_block(errno)) {
    close_all();
  } else if (n == 0) {
    client_eof_ = true;
    // After a truncation the client has seen our FIN; once it closes too, we are done.
    if (state_ == State::draining) close_all();
  }
}

void Connection::forward(Direction& dir, int dst, TokenBucket& link, std::uint64_t limit,
                         TimePoint now, Direction& other, std::uint64_t& counter) {
  if (dir.dead) {
    // Nobody can receive these bytes any more; drop them so the source is not stalled.
    for (auto r = dir.queue.ready(now); !r.empty(); r = dir.queue.ready(now)) {
      dir.queue.consume(r.size());
    }
    return;
  }
  while (!dir.blocked && dir.forwarded < limit) {
    const auto ready = dir.queue.ready(now);
    if (ready.empty()) break;
    const std::uint64_t tokens = link.available(now);
    const std::size_t n = static_cast<std::size_t>(
        std::min<std::uint64_t>({ready.size(), tokens, limit - dir.forwarded}));
    if (n == 0) break;
    const ssize_t sent = ::send(dst, ready.data(), n, MSG_NOSIGNAL);
    if (sent < 0) {
      if (would_block(errno)) {
        dir.blocked = true;
      } else {
        // The destination is gone; it is the other direction's source.
        fail_source(other, dir, now);
      }
      break;
    }
    const auto count = static_cast<std::size_t>(sent);
    link.consume(count);
    dir.queue.consume(count);
    dir.forwarded += count;
    counter += count;
    if (count < n) dir.blocked = true;
  }
}

void Connection::finish_direction(Direction& dir, int dst) {
  if (dir.shut || dir.dead) return;
  dir.shut = true;
  ::shutdown(dst, SHUT_WR);
}

bool Connection::apply_cut(TimePoint now) {
  const bool cuts = fate_.fate == Fate::reset_midstream || fate_.fate == Fate::truncate;
  if (!cuts || s2c_.dead || s2c_.shut) return false;
  const bool at_cut = s2c_.forwarded >= fate_.cut_after;
  const bool pending = !s2c_.queue.ready(now).empty();
  const bool ended = s2c_.queue.ended(now);
  if (fate_.fate == Fate::reset_midstream && ((at_cut && pending) || ended)) {
    // A reset is promised for this connection, so a response shorter than the cut point
    // still ends in a reset rather than a clean FIN.
    ++stats_.resets_injected;
    ++stats_.resets_midstream;
    close_with_reset(client_fd_);
    client_fd_ = -1;
    close_all();
    return true;
  }
  if (fate_.fate == Fate::truncate && at_cut && pending) {
    ++stats_.truncations;
    ::shutdown(client_fd_, SHUT_WR);
    close_fd(upstream_fd_);
    upstream_fd_ = -1;
    state_ = State::draining;
    deadline_ = now + kDrainTimeout;
    return true;
  }
  return false;
}

void Connection::pump(TimePoint now, TokenBucket& upstream_link, TokenBucket& downstream_link) {
  if (state_ == State::blackhole || state_ == State::draining) {
    if (now >= deadline_) close_all();
    return;
  }
  if (state_ != State::open) return;

  const bool cuts = fate_.fate == Fate::reset_midstream || fate_.fate == Fate::truncate;
  const std::uint64_t s2c_limit =
      cuts ? fate_.cut_after : std::numeric_limits<std::uint64_t>::max();
  forward(c2s_, upstream_fd_, upstream_link, std::numeric_limits<std::uint64_t>::max(), now, s2c_,
          stats_.bytes_client_to_server);
  forward(s2c_, client_fd_, downstream_link, s2c_limit, now, c2s_, stats_.bytes_server_to_client);
  if (apply_cut(now)) return;

  for (auto* dir : {&c2s_, &s2c_}) {
    if (!dir->queue.ended(now)) continue;
    const int dst = dir == &c2s_ ? upstream_fd_ : client_fd_;
    if (dir->source_failed && !dir->dead) {
      close_with_reset(dst);
      (dir == &c2s_ ? upstream_fd_ : client_fd_) = -1;
      close_all();
      return;
    }
    finish_direction(*dir, dst);
  }
  const bool c2s_over = c2s_.shut || c2s_.dead;
  const bool s2c_over = s2c_.shut || s2c_.dead;
  if (c2s_over && s2c_over) close_all();
}

std::optional<TimePoint> Connection::wake_at(TimePoint now, TokenBucket& upstream_link,
                                             TokenBucket& downstream_link) const {
  if (state_ == State::blackhole || state_ == State::draining) return deadline_;
  if (state_ != State::open) return std::nullopt;
  std::optional<TimePoint> earliest;
  const auto consider = [&](TimePoint t) {
    if (!earliest || t < *earliest) earliest = t;
  };
  const auto check = [&](const Direction& dir, TokenBucket& link) {
    if (dir.blocked && !dir.dead) return;  // waiting for POLLOUT
    if (dir.queue.ended(now)) return;      // pump() has passed the end on already
    const auto ready = dir.queue.ready(now);
    if (ready.empty()) {
      if (const auto due = dir.queue.next_due()) consider(*due);
      return;
    }
    if (dir.dead) {
      consider(now);
      return;
    }
    const std::uint64_t quantum = std::min<std::uint64_t>(ready.size(), kPacingQuantum);
    consider(link.when_available(quantum, now));
  };
  check(c2s_, upstream_link);
  check(s2c_, downstream_link);
  return earliest;
}

}  // namespace tongket::fault_proxy
