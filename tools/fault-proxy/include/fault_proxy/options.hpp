// Command-line options of tongket-fault-proxy.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "fault_proxy/fault_plan.hpp"

namespace tongket::fault_proxy {

// A loopback address: host is exactly "127.0.0.1" or "::1".
struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
};

struct Options {
  Endpoint target;
  std::uint16_t listen_port = 0;    // 0: the system picks a free port
  std::uint64_t latency_ms = 0;     // added one way, per chunk, in each direction
  std::uint64_t bandwidth_bps = 0;  // bits per second per direction; 0: unlimited
  std::uint64_t burst_bytes = 0;    // token bucket size; 0: derived from the bandwidth
  FaultRates faults;
  std::uint64_t blackhole_ms = 10000;
  std::uint64_t seed = 1;
  std::string stats_file;  // empty: no stats file
  bool verbose = false;    // log each connection's fate on stderr
  bool help = false;
};

// Parses "127.0.0.1:PORT", "[::1]:PORT" or "::1:PORT". Any other host is refused with
// tongket::Error(invalid_argument) so traffic can never leave the machine.
Endpoint parse_loopback_endpoint(std::string_view text);

// Parses the arguments after the program name. Throws tongket::Error(invalid_argument)
// naming the offending flag.
Options parse_options(std::span<const std::string_view> args);

// Bytes per second for a bandwidth in bits per second (64000 -> 8000).
std::uint64_t bytes_per_second(const Options& options);
// The token bucket size actually used: burst_bytes, or 1/50 s of traffic (at least 256 bytes)
// so a short transfer cannot beat the cap by much.
std::uint64_t effective_burst_bytes(const Options& options);

std::string usage();

}  // namespace tongket::fault_proxy
