// Command-line parsing: long options (--name VALUE, --name=VALUE, --flag) anywhere on the line,
// everything else positional. "-3" and "-" are positional (a negative number, stdin), and "--"
// ends the options.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tongket::cli {

struct OptionSpec {
  std::string name;  // without the dashes
  bool takes_value = false;
  std::string value_name;  // for help: "PATH"
  std::string help;        // a catalogue id (help.opt.*): shown through message()
};

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;  // options given with a value
  std::set<std::string> flags;                // options given without one
  std::vector<std::string> given;             // every option name, in order

  bool has(std::string_view name) const;
  std::optional<std::string> value(std::string_view name) const;
  // The option's value as a whole number in [min, max], `fallback` when absent. Throws
  // Error(invalid_argument, "--NAME X: give a whole number from MIN to MAX") otherwise.
  std::uint64_t number(std::string_view name, std::uint64_t fallback, std::uint64_t min,
                       std::uint64_t max) const;
};

// `text` as a whole number in [min, max]; `what` names it in the error ("conflict id").
std::uint64_t parse_number(std::string_view text, std::string_view what, std::uint64_t min,
                           std::uint64_t max);

// Throws Error(invalid_argument) for an unknown option or a missing value.
ParsedArgs parse_args(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs);

}  // namespace tongket::cli
