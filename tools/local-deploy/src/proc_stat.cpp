#include "tongket/local/proc_stat.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace tongket::local {

namespace {

// The fields of /proc/<pid>/stat after "pid (comm)" (comm may hold spaces and parentheses, so
// the split is after the last ')'): [0] is the state, [1] the parent, [11..14] utime, stime,
// cutime, cstime. Empty if the process is gone.
std::vector<std::string> stat_fields(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = stat.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(stat.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;
}

}  // namespace

std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    auto fields = stat_fields(std::stoi(name));
    if (fields.size() > 1 && std::stol(fields[1]) == parent) out.push_back(std::stoi(name));
  }
  return out;
}

double cpu_seconds(pid_t pid, bool reaped_children) {
  auto fields = stat_fields(pid);
  if (fields.size() < 15) return 0;
  double ticks = std::stod(fields[11]) + std::stod(fields[12]);
  if (reaped_children) ticks += std::stod(fields[13]) + std::stod(fields[14]);
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace tongket::local
