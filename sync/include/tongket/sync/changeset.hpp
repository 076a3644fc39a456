// A change set: the signed unit of sync. One device's operations, chained to the device's
// previous change set by hash. Encoding: "TKCS", version 1, then a CBOR map (docs/protocol.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tongket/sync/bytes.hpp"

namespace tongket::sync {

class SigningKey;
class VerifyKey;

// Bounds every decoder enforces (and every encoder respects).
inline constexpr std::size_t kMaxChangeSetBytes = 256 * 1024;
inline constexpr std::size_t kMaxOpsPerChangeSet = 4096;
inline constexpr std::size_t kMaxIdLength = 64;       // device id, unit code
inline constexpr std::size_t kMaxAuthorLength = 200;  // bytes of UTF-8
inline constexpr std::size_t kMaxFieldKeyLength = 200;
inline constexpr std::size_t kMaxValueDepth = 16;  // nesting of a value (rows are objects)

struct Operation {
  std::uint64_t id = 0;    // unique per device; strictly increasing within a change set
  std::string unit;        // empty = the change set's unit
  std::string field;       // tongket::FieldKey string, e.g. "v:PL3.5.a.1:2016"
  nlohmann::json value;    // null clears
  std::uint64_t base = 0;  // version of the field the device last saw; 0 = never seen
  std::uint64_t hlc = 0;
  std::optional<std::uint64_t> resolves;  // conflict id this operation resolves

  bool operator==(const Operation&) const = default;
};

struct ChangeSet {
  std::string device;
  std::string unit;
  std::uint64_t seq = 0;  // 1, 2, ... per device
  Hash prev{};            // hash of the device's previous change set; zeros for seq 1
  std::uint64_t hlc = 0;
  std::string author;
  std::vector<Operation> ops;

  bool operator==(const ChangeSet&) const = default;
};

// Throws Error(invalid_argument) if the change set breaks a rule decode() enforces
// (so a device never signs what the server will call malformed).
Bytes encode(const ChangeSet& cs);
// Validates everything; throws Error(protocol, "change set: /o/3/f: ...") on any defect.
// Safe on arbitrary bytes.
ChangeSet decode(std::span<const std::uint8_t> bytes);

// The operation's unit, resolving the "same as the change set" shorthand.
inline const std::string& unit_of(const ChangeSet& cs, const Operation& op) {
  return op.unit.empty() ? cs.unit : op.unit;
}

struct SignedChangeSet {
  Bytes bytes;        // exactly as signed
  Bytes signature;    // Ed25519, 64 bytes
  Hash hash() const;  // sha256(bytes)

  bool operator==(const SignedChangeSet&) const = default;
};

SignedChangeSet sign_change_set(const ChangeSet& cs, const SigningKey& key);
bool verify_change_set(const SignedChangeSet& scs, std::span<const std::uint8_t> public_key_raw32);
// The same with a key parsed once.
bool verify_change_set(const SignedChangeSet& scs, const VerifyKey& key);

}  // namespace tongket::sync
