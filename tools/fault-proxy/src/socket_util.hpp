// Thin helpers over POSIX sockets used by the event loop.
#pragma once

#include <cstdint>

#include "fault_proxy/options.hpp"

namespace tongket::fault_proxy {

// A non-blocking listening socket on 127.0.0.1:port. Throws tongket::Error(network).
int listen_loopback(std::uint16_t port);
std::uint16_t bound_port(int fd);
// Starts a non-blocking connect; sets *in_progress when it has not completed yet.
// Returns -1 if the connect failed at once.
int start_connect(const Endpoint& target, bool* in_progress);
// The pending error of a socket whose non-blocking connect finished (0 = connected).
int socket_error(int fd);
void set_nodelay(int fd);
// Closes so that the peer sees a reset (RST) instead of an orderly FIN.
void close_with_reset(int fd);
void close_fd(int fd);

}  // namespace tongket::fault_proxy
