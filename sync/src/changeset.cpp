#include "tongket/sync/changeset.hpp"

#include <cmath>
#include <limits>

#include "tongket/error.hpp"
#include "tongket/field.hpp"
#include "tongket/sync/crypto.hpp"
#include "wire.hpp"

namespace tongket::sync {

namespace {

using json = nlohmann::json;

constexpr std::uint8_t kMagic[4] = {'T', 'K', 'C', 'S'};
constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kHeader = 5;
// map -> "o" array -> op map -> value (itself up to kMaxValueDepth levels)
constexpr std::size_t kMaxDepth = 3 + kMaxValueDepth;
constexpr auto kInt64Max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

// The reason a value cannot travel, or empty: no byte strings (JSON replicas cannot hold
// them), no NaN or infinity, bounded nesting.
std::string value_problem(const json& v, std::size_t depth) {
  if (depth > kMaxValueDepth)
    return "value nested deeper than " + std::to_string(kMaxValueDepth) + " levels";
  if (v.is_binary()) return "a value cannot be a byte string";
  if (v.is_number_float() && !std::isfinite(v.get<double>()))
    return "a value cannot be NaN or infinite";
  if (v.is_structured())
    for (const auto& item : v) {
      auto p = value_problem(item, depth + 1);
      if (!p.empty()) return p;
    }
  return {};
}

bool visible_id(const std::string& s, std::size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  for (char c : s)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

void refuse(const std::string& path, const std::string& problem) {
  throw Error(Errc::invalid_argument, "change set: " + path + ": " + problem);
}

}  // namespace

Bytes encode(const ChangeSet& cs) {
  if (!visible_id(cs.device, kMaxIdLength)) refuse("/d", "device id must be 1-64 visible ASCII");
  if (!visible_id(cs.unit, kMaxIdLength)) refuse("/u", "unit code must be 1-64 visible ASCII");
  if (cs.seq == 0) refuse("/s", "sequence numbers start at 1");
  if (cs.author.size() > kMaxAuthorLength) refuse("/a", "author is too long");
  if (cs.ops.empty() || cs.ops.size() > kMaxOpsPerChangeSet)
    refuse("/o", "a change set holds 1 to " + std::to_string(kMaxOpsPerChangeSet) + " operations");
  if (cs.seq == 1 && cs.prev != Hash{}) refuse("/p", "the first change set has no previous hash");

  json ops = json::array();
  std::uint64_t prev_id = 0;
  for (std::size_t i = 0; i < cs.ops.size(); ++i) {
    const Operation& op = cs.ops[i];
    const std::string at = "/o/" + std::to_string(i);
    if (op.id <= prev_id) refuse(at + "/i", "operation ids must be strictly increasing from 1");
    if (!op.unit.empty() && !visible_id(op.unit, kMaxIdLength))
      refuse(at + "/u", "unit code must be 1-64 visible ASCII");
    if (op.field.size() > kMaxFieldKeyLength || !FieldKey::parse(op.field))
      refuse(at + "/f", "not a field key: \"" + op.field + "\"");
    if (auto p = value_problem(op.value, 0); !p.empty()) refuse(at + "/v", p);
    json m = json::object();
    // Ids and clocks as deltas: consecutive ids cost nothing, clocks a few bytes.
    if (op.id - prev_id != 1) m["i"] = op.id - prev_id;
    prev_id = op.id;
    if (!op.unit.empty() && op.unit != cs.unit) m["u"] = op.unit;
    m["f"] = op.field;
    m["v"] = op.value;
    if (op.base != 0) m["b"] = op.base;
    if (op.hlc != cs.hlc) {
      if (op.hlc > cs.hlc) {
        if (op.hlc - cs.hlc > kInt64Max) refuse(at + "/t", "clock too far from the change set's");
        m["t"] = op.hlc - cs.hlc;
      } else {
        if (cs.hlc - op.hlc > kInt64Max) refuse(at + "/t", "clock too far from the change set's");
        m["t"] = -static_cast<std::int64_t>(cs.hlc - op.hlc);
      }
    }
    if (op.resolves) m["r"] = *op.resolves;
    ops.push_back(std::move(m));
  }
  json doc = {{"d", cs.device},     {"u", cs.unit},
              {"s", cs.seq},        {"p", json::binary(Bytes(cs.prev.begin(), cs.prev.end()))},
              {"c", cs.hlc},        {"a", cs.author},
              {"o", std::move(ops)}};
  Bytes out(std::begin(kMagic), std::end(kMagic));
  out.push_back(kVersion);
  json::to_cbor(doc, out);
  if (out.size() > kMaxChangeSetBytes)
    throw Error(Errc::too_large, "change set " + std::to_string(cs.seq) + " is " +
                                     std::to_string(out.size()) + " bytes, over the limit of " +
                                     std::to_string(kMaxChangeSetBytes));
  return out;
}

ChangeSet decode(std::span<const std::uint8_t> bytes) {
  const std::string what = "change set";
  if (bytes.size() > kMaxChangeSetBytes)
    throw Error(Errc::protocol, what + ": " + std::to_string(bytes.size()) +
                                    " bytes, over the limit of " +
                                    std::to_string(kMaxChangeSetBytes));
  if (bytes.size() < kHeader || !std::equal(std::begin(kMagic), std::end(kMagic), bytes.begin()))
    throw Error(Errc::protocol, what + ": does not start with \"TKCS\"");
  if (bytes[4] != kVersion)
    throw Error(Errc::protocol, what + ": encoding version " + std::to_string(bytes[4]) +
                                    " is not supported (this build reads version 1)");
  json doc = wire::parse_cbor(bytes.subspan(kHeader), kMaxDepth, what);
  auto top = wire::fields_of(doc, what, "");
  top.only({"d", "u", "s", "p", "c", "a", "o"});

  ChangeSet cs;
  cs.device = top.id("d", kMaxIdLength);
  cs.unit = top.id("u", kMaxIdLength);
  cs.seq = top.u64("s");
  if (cs.seq == 0) top.fail("s", "sequence numbers start at 1");
  Bytes prev = top.bstr("p", 32);
  if (prev.size() != 32) top.fail("p", "expected 32 bytes");
  std::copy(prev.begin(), prev.end(), cs.prev.begin());
  if (cs.seq == 1 && cs.prev != Hash{}) top.fail("p", "must be 32 zero bytes when s = 1");
  cs.hlc = top.u64("c");
  cs.author = top.text("a", kMaxAuthorLength, true);
  const json& ops = top.array("o", kMaxOpsPerChangeSet);
  if (ops.empty()) top.fail("o", "a change set holds at least one operation");

  cs.ops.reserve(ops.size());
  std::uint64_t prev_id = 0;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    auto f = wire::fields_of(ops[i], what, "/o/" + std::to_string(i));
    f.only({"i", "u", "f", "v", "b", "t", "r"});
    Operation op;
    std::uint64_t delta = f.opt_u64("i").value_or(1);
    if (delta == 0) f.fail("i", "operation ids must be strictly increasing");
    if (delta > std::numeric_limits<std::uint64_t>::max() - prev_id)
      f.fail("i", "operation id overflows 64 bits");
    op.id = prev_id + delta;
    prev_id = op.id;
    if (f.has("u")) {
      op.unit = f.id("u", kMaxIdLength);
      if (op.unit == cs.unit) f.fail("u", "must be omitted when equal to the change set's unit");
    }
    op.field = f.text("f", kMaxFieldKeyLength);
    if (!FieldKey::parse(op.field)) f.fail("f", "not a field key: \"" + op.field + "\"");
    op.value = f.any("v");
    if (auto p = value_problem(op.value, 0); !p.empty()) f.fail("v", p);
    op.base = f.opt_u64("b").value_or(0);
    if (f.has("t")) {
      std::int64_t t = f.i64("t");
      if (t == 0) f.fail("t", "must be omitted when 0");
      if (t > 0) {
        auto d = static_cast<std::uint64_t>(t);
        if (d > std::numeric_limits<std::uint64_t>::max() - cs.hlc)
          f.fail("t", "clock overflows 64 bits");
        op.hlc = cs.hlc + d;
      } else {
        // -(t + 1) + 1 avoids negating INT64_MIN.
        std::uint64_t d = static_cast<std::uint64_t>(-(t + 1)) + 1;
        if (d > cs.hlc) f.fail("t", "clock below zero");
        op.hlc = cs.hlc - d;
      }
    } else {
      op.hlc = cs.hlc;
    }
    op.resolves = f.opt_u64("r");
    cs.ops.push_back(std::move(op));
  }
  return cs;
}

Hash SignedChangeSet::hash() const {
  return sha256(bytes);
}

SignedChangeSet sign_change_set(const ChangeSet& cs, const SigningKey& key) {
  SignedChangeSet out;
  out.bytes = encode(cs);
  out.signature = key.sign(out.bytes);
  return out;
}

bool verify_change_set(const SignedChangeSet& scs, std::span<const std::uint8_t> public_key_raw32) {
  return verify_signature(public_key_raw32, scs.bytes, scs.signature);
}

bool verify_change_set(const SignedChangeSet& scs, const VerifyKey& key) {
  return key.verify(scs.bytes, scs.signature);
}

}  // namespace tongket::sync
