#include "tongket/server/packed.hpp"

#include <string>

#include "tongket/error.hpp"
#include "tongket/sync/compression.hpp"

namespace tongket::server {

namespace {

// Shorter texts gain too little for the inflate every read of them would cost.
constexpr std::size_t kPackFrom = 256;
// A stored value is at most a change set's worth of text.
constexpr std::size_t kMaxValueBytes = 16 * 1024 * 1024;
// zlib's fastest level. Level 6 measured 7% smaller change sets, no smaller pull log, and
// 40% more CPU in prepare() (docs/benchmarks.md).
constexpr int kLevel = 1;

Error damaged(const std::string& what, const std::string& why) {
  return Error(Errc::store_corrupt, "store: " + what + " is damaged (" + why +
                                        "): run `tongket-server audit`, or restore a backup");
}

}  // namespace

PackedValue pack_value(const nlohmann::json& value) {
  PackedValue p{value.dump(), {}};
  if (p.json.size() >= kPackFrom) {
    Bytes z = sync::gzip(sync::as_bytes(p.json), kLevel);
    if (z.size() * 10 <= p.json.size() * 9) p.deflated = std::move(z);
  }
  return p;
}

nlohmann::json unpack_value(std::string_view json, std::span<const std::uint8_t> deflated) {
  std::string text;
  if (!deflated.empty()) {
    try {
      const Bytes plain = sync::gunzip(deflated, kMaxValueBytes);
      text.assign(plain.begin(), plain.end());
    } catch (const Error& e) {
      throw damaged("a stored value", e.what());
    }
    json = text;
  }
  try {
    return nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& e) {
    throw damaged("a stored value", e.what());
  }
}

Bytes pack_change_set(std::span<const std::uint8_t> bytes) {
  return sync::gzip(bytes, kLevel);
}

Bytes unpack_change_set(std::span<const std::uint8_t> stored, std::int64_t plain_size) {
  const std::string what = "a change set's stored bytes";
  if (plain_size < 0) throw damaged(what, "no length");
  Bytes out;
  try {
    out = sync::gunzip(stored, static_cast<std::size_t>(plain_size));
  } catch (const Error& e) {
    throw damaged(what, e.what());
  }
  if (out.size() != static_cast<std::size_t>(plain_size))
    throw damaged(what, std::to_string(out.size()) + " bytes where " + std::to_string(plain_size) +
                            " were stored");
  return out;
}

}  // namespace tongket::server
