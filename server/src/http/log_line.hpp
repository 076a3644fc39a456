// The server's log lines: one event per line, logfmt (`key=value`, space separated), so that a
// line can be read by an administrator and parsed by journald/Loki/grep alike:
//   ts=2026-11-30T14:50:01.123Z level=info msg=request request_id=4f2a... method=POST ...
// Every line about a request carries its request_id. Values are escaped for the terminal
// (terminal_text.hpp: the client's bytes can never act on it) and quoted when they hold a
// space, a quote or an equals sign, or are empty.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tongket::server {

using LogFields = std::vector<std::pair<std::string, std::string>>;

// `at_ms`: ms since 1970 (the caller's clock).
std::string log_line(std::uint64_t at_ms, std::string_view level, std::string_view msg,
                     const LogFields& fields = {});

// One logfmt value as written.
std::string log_value(std::string_view value);

}  // namespace tongket::server
