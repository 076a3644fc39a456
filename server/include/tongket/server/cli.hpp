// The tongket-server command line (see `tongket-server --help`).
#pragma once

#include <iosfwd>

namespace tongket::server {

// Runs one command; returns the process exit code. Errors go to `err` as one line a user can
// act on, with the exit code of tongket::exit_code().
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace tongket::server
