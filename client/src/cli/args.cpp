#include "cli/args.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "tongket/error.hpp"
#include "tongket/messages.hpp"

namespace tongket::cli {

namespace {

// Option errors come before any Workspace exists: the CLI's language is the environment's.
std::string say(std::string_view id, std::initializer_list<std::string_view> args) {
  return client::message(client::language_from_environment(), id, args);
}

}  // namespace

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
    if (spec == specs.end()) throw Error(Errc::invalid_argument, say("cli.option.unknown", {name}));
    out.given.push_back(name);
    if (!spec->takes_value) {
      if (inline_value) throw Error(Errc::invalid_argument, say("cli.option.no_value", {name}));
      out.flags.insert(name);
      continue;
    }
    if (inline_value) {
      out.values[name] = *inline_value;
    } else if (i + 1 < args.size()) {
      out.values[name] = args[++i];
    } else {
      throw Error(Errc::invalid_argument, say("cli.option.needs_value", {name, spec->value_name}));
    }
  }
  return out;
}

std::uint64_t parse_number(std::string_view text, std::string_view what, std::uint64_t min,
                           std::uint64_t max) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < min || v > max)
    throw Error(Errc::invalid_argument,
                say("cli.number", {what, text, std::to_string(min), std::to_string(max)}));
  return v;
}

std::uint64_t ParsedArgs::number(std::string_view name, std::uint64_t fallback, std::uint64_t min,
                                 std::uint64_t max) const {
  auto v = value(name);
  return v ? parse_number(*v, "--" + std::string(name), min, max) : fallback;
}

}  // namespace tongket::cli
