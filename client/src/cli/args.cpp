#include "cli/args.hpp"

#include <algorithm>

#include "tongket/error.hpp"

namespace tongket::cli {

bool ParsedArgs::has(std::string_view name) const {
  return std::find(given.begin(), given.end(), name) != given.end();
}

std::optional<std::string> ParsedArgs::value(std::string_view name) const {
  auto it = values.find(std::string(name));
  if (it == values.end()) return std::nullopt;
  return it->second;
}

ParsedArgs parse_args(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs) {
  ParsedArgs out;
  bool options_done = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_done || !arg.starts_with("--")) {
      out.positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    auto spec = std::find_if(specs.begin(), specs.end(),
                             [&](const OptionSpec& s) { return s.name == name; });
    if (spec == specs.end())
      throw Error(Errc::invalid_argument, "unknown option --" + name + " (see tongket --help)");
    out.given.push_back(name);
    if (!spec->takes_value) {
      if (inline_value) throw Error(Errc::invalid_argument, "--" + name + " takes no value");
      out.flags.insert(name);
      continue;
    }
    if (inline_value) {
      out.values[name] = *inline_value;
    } else if (i + 1 < args.size()) {
      out.values[name] = args[++i];
    } else {
      throw Error(Errc::invalid_argument,
                  "--" + name + " needs a value (" + spec->value_name + ")");
    }
  }
  return out;
}

}  // namespace tongket::cli
