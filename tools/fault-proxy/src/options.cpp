#include "fault_proxy/options.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include "tongket/error.hpp"

namespace tongket::fault_proxy {

namespace {

[[noreturn]] void bad(std::string_view flag, std::string_view why) {
  throw Error(Errc::invalid_argument, std::string(flag) + ": " + std::string(why));
}

std::uint64_t parse_uint(std::string_view flag, std::string_view text, std::uint64_t max) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    bad(flag, "expected a whole number, got '" + std::string(text) + "'");
  }
  if (value > max) bad(flag, "must be at most " + std::to_string(max));
  return value;
}

double parse_probability(std::string_view flag, std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    bad(flag, "expected a number between 0 and 1, got '" + std::string(text) + "'");
  }
  if (!(value >= 0.0 && value <= 1.0)) bad(flag, "must be between 0 and 1");
  return value;
}

ResetMode parse_reset_mode(std::string_view text) {
  if (text == "accept") return ResetMode::accept;
  if (text == "midstream") return ResetMode::midstream;
  if (text == "both") return ResetMode::both;
  bad("--reset-mode", "expected accept, midstream or both, got '" + std::string(text) + "'");
}

}  // namespace

Endpoint parse_loopback_endpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    bad("--target", "expected HOST:PORT such as 127.0.0.1:8443, got '" + std::string(text) + "'");
  }
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host != "127.0.0.1" && host != "::1") {
    bad("--target", "refusing host '" + std::string(host) +
                        "': only 127.0.0.1 and ::1 are allowed, so traffic never leaves this "
                        "machine");
  }
  const auto port = parse_uint("--target", text.substr(colon + 1), 65535);
  if (port == 0) bad("--target", "the port must be 1..65535");
  return Endpoint{std::string(host), static_cast<std::uint16_t>(port)};
}

Options parse_options(std::span<const std::string_view> args) {
  Options o;
  bool have_target = false;
  constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view flag = args[i];
    if (flag == "--help" || flag == "-h") {
      o.help = true;
      return o;
    }
    if (flag == "--verbose" || flag == "-v") {
      o.verbose = true;
      continue;
    }
    if (i + 1 >= args.size()) bad(flag, "missing value (see --help)");
    const std::string_view value = args[++i];
    if (flag == "--target") {
      o.target = parse_loopback_endpoint(value);
      have_target = true;
    } else if (flag == "--listen-port") {
      o.listen_port = static_cast<std::uint16_t>(parse_uint(flag, value, 65535));
    } else if (flag == "--latency-ms") {
      o.latency_ms = parse_uint(flag, value, 3'600'000);
    } else if (flag == "--bandwidth-bps") {
      o.bandwidth_bps = parse_uint(flag, value, 8'000'000'000'000);
    } else if (flag == "--burst-bytes") {
      o.burst_bytes = parse_uint(flag, value, 1'000'000'000);
    } else if (flag == "--reset-rate") {
      o.faults.reset_rate = parse_probability(flag, value);
    } else if (flag == "--reset-mode") {
      o.faults.reset_mode = parse_reset_mode(value);
    } else if (flag == "--truncate-rate") {
      o.faults.truncate_rate = parse_probability(flag, value);
    } else if (flag == "--drop-rate") {
      o.faults.drop_rate = parse_probability(flag, value);
    } else if (flag == "--cut-max-bytes") {
      o.faults.cut_max_bytes = parse_uint(flag, value, kMax - 1);
    } else if (flag == "--blackhole-ms") {
      o.blackhole_ms = parse_uint(flag, value, 3'600'000);
    } else if (flag == "--seed") {
      o.seed = parse_uint(flag, value, kMax);
    } else if (flag == "--stats-file") {
      if (value.empty()) bad(flag, "the path must not be empty");
      o.stats_file = std::string(value);
    } else {
      bad(flag, "unknown option (see --help)");
    }
  }
  if (!have_target) bad("--target", "required, e.g. --target 127.0.0.1:8443");
  if (o.bandwidth_bps != 0 && o.bandwidth_bps < 8) {
    bad("--bandwidth-bps", "must be 0 (unlimited) or at least 8 (one byte per second)");
  }
  return o;
}

std::uint64_t bytes_per_second(const Options& options) {
  return options.bandwidth_bps / 8;
}

std::uint64_t effective_burst_bytes(const Options& options) {
  if (options.burst_bytes != 0) return options.burst_bytes;
  return std::clamp<std::uint64_t>(bytes_per_second(options) / 50, 256, 1'000'000'000);
}

std::string usage() {
  return R"(usage: tongket-fault-proxy --target HOST:PORT [options]

Forwards TCP from 127.0.0.1:<listen-port> to HOST:PORT (127.0.0.1 or ::1 only) and injects
faults. TLS passes through untouched.

  --target HOST:PORT      where to forward (required): 127.0.0.1:PORT or [::1]:PORT
  --listen-port N         port to listen on at 127.0.0.1; 0 (default) picks a free one
  --latency-ms N          delay added to every chunk, one way, in each direction (default 0)
  --bandwidth-bps N       cap per direction in bits/s, shared by all connections; 0 = none
  --burst-bytes N         token bucket size (default: 1/50 s of bandwidth, at least 256)
  --reset-rate P          probability 0..1 that a connection is reset (RST)
  --reset-mode M          accept | midstream | both (default both): reset right after
                          accept, or after a random part of the server's response
  --truncate-rate P       probability the server->client stream is cut early with a FIN
  --cut-max-bytes N       midstream resets and truncations happen after 0..N response
                          bytes, drawn uniformly (default 65536)
  --drop-rate P           probability a connection is black-holed: accepted, nothing
                          forwarded, closed after --blackhole-ms
  --blackhole-ms N        how long a black-holed connection stays open (default 10000)
  --seed N                seed for the fault decisions (default 1); same seed, same faults
  --stats-file F          write counters as JSON to F on exit
  --verbose               log each connection's fate on stderr
  --help                  this text

Prints "listening on 127.0.0.1:<port>" on stdout once ready. Exits cleanly on SIGTERM/SIGINT.
)";
}

}  // namespace tongket::fault_proxy
