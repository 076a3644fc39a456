// Private helpers for the strict decoders: bounded parsing of CBOR/JSON (depth, duplicate keys,
// UTF-8) and typed field access that names the path of a defect.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tongket/sync/bytes.hpp"

namespace tongket::sync::wire {

// Throws Error(protocol, "<what>: ...") for anything that is not one well-formed item within
// max_depth, with unique map keys and valid UTF-8 text.
nlohmann::json parse_cbor(std::span<const std::uint8_t> bytes, std::size_t max_depth,
                          const std::string& what);
nlohmann::json parse_json(std::span<const std::uint8_t> bytes, std::size_t max_depth,
                          const std::string& what);

Bytes to_bytes(const std::string& s);

// Typed access to one map of a message; every failure names "<what>: <path>/<key>: ...".
class Fields {
 public:
  Fields(const nlohmann::json& obj, std::string what, std::string path);

  [[noreturn]] void fail(std::string_view key, const std::string& problem) const;
  bool has(std::string_view key) const;
  const nlohmann::json& any(std::string_view key) const;  // required, any type
  std::uint64_t u64(std::string_view key) const;
  std::optional<std::uint64_t> opt_u64(std::string_view key) const;
  std::int64_t i64(std::string_view key) const;
  std::string text(std::string_view key, std::size_t max_len, bool allow_empty = false) const;
  std::optional<std::string> opt_text(std::string_view key, std::size_t max_len) const;
  // An identifier: 1..max_len visible ASCII characters (no spaces).
  std::string id(std::string_view key, std::size_t max_len) const;
  Bytes bstr(std::string_view key, std::size_t max_len) const;
  bool boolean(std::string_view key) const;
  const nlohmann::json& array(std::string_view key, std::size_t max_items) const;
  // Refuses keys outside `allowed` (for signed, canonical encodings).
  void only(std::initializer_list<std::string_view> allowed) const;
  std::string path_of(std::string_view key) const;

 private:
  const nlohmann::json& obj_;
  std::string what_;
  std::string path_;
};

// Fails unless j is a map; returns Fields for it.
Fields fields_of(const nlohmann::json& j, const std::string& what, const std::string& path);

}  // namespace tongket::sync::wire
