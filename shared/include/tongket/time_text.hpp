// Times as stored in logs and metadata: ISO 8601 in UTC, to the second.
#pragma once

#include <cstdint>
#include <string>

namespace tongket {

// "2026-11-28T10:05:00Z" for `ms` milliseconds since 1970 (UTC).
std::string utc_iso(std::uint64_t ms);

}  // namespace tongket
