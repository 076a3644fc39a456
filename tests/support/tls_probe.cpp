#include "tls_probe.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "server_process.hpp"

namespace tongket::test {

bool tls12_handshake(int port, const std::filesystem::path& ca, const std::string& ciphers) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  REQUIRE(ctx != nullptr);
  SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
  const bool valid = SSL_CTX_set_cipher_list(ctx, ciphers.c_str()) == 1;
  if (!valid) SSL_CTX_free(ctx);
  REQUIRE(valid);
  SSL_CTX_load_verify_locations(ctx, ca.c_str(), nullptr);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  const int fd = connect_loopback(port);
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  SSL_set_tlsext_host_name(ssl, "localhost");
  const bool ok = SSL_connect(ssl) == 1;
  SSL_free(ssl);
  ::close(fd);
  SSL_CTX_free(ctx);
  ERR_clear_error();
  return ok;
}

}  // namespace tongket::test
