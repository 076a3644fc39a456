// Counters the proxy reports on exit, so a test or benchmark can check what was injected.
#pragma once

#include <cstdint>
#include <string>

namespace tongket::fault_proxy {

struct Stats {
  std::uint64_t connections = 0;      // accepted from clients
  std::uint64_t resets_injected = 0;  // on accept + midstream
  std::uint64_t resets_on_accept = 0;
  std::uint64_t resets_midstream = 0;
  std::uint64_t truncations = 0;             // server->client streams cut with a FIN
  std::uint64_t blackholes = 0;              // connections dropped silently
  std::uint64_t upstream_failures = 0;       // the target refused or failed the connection
  std::uint64_t bytes_client_to_server = 0;  // forwarded, not merely received
  std::uint64_t bytes_server_to_client = 0;
};

// One flat JSON object with the fields above.
std::string to_json(const Stats& stats);
// Writes to_json(stats) to `path` via a temporary file and rename, so a reader never sees
// half a file. Throws tongket::Error(io_error).
void write_stats_file(const std::string& path, const Stats& stats);

}  // namespace tongket::fault_proxy
