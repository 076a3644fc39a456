// Runs a program as a child process and captures what it did: for tests that exercise the
// real binaries (TONGKET_CLIENT_BIN, TONGKET_SERVER_BIN). The test-facing names of
// tongket::process (tools/process/include/tongket/process/process.hpp: the spawning contract).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tongket/process/ports.hpp"
#include "tongket/process/process.hpp"

namespace tongket::test {

using ProcessResult = process::Result;
using ProcessOptions = process::Options;
using process::child_environment;
using process::free_port;
using process::run;  // run(argv, options): throws if it cannot start or times out (60 s)

// run() with only stdin and extra environment variables.
ProcessResult run(const std::vector<std::string>& argv, const std::string& stdin_text = {},
                  const std::map<std::string, std::string>& env = {});

}  // namespace tongket::test
