#include "process.hpp"

namespace tongket::test {

ProcessResult run(const std::vector<std::string>& argv, const std::string& stdin_text,
                  const std::map<std::string, std::string>& env) {
  ProcessOptions options;
  options.stdin_text = stdin_text;
  options.env = env;
  return process::run(argv, options);
}

}  // namespace tongket::test
