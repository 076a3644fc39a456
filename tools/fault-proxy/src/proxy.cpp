#include "fault_proxy/proxy.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <vector>

#include "connection.hpp"
#include "fault_proxy/token_bucket.hpp"
#include "socket_util.hpp"
#include "tongket/error.hpp"

namespace tongket::fault_proxy {

namespace {
// Beyond this, new clients wait in the listen backlog.
constexpr std::size_t kMaxConnections = 500;
// Wake at least this often even when idle; harmless and keeps the loop easy to reason about.
constexpr int kMaxPollMs = 1000;
}  // namespace

struct Proxy::Impl {
  Options options;
  int listen_fd = -1;
  std::uint16_t port = 0;
  FaultPlan plan;
  // One bucket per direction shared by all connections: the cap models one slow link.
  TokenBucket upstream_link;
  TokenBucket downstream_link;
  Stats stats;
  std::vector<std::unique_ptr<Connection>> connections;
  std::size_t rotation = 0;

  explicit Impl(Options o)
      : options(std::move(o)),
        plan(options.faults, options.seed),
        upstream_link(bytes_per_second(options), effective_burst_bytes(options), Clock::now()),
        downstream_link(bytes_per_second(options), effective_burst_bytes(options), Clock::now()) {
    listen_fd = listen_loopback(options.listen_port);
    port = bound_port(listen_fd);
  }

  ~Impl() {
    connections.clear();
    close_fd(listen_fd);
  }

  void accept_all(TimePoint now) {
    while (connections.size() < kMaxConnections) {
      const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;  // EAGAIN, or out of descriptors: retry on the next wake-up
      }
      ++stats.connections;
      const ConnectionFate fate = plan.next();
      if (options.verbose) {
        std::cerr << "connection " << stats.connections << ": " << fate_name(fate.fate);
        if (fate.fate == Fate::reset_midstream || fate.fate == Fate::truncate) {
          std::cerr << " after " << fate.cut_after << " bytes";
        }
        std::cerr << '\n';
      }
      switch (fate.fate) {
        case Fate::reset_on_accept:
          ++stats.resets_injected;
          ++stats.resets_on_accept;
          close_with_reset(fd);
          continue;
        case Fate::blackhole:
          ++stats.blackholes;
          break;
        default:
          break;
      }
      connections.push_back(std::make_unique<Connection>(fd, fate, options, now, stats));
    }
  }

  void pump_all(TimePoint now) {
    // Starting with a different connection each time shares the link's tokens fairly.
    const std::size_t count = connections.size();
    for (std::size_t i = 0; i < count; ++i) {
      connections[(rotation + i) % count]->pump(now, upstream_link, downstream_link);
    }
    if (count > 0) rotation = (rotation + 1) % count;
    std::erase_if(connections, [](const auto& c) { return c->done(); });
  }

  int timeout_ms(TimePoint now) {
    std::optional<TimePoint> earliest;
    for (const auto& c : connections) {
      const auto t = c->wake_at(now, upstream_link, downstream_link);
      if (t && (!earliest || *t < *earliest)) earliest = t;
    }
    if (!earliest) return kMaxPollMs;
    if (*earliest <= now) return 0;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*earliest - now).count();
    return static_cast<int>(std::min<long long>(ms, kMaxPollMs));
  }

  void run(int stop_fd) {
    std::vector<pollfd> fds;
    for (;;) {
      pump_all(Clock::now());

      fds.clear();
      fds.push_back({stop_fd, POLLIN, 0});
      fds.push_back({connections.size() < kMaxConnections ? listen_fd : -1, POLLIN, 0});
      for (const auto& c : connections) {
        const short ce = c->client_events();
        const short ue = c->upstream_events();
        // A socket with nothing wanted is left out, or a hung-up peer would wake us nonstop.
        fds.push_back({ce != 0 ? c->client_fd() : -1, ce, 0});
        fds.push_back({ue != 0 ? c->upstream_fd() : -1, ue, 0});
      }
      const int rc = ::poll(fds.data(), fds.size(), timeout_ms(Clock::now()));
      if (rc < 0) {
        if (errno == EINTR) continue;
        throw Error(Errc::internal, std::string("poll failed: ") + std::strerror(errno));
      }
      if (fds[0].revents != 0) {
        connections.clear();  // closes every socket with an orderly FIN
        return;
      }
      const TimePoint now = Clock::now();
      const std::size_t polled = connections.size();
      for (std::size_t i = 0; i < polled; ++i) {
        Connection& c = *connections[i];
        if (const short r = fds[2 + 2 * i].revents; r != 0) c.on_client_event(r, now);
        if (const short r = fds[3 + 2 * i].revents; r != 0 && !c.done()) {
          c.on_upstream_event(r, now);
        }
      }
      if (fds[1].revents != 0) accept_all(now);
    }
  }
};

Proxy::Proxy(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Proxy::~Proxy() = default;
std::uint16_t Proxy::port() const {
  return impl_->port;
}
void Proxy::run(int stop_fd) {
  impl_->run(stop_fd);
}
const Stats& Proxy::stats() const {
  return impl_->stats;
}

}  // namespace tongket::fault_proxy
