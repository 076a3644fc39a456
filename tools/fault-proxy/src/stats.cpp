#include "fault_proxy/stats.hpp"

#include <cstdio>
#include <fstream>
#include <utility>
#include <vector>

#include "tongket/error.hpp"

namespace tongket::fault_proxy {

std::string to_json(const Stats& s) {
  // Only fixed keys and unsigned integers, so there is nothing to escape.
  const std::vector<std::pair<const char*, std::uint64_t>> fields = {
      {"connections", s.connections},
      {"resets_injected", s.resets_injected},
      {"resets_on_accept", s.resets_on_accept},
      {"resets_midstream", s.resets_midstream},
      {"truncations", s.truncations},
      {"blackholes", s.blackholes},
      {"upstream_failures", s.upstream_failures},
      {"bytes_client_to_server", s.bytes_client_to_server},
      {"bytes_server_to_client", s.bytes_server_to_client},
  };
  std::string out = "{";
  for (std::size_t i = 0; i < fields.size(); ++i) {
    out += i == 0 ? "\n  \"" : ",\n  \"";
    out += fields[i].first;
    out += "\": ";
    out += std::to_string(fields[i].second);
  }
  out += "\n}\n";
  return out;
}

void write_stats_file(const std::string& path, const Stats& stats) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << to_json(stats);
    out.flush();
    if (!out) throw Error(Errc::io_error, "cannot write the stats file " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    throw Error(Errc::io_error, "cannot rename " + tmp + " to the stats file " + path);
  }
}

}  // namespace tongket::fault_proxy
