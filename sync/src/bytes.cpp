#include "tongket/sync/bytes.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "tongket/error.hpp"

namespace tongket::sync {

namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}
}  // namespace

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 0x0f];
  }
  return out;
}

Bytes bytes_from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) throw Error(Errc::protocol, "hex string has an odd length");
  Bytes out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = hex_digit(hex[2 * i]);
    int lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      throw Error(Errc::protocol, "not a hex digit at position " + std::to_string(2 * i));
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

Hash hash_from_hex(std::string_view hex) {
  if (hex.size() != 64)
    throw Error(Errc::protocol,
                "a hash must be 64 hex digits, got " + std::to_string(hex.size()) + " characters");
  Bytes b = bytes_from_hex(hex);
  Hash h{};
  std::copy(b.begin(), b.end(), h.begin());
  return h;
}

std::string base64_encode(std::span<const std::uint8_t> bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

Bytes base64_decode(std::string_view text) {
  // EVP_DecodeBlock skips whitespace and does not report padding: check the shape first.
  if (text.size() % 4 != 0) throw Error(Errc::protocol, "base64 length is not a multiple of 4");
  std::size_t pad = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '=') {
      if (i + 2 < text.size()) throw Error(Errc::protocol, "base64 padding in the middle");
      ++pad;
    } else if (!is_base64_char(c) || pad > 0) {
      throw Error(Errc::protocol, "not a base64 character at position " + std::to_string(i));
    }
  }
  if (text.empty()) return {};
  Bytes out(text.size() / 4 * 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0 || static_cast<std::size_t>(n) < pad) throw Error(Errc::protocol, "invalid base64");
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

Bytes random_bytes(std::size_t n) {
  Bytes out(n);
  if (n > 0 && RAND_bytes(out.data(), static_cast<int>(n)) != 1)
    throw Error(Errc::internal, "the system random generator failed");
  return out;
}

std::string random_id() {
  return to_hex(random_bytes(16));
}

}  // namespace tongket::sync
