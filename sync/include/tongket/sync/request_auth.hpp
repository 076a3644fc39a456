// Request authentication: every request but enroll is signed by the device's key over
// method, path, device, counter and sha256 of the body as sent (docs/protocol.md).
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "tongket/sync/bytes.hpp"

namespace tongket::sync {

class SigningKey;
class VerifyKey;

inline constexpr const char* kHeaderDevice = "X-Tongket-Device";
inline constexpr const char* kHeaderCounter = "X-Tongket-Counter";
inline constexpr const char* kHeaderSignature = "X-Tongket-Signature";

// "TONGKET-REQ-1\n" method "\n" path "\n" device "\n" counter "\n" hex(sha256(body))
std::string signing_string(std::string_view method, std::string_view path, std::string_view device,
                           std::uint64_t counter, std::span<const std::uint8_t> body);

// The three X-Tongket-* headers for a request.
std::map<std::string, std::string> sign_request(const SigningKey& key, std::string_view method,
                                                std::string_view path, std::string_view device,
                                                std::uint64_t counter,
                                                std::span<const std::uint8_t> body);

// Strict decimal (no sign, no spaces, no leading zeros, fits 64 bits); else Error(protocol).
std::uint64_t parse_counter(std::string_view text);

// False for a bad base64 signature, a wrong key or any changed input. Counter freshness is the
// caller's check.
bool verify_request(std::span<const std::uint8_t> public_key_raw32,
                    std::string_view signature_base64, std::string_view method,
                    std::string_view path, std::string_view device, std::uint64_t counter,
                    std::span<const std::uint8_t> body);
// The same with a key parsed once (a server's cache of device keys).
bool verify_request(const VerifyKey& key, std::string_view signature_base64,
                    std::string_view method, std::string_view path, std::string_view device,
                    std::uint64_t counter, std::span<const std::uint8_t> body);

}  // namespace tongket::sync
