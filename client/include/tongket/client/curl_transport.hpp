// The client's HTTPS transport: libcurl with the server's CA pinned. One easy handle is reused
// so that a sync keeps one TLS connection alive (2G links pay dearly for handshakes).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "tongket/sync/client_session.hpp"

namespace tongket::net {

struct TransportOptions {
  std::string server_url;         // "https://host:port"
  std::filesystem::path ca_file;  // the pinned CA (PEM); required for https
  long connect_timeout_s = 20;
  // A transfer slower than this many bytes/s for low_speed_time_s is abandoned (a dead link).
  long low_speed_bytes = 16;
  long low_speed_time_s = 60;
  long total_timeout_s = 600;
};

class CurlTransport final : public sync::Transport {
 public:
  // Refuses a plain http:// URL unless allow_plain_http (tests of the refusal, local dev).
  explicit CurlTransport(TransportOptions options, bool allow_plain_http = false);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  // Throws Error(network) for no link/timeouts/resets, Error(tls) for certificate failures.
  sync::HttpReply post(const std::string& path, const std::map<std::string, std::string>& headers,
                       const sync::Bytes& body) override;
  sync::HttpReply get(const std::string& path,
                      const std::map<std::string, std::string>& headers) override;

 private:
  sync::HttpReply perform(bool is_post, const std::string& path,
                          const std::map<std::string, std::string>& headers,
                          const sync::Bytes& body);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tongket::net
