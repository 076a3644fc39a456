// gzip (RFC 1952) via zlib, with a bound on the decompressed size against zip bombs.
#pragma once

#include <cstddef>
#include <span>

#include "tongket/sync/bytes.hpp"

namespace tongket::sync {

// level: zlib's 1 (fastest) to 9 (smallest); 6 is zlib's default.
Bytes gzip(std::span<const std::uint8_t> data, int level = 6);
// Output over max_output -> Error(too_large); corrupt or truncated input -> Error(protocol).
Bytes gunzip(std::span<const std::uint8_t> data, std::size_t max_output);

}  // namespace tongket::sync
