#include "http/tls.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <cstdio>
#include <string>

#include "tongket/error.hpp"

namespace tongket::server {

namespace {

constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

std::string openssl_error() {
  unsigned long e = ERR_get_error();
  if (!e) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

struct File {
  explicit File(const std::filesystem::path& p) : f(std::fopen(p.c_str(), "rb")) {}
  ~File() {
    if (f) std::fclose(f);
  }
  std::FILE* f;
};

}  // namespace

std::shared_ptr<TlsIdentity> TlsIdentity::load(const std::filesystem::path& cert_file,
                                               const std::filesystem::path& key_file) {
  std::shared_ptr<TlsIdentity> id(new TlsIdentity());
  {
    File f(cert_file);
    if (!f.f) throw Error(Errc::tls, "cannot read certificate " + cert_file.string());
    id->cert_ = PEM_read_X509(f.f, nullptr, nullptr, nullptr);
    if (!id->cert_)
      throw Error(Errc::tls,
                  "no PEM certificate in " + cert_file.string() + ": " + openssl_error());
    // The rest of the file is the chain up to (not necessarily including) the root.
    while (X509* extra = PEM_read_X509(f.f, nullptr, nullptr, nullptr)) id->chain_.push_back(extra);
    ERR_clear_error();  // the loop ends on "no start line"
  }
  {
    File f(key_file);
    if (!f.f) throw Error(Errc::tls, "cannot read private key " + key_file.string());
    id->key_ = PEM_read_PrivateKey(f.f, nullptr, nullptr, nullptr);
    if (!id->key_)
      throw Error(Errc::tls, "no PEM private key in " + key_file.string() + ": " + openssl_error());
  }
  if (X509_check_private_key(id->cert_, id->key_) != 1)
    throw Error(Errc::tls, "the key " + key_file.string() + " does not belong to the certificate " +
                               cert_file.string());
  return id;
}

TlsIdentity::~TlsIdentity() {
  X509_free(cert_);
  for (X509* x : chain_) X509_free(x);
  EVP_PKEY_free(key_);
}

bool TlsIdentity::configure(SSL_CTX* ctx) const noexcept {
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // TLS 1.2: forward-secret AEAD suites only (no CBC: Lucky13-style padding oracles); the same
  // list as deploy/nginx. TLS 1.3 suites are AEAD by design and stay OpenSSL's default.
  bool ok = SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) == 1;
  // use_certificate/use_PrivateKey/add1_chain_cert take their own references.
  ok = ok && SSL_CTX_use_certificate(ctx, cert_) == 1 && SSL_CTX_use_PrivateKey(ctx, key_) == 1;
  for (X509* x : chain_) ok = ok && SSL_CTX_add1_chain_cert(ctx, x) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace tongket::server
