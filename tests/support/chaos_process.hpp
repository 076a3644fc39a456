// A child process that a chaos test can SIGKILL at any moment: started in the background,
// stdout and stderr going to files (so a kill never blocks on a full pipe), reaped by the
// test. tongket::test::run() waits for its child; this one does not. A tongket::process::Child
// (tools/process/include/tongket/process/child.hpp: running, wait, wait_until, kill9, out,
// err, elapsed).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "process.hpp"
#include "tongket/process/child.hpp"

namespace tongket::test {

class KillableProcess : public process::Child {
 public:
  // Starts argv[0] with `options` (env, unset_env and cwd are honoured; stdin is /dev/null).
  // Output goes to <log_base>.out and <log_base>.err. Throws std::runtime_error if it cannot
  // be started.
  KillableProcess(const std::vector<std::string>& argv, const ProcessOptions& options,
                  const std::filesystem::path& log_base)
      : Child(argv, process::Output::files(log_base), options) {}
};

}  // namespace tongket::test
