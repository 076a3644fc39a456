#include "counting_transport.hpp"

#include <chrono>

namespace tongket::bench {

sync::HttpReply CountingTransport::post(const std::string& path,
                                        const std::map<std::string, std::string>& headers,
                                        const sync::Bytes& body) {
  // "POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1:NNNNN\r\nContent-Length: N\r\n"; "Expect:"
  // and "Accept:" are sent empty, so curl omits them; the final blank line.
  std::size_t up = 5 + path.size() + 11 + 24 + 16 + std::to_string(body.size()).size() + 2;
  for (const auto& [k, v] : headers) up += k.size() + 2 + v.size() + 2;
  up += body.size();
  auto start = std::chrono::steady_clock::now();
  sync::HttpReply reply = inner_.post(path, headers, body);
  latencies_s.push_back(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  std::size_t down = 17 + 2;  // "HTTP/1.1 200 OK\r\n" and the blank line
  for (const auto& [k, v] : reply.headers) down += k.size() + 2 + v.size() + 2;
  down += reply.body.size();
  bytes_up += up;
  bytes_down += down;
  ++requests;
  breakdown += (breakdown.empty() ? "" : "; ") + path + " " + std::to_string(up) + " B up (body " +
               std::to_string(body.size()) + ") + " + std::to_string(down) + " B down (body " +
               std::to_string(reply.body.size()) + ")";
  return reply;
}

}  // namespace tongket::bench
