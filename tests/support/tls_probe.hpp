// A TLS 1.2 handshake probe for edge tests: which cipher suites a TLS endpoint on loopback
// accepts (tongket-server's own TLS, nginx in front of it).
#pragma once

#include <filesystem>
#include <string>

namespace tongket::test {

// A TLS 1.2 client that offers only `ciphers` (an OpenSSL cipher list; REQUIREs that it is
// valid) to 127.0.0.1:port, verifying the server's certificate for "localhost" against `ca`:
// true if the handshake completes.
bool tls12_handshake(int port, const std::filesystem::path& ca, const std::string& ciphers);

// The TLS 1.2 CBC suites (ECDSA) that neither edge offers.
inline constexpr const char* kTls12CbcSuites =
    "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA256:"
    "ECDHE-ECDSA-AES256-SHA384";

}  // namespace tongket::test
