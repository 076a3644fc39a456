// SHA-256 and Ed25519 (OpenSSL 3). Signatures are detached, 64 bytes; public keys are the raw
// 32 bytes; private keys travel only as PKCS#8 PEM.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "tongket/sync/bytes.hpp"

namespace tongket::sync {

Hash sha256(std::span<const std::uint8_t> data);

class SigningKey {
 public:
  static SigningKey generate();
  // Throws Error(invalid_argument) if the PEM is not an Ed25519 private key.
  static SigningKey from_pem(const std::string& pem);

  std::string private_pem() const;
  Bytes public_key() const;                                 // raw 32 bytes
  Bytes sign(std::span<const std::uint8_t> message) const;  // 64 bytes

  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  ~SigningKey();
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;

 private:
  struct Impl;
  explicit SigningKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// An Ed25519 public key parsed once (OpenSSL's EVP_PKEY built at construction), for a server
// that verifies many signatures of one device. Immutable after construction: verify() may run
// on several threads at once (each call uses its own digest context; OpenSSL reads a shared
// EVP_PKEY without changing it).
class VerifyKey {
 public:
  // Throws Error(invalid_argument) unless `public_key_raw32` is a 32-byte Ed25519 key.
  explicit VerifyKey(std::span<const std::uint8_t> public_key_raw32);
  ~VerifyKey();
  VerifyKey(const VerifyKey&) = delete;
  VerifyKey& operator=(const VerifyKey&) = delete;

  const Bytes& raw() const { return raw_; }
  // False (never throws) for a tampered message or a signature of the wrong size.
  bool verify(std::span<const std::uint8_t> message, std::span<const std::uint8_t> signature) const;

 private:
  struct Impl;
  Bytes raw_;
  std::unique_ptr<Impl> impl_;
};

// False (never throws) for a wrong key, a tampered message, or a key/signature of the wrong size.
bool verify_signature(std::span<const std::uint8_t> public_key_raw32,
                      std::span<const std::uint8_t> message,
                      std::span<const std::uint8_t> signature);

}  // namespace tongket::sync
