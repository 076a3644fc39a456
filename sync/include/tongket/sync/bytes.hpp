// Byte strings, hashes and their text forms (hex, base64), and random bytes for ids and tokens.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tongket::sync {

using Bytes = std::vector<std::uint8_t>;
using Hash = std::array<std::uint8_t, 32>;

inline std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Lower-case hex.
std::string to_hex(std::span<const std::uint8_t> bytes);
// Exactly 64 hex digits (either case) -> hash; anything else throws Error(protocol).
Hash hash_from_hex(std::string_view hex);
// Any even-length hex string -> bytes; anything else throws Error(protocol).
Bytes bytes_from_hex(std::string_view hex);

// Standard base64 with padding, no line breaks.
std::string base64_encode(std::span<const std::uint8_t> bytes);
// Strict: only the standard alphabet with correct padding; garbage throws Error(protocol).
Bytes base64_decode(std::string_view text);

// Cryptographically random bytes (OpenSSL RAND_bytes); failure throws Error(internal).
Bytes random_bytes(std::size_t n);
// 16 random bytes as 32 hex digits: device ids, server ids, enrollment tokens.
std::string random_id();

}  // namespace tongket::sync
