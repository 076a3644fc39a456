// A change set's signed bytes as the store keeps them (schema v5): gzipped, beside their length.
// Verification, audit and a duplicate re-push need exactly the signed bytes back.
#pragma once

#include <cstdint>
#include <span>

#include "tongket/sync/bytes.hpp"

namespace tongket::server {

using sync::Bytes;

// Fast zlib level: the store thread compresses every change set it records.
Bytes compress_change_set(std::span<const std::uint8_t> bytes);
// The bytes as signed; Error(store_corrupt) when the stored form does not inflate to exactly
// `plain_size` bytes.
Bytes restore_change_set(std::span<const std::uint8_t> stored, std::int64_t plain_size);

}  // namespace tongket::server
