#include "tongket/sync/request_auth.hpp"

#include <charconv>

#include "tongket/error.hpp"
#include "tongket/sync/crypto.hpp"

namespace tongket::sync {

std::string signing_string(std::string_view method, std::string_view path, std::string_view device,
                           std::uint64_t counter, std::span<const std::uint8_t> body) {
  std::string s = "TONGKET-REQ-1\n";
  s.append(method).append("\n");
  s.append(path).append("\n");
  s.append(device).append("\n");
  s.append(std::to_string(counter)).append("\n");
  s.append(to_hex(sha256(body)));
  return s;
}

std::map<std::string, std::string> sign_request(const SigningKey& key, std::string_view method,
                                                std::string_view path, std::string_view device,
                                                std::uint64_t counter,
                                                std::span<const std::uint8_t> body) {
  std::string msg = signing_string(method, path, device, counter, body);
  return {{kHeaderDevice, std::string(device)},
          {kHeaderCounter, std::to_string(counter)},
          {kHeaderSignature, base64_encode(key.sign(as_bytes(msg)))}};
}

namespace {

// The request's signature checked over its signing string by `verify(message, signature)`; a
// signature that is not base64 never verifies.
template <typename Verify>
bool verify_signed(std::string_view signature_base64, std::string_view method,
                   std::string_view path, std::string_view device, std::uint64_t counter,
                   std::span<const std::uint8_t> body, Verify&& verify) {
  Bytes sig;
  try {
    sig = base64_decode(signature_base64);
  } catch (const Error&) {
    return false;
  }
  const std::string msg = signing_string(method, path, device, counter, body);
  return verify(as_bytes(msg), sig);
}

}  // namespace

std::uint64_t parse_counter(std::string_view text) {
  std::uint64_t v = 0;
  if (text.empty() || text.size() > 20 || (text.size() > 1 && text[0] == '0'))
    throw Error(Errc::protocol, "request counter must be a decimal number without leading zeros");
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size())
    throw Error(Errc::protocol, "request counter is not a 64-bit decimal number");
  return v;
}

bool verify_request(std::span<const std::uint8_t> public_key_raw32,
                    std::string_view signature_base64, std::string_view method,
                    std::string_view path, std::string_view device, std::uint64_t counter,
                    std::span<const std::uint8_t> body) {
  return verify_signed(signature_base64, method, path, device, counter, body,
                       [&](std::span<const std::uint8_t> msg, const Bytes& sig) {
                         return verify_signature(public_key_raw32, msg, sig);
                       });
}

bool verify_request(const VerifyKey& key, std::string_view signature_base64,
                    std::string_view method, std::string_view path, std::string_view device,
                    std::uint64_t counter, std::span<const std::uint8_t> body) {
  return verify_signed(
      signature_base64, method, path, device, counter, body,
      [&](std::span<const std::uint8_t> msg, const Bytes& sig) { return key.verify(msg, sig); });
}

}  // namespace tongket::sync
