// The server certificate (with its chain) and key, parsed once at start-up: cpprestsdk builds
// a new SSL context per connection, and reading PEM files there costs ~1.3 ms each time.
#pragma once

#include <openssl/ssl.h>

#include <filesystem>
#include <memory>
#include <vector>

namespace tongket::server {

class TlsIdentity {
 public:
  // Throws Error(tls) naming the file if it cannot be read, or if key and certificate differ.
  static std::shared_ptr<TlsIdentity> load(const std::filesystem::path& cert_file,
                                           const std::filesystem::path& key_file);
  ~TlsIdentity();
  TlsIdentity(const TlsIdentity&) = delete;
  TlsIdentity& operator=(const TlsIdentity&) = delete;

  // Installs certificate, chain and key in a fresh context; minimum TLS 1.2. Never throws
  // (it runs inside cpprestsdk's accept path); false if OpenSSL refused something, and the
  // handshake then fails for that connection only.
  bool configure(SSL_CTX* ctx) const noexcept;

 private:
  TlsIdentity() = default;
  X509* cert_ = nullptr;
  std::vector<X509*> chain_;
  EVP_PKEY* key_ = nullptr;
};

}  // namespace tongket::server
