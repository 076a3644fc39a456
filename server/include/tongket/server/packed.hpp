// Values and change sets in the compact forms a store may keep them in. Packing is pure CPU
// and needs no stored state, so the protocol layer does it in prepare(), on the HTTP request
// threads, and hands the forms to the store (store.hpp: append_event, StoredChangeSet::packed):
// the single store thread then only writes (issue 13). A backend may use them or store the
// plain form; every packed form read back is checked and unpacked here.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tongket/sync/bytes.hpp"

namespace tongket::server {

using sync::Bytes;

// A value as stored: its JSON text, and that text gzipped when it is long enough for gzip to
// gain a tenth or more (the narrative sections: 2-3 KB of prose shrink about 2x), else empty.
struct PackedValue {
  std::string json;
  Bytes deflated;
};
PackedValue pack_value(const nlohmann::json& value);
// The value back from its stored forms: `deflated` when not empty, else `json`.
// Error(store_corrupt) when either does not read back.
nlohmann::json unpack_value(std::string_view json, std::span<const std::uint8_t> deflated);

// A change set's signed bytes gzipped: a 22 KB report shrinks about 3x.
Bytes pack_change_set(std::span<const std::uint8_t> bytes);
// The bytes as signed; Error(store_corrupt) when the stored form does not inflate to exactly
// `plain_size` bytes. Verification, audit and a duplicate re-push need exactly these bytes.
Bytes unpack_change_set(std::span<const std::uint8_t> stored, std::int64_t plain_size);

}  // namespace tongket::server
