// The `tongket` command line as a function, so that main() is one line and tests can run it
// in-process.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace tongket::cli {

// Runs the command in `args` (argv without the program name); returns the exit code
// (0 ok, 2 bad input, 3 validation failed, 4 store/template/file, 5 network, 6 not
// authorised, 7 locked/conflict, 8 internal).
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        std::istream& in);

}  // namespace tongket::cli
