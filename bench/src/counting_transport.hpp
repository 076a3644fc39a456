// A Transport decorator that measures what the session sends: HTTP bytes (headers and bodies
// as sent, i.e. gzipped) and each request's latency.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "tongket/sync/client_session.hpp"

namespace tongket::bench {

class CountingTransport final : public sync::Transport {
 public:
  explicit CountingTransport(sync::Transport& inner) : inner_(inner) {}

  sync::HttpReply post(const std::string& path, const std::map<std::string, std::string>& headers,
                       const sync::Bytes& body) override;

  // Request line, headers (ours and the ones libcurl adds: Host, Accept, Content-Length,
  // Expect), body; reply status line, headers and body. TLS records add ~30 bytes a request.
  std::size_t bytes_up = 0;
  std::size_t bytes_down = 0;
  std::size_t requests = 0;
  std::vector<double> latencies_s;
  std::string breakdown;  // "POST /v1/push 512 up + 300 down; ..."

 private:
  sync::Transport& inner_;
};

}  // namespace tongket::bench
