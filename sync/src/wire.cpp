#include "wire.hpp"

#include <set>
#include <string_view>
#include <vector>

#include "tongket/error.hpp"

namespace tongket::sync::wire {

namespace {

using json = nlohmann::json;

// Well-formed UTF-8 as RFC 3629 and Unicode table 3-7 define it (no overlong forms, no
// surrogates, nothing above U+10FFFF): the text nlohmann's dump() accepts.
bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xbf;  // bounds of the second byte
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) <= n) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (std::size_t i = 2; i <= n; ++i)
      if (p[i] < 0x80 || p[i] > 0xbf) return false;
    p += n + 1;
  }
  return true;
}

// A SAX pass that builds nothing: it only refuses excessive nesting, duplicate map keys and
// text that is not UTF-8 before the DOM parser (which recurses without a bound) sees the
// input. (Checking the text here, not by dumping the document, skips byte strings.)
class Guard {
 public:
  explicit Guard(std::size_t max_depth) : max_depth_(max_depth) {}
  std::string problem;

  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t, const json::string_t&) { return true; }
  bool string(json::string_t& s) { return text(s); }
  bool binary(json::binary_t&) { return true; }
  bool start_object(std::size_t) { return push(); }
  bool end_object() { return pop(); }
  bool start_array(std::size_t) { return push(); }
  bool end_array() { return pop(); }
  bool key(json::string_t& k) {
    if (!text(k)) return false;
    if (!keys_.back().insert(k).second) {
      problem = "duplicate map key \"" + k + "\"";
      return false;
    }
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    problem = "not well-formed at byte " + std::to_string(position) + " (" + e.what() + ")";
    return false;
  }

 private:
  bool text(const std::string& s) {
    if (valid_utf8(s)) return true;
    problem = "text that is not valid UTF-8";
    return false;
  }
  bool push() {
    if (keys_.size() >= max_depth_) {
      problem = "nested deeper than " + std::to_string(max_depth_) + " levels";
      return false;
    }
    keys_.emplace_back();
    return true;
  }
  bool pop() {
    keys_.pop_back();
    return true;
  }
  std::size_t max_depth_;
  std::vector<std::set<std::string>> keys_;
};

json parse(std::span<const std::uint8_t> bytes, std::size_t max_depth, const std::string& what,
           json::input_format_t format) {
  Guard guard(max_depth);
  bool ok = false;
  try {
    ok = json::sax_parse(bytes.begin(), bytes.end(), &guard, format, true);
  } catch (const json::exception& e) {
    throw Error(Errc::protocol, what + ": " + e.what());
  }
  if (!ok)
    throw Error(Errc::protocol,
                what + ": " + (guard.problem.empty() ? "malformed" : guard.problem));
  json doc;
  try {
    // Text was checked for UTF-8 above: the server later stores values as JSON.
    doc = format == json::input_format_t::cbor ? json::from_cbor(bytes.begin(), bytes.end())
                                               : json::parse(bytes.begin(), bytes.end());
  } catch (const json::exception& e) {
    throw Error(Errc::protocol, what + ": " + e.what());
  }
  return doc;
}

}  // namespace

json parse_cbor(std::span<const std::uint8_t> bytes, std::size_t max_depth,
                const std::string& what) {
  return parse(bytes, max_depth, what, json::input_format_t::cbor);
}

json parse_json(std::span<const std::uint8_t> bytes, std::size_t max_depth,
                const std::string& what) {
  return parse(bytes, max_depth, what, json::input_format_t::json);
}

Bytes to_bytes(const std::string& s) {
  return Bytes(s.begin(), s.end());
}

Fields::Fields(const json& obj, std::string what, std::string path)
    : obj_(obj), what_(std::move(what)), path_(std::move(path)) {}

Fields fields_of(const json& j, const std::string& what, const std::string& path) {
  if (!j.is_object())
    throw Error(Errc::protocol, what + ": " + (path.empty() ? "/" : path) + ": expected a map");
  return Fields(j, what, path);
}

std::string Fields::path_of(std::string_view key) const {
  return path_ + "/" + std::string(key);
}

void Fields::fail(std::string_view key, const std::string& problem) const {
  throw Error(Errc::protocol, what_ + ": " + path_of(key) + ": " + problem);
}

bool Fields::has(std::string_view key) const {
  return obj_.contains(key);
}

const json& Fields::any(std::string_view key) const {
  auto it = obj_.find(key);
  if (it == obj_.end()) fail(key, "missing");
  return *it;
}

std::uint64_t Fields::u64(std::string_view key) const {
  const json& v = any(key);
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0)
    return static_cast<std::uint64_t>(v.get<std::int64_t>());
  fail(key, "expected an unsigned integer");
}

std::optional<std::uint64_t> Fields::opt_u64(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return u64(key);
}

std::int64_t Fields::i64(std::string_view key) const {
  const json& v = any(key);
  if (v.is_number_integer() && !v.is_number_unsigned()) return v.get<std::int64_t>();
  if (v.is_number_unsigned() && v.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v.get<std::uint64_t>());
  fail(key, "expected an integer within 64 bits");
}

std::string Fields::text(std::string_view key, std::size_t max_len, bool allow_empty) const {
  const json& v = any(key);
  if (!v.is_string()) fail(key, "expected text");
  const auto& s = v.get_ref<const std::string&>();
  if (s.empty() && !allow_empty) fail(key, "must not be empty");
  if (s.size() > max_len) fail(key, "longer than " + std::to_string(max_len) + " bytes");
  return s;
}

std::optional<std::string> Fields::opt_text(std::string_view key, std::size_t max_len) const {
  if (!has(key)) return std::nullopt;
  return text(key, max_len, true);
}

std::string Fields::id(std::string_view key, std::size_t max_len) const {
  std::string s = text(key, max_len);
  for (char c : s)
    if (c < 0x21 || c > 0x7e) fail(key, "must be visible ASCII without spaces");
  return s;
}

Bytes Fields::bstr(std::string_view key, std::size_t max_len) const {
  const json& v = any(key);
  if (!v.is_binary()) fail(key, "expected a byte string");
  const auto& b = v.get_binary();
  if (b.size() > max_len) fail(key, "longer than " + std::to_string(max_len) + " bytes");
  return Bytes(b.begin(), b.end());
}

bool Fields::boolean(std::string_view key) const {
  const json& v = any(key);
  if (!v.is_boolean()) fail(key, "expected true or false");
  return v.get<bool>();
}

const json& Fields::array(std::string_view key, std::size_t max_items) const {
  const json& v = any(key);
  if (!v.is_array()) fail(key, "expected an array");
  if (v.size() > max_items) fail(key, "more than " + std::to_string(max_items) + " items");
  return v;
}

void Fields::only(std::initializer_list<std::string_view> allowed) const {
  for (const auto& [k, v] : obj_.items()) {
    bool known = false;
    for (auto a : allowed) known = known || a == k;
    if (!known) fail(k, "unknown key");
  }
}

}  // namespace tongket::sync::wire
